/**
 * runtime/api/application-callback.ts: which callback results count as promises (their rejection ends the
 * session), and callUnguarded, which never lets a callback's exception reach the caller but rethrows it in a
 * microtask; tell, which calls an endpoint's handler, if set, and drops what it throws.
 */
import test from 'ava';
import { callUnguarded, isThenable, tell } from '../../runtime/api/application-callback.js';

test('promises and thenables are thenable; other values are not', (t) => {
  t.true(isThenable(Promise.resolve()));
  t.true(isThenable({ then: () => undefined }));
  const fn = Object.assign(() => 1, { then: () => undefined });
  t.false(isThenable(fn), 'a function with then is not an object');
  for (const v of [undefined, null, 0, 'then', {}, { then: 1 }, []]) t.false(isThenable(v), String(v));
});

test('a callback that returns runs once and nothing is thrown', (t) => {
  let calls = 0;
  callUnguarded(() => void calls++);
  t.is(calls, 1);
});

test('an exception does not reach the caller; it is thrown again in a microtask', async (t) => {
  const error = new Error('from onkeylog');
  const seen: unknown[] = [];
  const original = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const catcher = (e: unknown): void => void seen.push(e);
  process.on('uncaughtException', catcher);
  try {
    let after = false;
    t.notThrows(() =>
      callUnguarded(() => {
        throw error;
      }),
    );
    after = true;
    t.deepEqual(seen, [], 'not thrown synchronously');
    await new Promise((r) => setImmediate(r));
    t.true(after);
    t.deepEqual(seen, [error], 'thrown once, later, as from an event handler');
  } finally {
    process.off('uncaughtException', catcher);
    for (const l of original) process.on('uncaughtException', l);
  }
});

test("tell: an endpoint's handler gets the arguments; none set is no call; what it throws is dropped", (t) => {
  const got: unknown[][] = [];
  tell((a: number, b: string) => void got.push([a, b]), 1, 'two');
  t.deepEqual(got, [[1, 'two']]);
  t.notThrows(() => tell<[number]>(null, 3));
  t.notThrows(() =>
    tell(() => {
      throw new Error('the application failed');
    }),
  );
});
