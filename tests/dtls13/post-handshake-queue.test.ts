import test from 'ava';
import { ProtocolError } from '../../runtime/handshake/protocol-error.js';
import { MAX_WAITING_FLIGHTS, PostHandshakeFlights } from '../../runtime/dtls13/post-handshake-queue.js';

/**
 * The queue of post-handshake flights waiting behind the outstanding one (runtime/dtls13/post-handshake-queue.ts,
 * RFC 9147 §5.8): first in, first out; nothing allocated while none waits; a peer that keeps asking past the cap gets
 * unexpected_message and the queue does not grow.
 */

test('flights wait in order and come off the queue one at a time', (t) => {
  const q = new PostHandshakeFlights();
  const sent: number[] = [];
  t.is(q.waitingFlights, 0);
  t.is(q.next(), undefined, 'nothing waits');
  for (const n of [1, 2, 3]) q.wait(() => sent.push(n));
  t.is(q.waitingFlights, 3);
  for (let send = q.next(); send !== undefined; send = q.next()) send();
  t.deepEqual(sent, [1, 2, 3]);
  t.is(q.waitingFlights, 0);
  q.wait(() => sent.push(4));
  q.next()!();
  t.deepEqual(sent, [1, 2, 3, 4], 'usable again once drained');
});

test(`past ${MAX_WAITING_FLIGHTS} waiting: unexpected_message, and the queue keeps what it had`, (t) => {
  const q = new PostHandshakeFlights();
  for (let i = 0; i < MAX_WAITING_FLIGHTS; i++) q.wait(() => {});
  const e = t.throws(() => q.wait(() => {}), { instanceOf: ProtocolError });
  t.is(e?.alert, 'unexpected_message');
  t.regex(e?.message ?? '', new RegExp(`more than ${MAX_WAITING_FLIGHTS} post-handshake requests`));
  t.is(q.waitingFlights, MAX_WAITING_FLIGHTS);
  q.next();
  t.notThrows(() => q.wait(() => {}), 'one taken off makes room for one');
});

test('a waiting KeyUpdate is kept apart and does not count against the cap', (t) => {
  const q = new PostHandshakeFlights();
  t.is(q.keyUpdateWaiting, undefined);
  q.keyUpdateWaiting = true;
  for (let i = 0; i < MAX_WAITING_FLIGHTS; i++) q.wait(() => {});
  t.is(q.waitingFlights, MAX_WAITING_FLIGHTS);
  t.true(q.keyUpdateWaiting);
});
