/**
 * xstate, loaded at its first use. Only the inspector runs the XState machines (an `inspect` callback:
 * runtime/machine/inspected-chart.ts and the generated `shared<Chart>Machine()`); connections run the compiled charts
 * without it. So xstate is an optional peer dependency of the package: a process that never inspects never loads it,
 * and an `npm install dtls13` without it still connects and listens.
 */
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import type * as Xstate from 'xstate';
import { ConfigError } from '../config-error.js';

let loaded: typeof Xstate | undefined;

/**
 * The xstate module; the first call loads it (and says so on the `dtls13:load` diagnostics channel as `{ part: 'xstate'
 * }`). Throws ConfigError for the `inspect` option, with the `npm install` to run, when xstate is not installed.
 */
export function xstate(): typeof Xstate {
  if (loaded !== undefined) return loaded;
  try {
    loaded = createRequire(import.meta.url)('xstate') as typeof Xstate;
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw e;
    throw Object.assign(
      new ConfigError(
        'inspect',
        "needs the package 'xstate', which 'npm install dtls13' does not install (an optional peer dependency): npm install xstate",
      ),
      { cause: e },
    );
  }
  const loads = channel('dtls13:load');
  if (loads.hasSubscribers) loads.publish({ part: 'xstate' });
  return loaded;
}
