/** xstate, loaded at its first use: only the inspector needs it, so it is an optional peer dependency. */
import { channel } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import type * as Xstate from 'xstate';
import { ConfigError } from '../config-error.js';

let loaded: typeof Xstate | undefined;

/** The xstate module, loaded at the first call (told on `dtls13:load`); ConfigError naming `inspect` when not installed. */
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
