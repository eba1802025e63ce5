/**
 * xstate loaded at its first use (runtime/machine/xstate-module.ts): only the inspector needs it, so a process that never
 * inspects never loads it. The first call loads it and says so once on the `dtls13:load` diagnostics channel; later
 * calls hand back the same module without a word. (The ConfigError naming `inspect` when xstate is not installed is
 * not tested here: this tree has it installed.)
 */
import test from 'ava';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { xstate } from '../../runtime/machine/xstate-module.js';

test('the first call loads xstate and announces it once; later calls return the same module silently', (t) => {
  const heard: unknown[] = [];
  const listener = (message: unknown): void => void heard.push(message);
  subscribe('dtls13:load', listener);
  t.teardown(() => unsubscribe('dtls13:load', listener));
  const first = xstate();
  const second = xstate();
  t.is(second, first);
  t.is(first, createRequire(import.meta.url)('xstate'));
  t.is(typeof first.createActor, 'function');
  t.deepEqual(heard, [{ part: 'xstate' }]);
});
