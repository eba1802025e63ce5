/**
 * A 1.3 client's sends held until the server confirms the handshake (runtime/api/opening.ts): when the session
 * ends first, their callbacks hear it, and none runs inside the session's teardown (DtlsSession.finish), where a
 * callback that throws (an application bug) would cut it short: the listener would keep the session, `closed` would
 * never settle.
 */
import test from 'ava';
import { SessionStateError } from '../../runtime/index.js';
import { SessionOpening } from '../../runtime/api/opening.js';

test('held sends of a session that ends unconfirmed: each callback gets the error, after the teardown, never inside it', async (t) => {
  const opening = new SessionOpening({
    sentFailure: undefined,
    whenWritten: (waiter) => queueMicrotask(() => waiter(undefined)),
  });
  opening.awaitConfirmation();
  const told: (Error | null)[] = [];
  let inside = true;
  const callback = (e: Error | null): void => {
    t.false(inside, 'called from inside ended(), the session teardown');
    told.push(e);
  };
  // Held until the confirmation releases them.
  opening.whenSent(callback);
  opening.whenSent(callback);
  const failure = new SessionStateError('the session failed');
  t.notThrows(() => opening.ended(() => failure));
  inside = false;
  await Promise.resolve();
  t.deepEqual(told, [failure, failure]);
});
