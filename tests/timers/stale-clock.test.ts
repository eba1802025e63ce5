import test, { type ExecutionContext } from 'ava';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * Issue 27 item 3: a post-handshake flight started after an idle period
 * times from the `now` of the call that starts it, not from the last time
 * the connection was told (which is how a KeyUpdate went out with several
 * "retransmissions" at once). Sans-I/O, with the caller's clock.
 */

const id = makeIdentity('p256', 'server.test');
const IDLE = 60_000;

function drain(conn: DtlsConnection): number {
  let n = 0;
  while (conn.pollTransmit() !== undefined) n++;
  return n;
}

/** Starts a flight with `start(now)` after IDLE ms of silence and counts the datagrams the client sends until its timer expires, and at its expiry. */
function flightAfterIdle(t: ExecutionContext, start: (client: DtlsConnection, now: number) => void): void {
  const { link } = handshake(id);
  link.run(link.now + 10_000); // tickets, ACKs: nothing left in flight
  const client = link.client;
  t.is(client.pollTimeout(), undefined, 'an idle connection has no timer');
  const now = link.now + IDLE;
  start(client, now);
  t.is(drain(client), 1, 'the flight goes out once');
  // What a driver does next: run the timers due now, as pollTimeout tells it.
  const deadline = client.pollTimeout();
  t.true(deadline !== undefined && deadline > now, `the retransmission is due after the call (${deadline} > ${now})`);
  client.handleTimeout(now);
  t.is(drain(client), 0, 'nothing is retransmitted at once');
  const timeout = client.stats.retransmitTimeout;
  client.handleTimeout(now + timeout - 1);
  t.is(drain(client), 0, 'nor before the retransmit timeout has passed');
  client.handleTimeout(now + timeout);
  t.is(drain(client), 1, 'when it expires, one retransmission');
  t.is(client.failure, undefined);
}

test('updateKeys(requestPeer, now) after an idle minute sends one KeyUpdate until its timer expires', (t) => {
  flightAfterIdle(t, (client, now) => client.updateKeys(false, now));
});

test('requestConnectionIds(count, now) after an idle minute: one RequestConnectionId until its timer expires', (t) => {
  const { link } = handshake(id, { client: { cid: 4 }, server: { cid: 4 } });
  link.run(link.now + 10_000);
  const client = link.client;
  const now = link.now + IDLE;
  client.requestConnectionIds(1, now);
  t.is(drain(client), 1);
  client.handleTimeout(now);
  t.is(drain(client), 0, 'nothing is retransmitted at once');
});
