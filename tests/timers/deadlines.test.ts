import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { DeadlineOptions } from '../../runtime/shared/deadlines.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { ConfigError } from '../../runtime/config-error.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * Issue 29: the handshake and idle deadlines inside the sans-I/O core.
 * No driver and no real time: the test is the driver, sleeping only until
 * pollTimeout() and calling handleTimeout() then.
 */

const id = makeIdentity('p256', 'server.test');

/** Drives `conn` alone (its peer silent) the way a driver does, until it ends or `until`; returns the times it was woken. */
function sleepUntilDeadlines(conn: DtlsConnection, until: number): number[] {
  const woken: number[] = [];
  for (let at = conn.pollTimeout(); at !== undefined && at <= until; at = conn.pollTimeout()) {
    woken.push(at);
    conn.handleTimeout(at);
    while (conn.pollTransmit() !== undefined);
  }
  return woken;
}

/** A pair whose server (or client) also keeps deadlines. */
function pairWith(deadlines: { client?: DeadlineOptions; server?: DeadlineOptions }): {
  client: DtlsConnection;
  server: DtlsConnection;
} {
  const server = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock: () => TEST_TIME,
    ...deadlines.server,
  });
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    ...deadlines.client,
  });
  return { client, server };
}

function events(conn: DtlsConnection): ConnectionEvent[] {
  const out: ConnectionEvent[] = [];
  for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) out.push(e);
  return out;
}

test('handshakeTimeoutMs: pollTimeout reports the deadline, and handleTimeout there fails the handshake as timed out', (t) => {
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    handshakeTimeoutMs: 2_500,
  });
  t.is(client.pollTimeout(), undefined, 'nothing before connect');
  client.connect(0);
  t.is(client.pollTimeout(), 1_000, 'the first retransmission comes first');
  const woken = sleepUntilDeadlines(client, 100_000);
  t.deepEqual(
    woken,
    [1_000, 2_500],
    'one retransmission at 1 s, then the handshake deadline (before the 3 s retransmission)',
  );
  t.is(client.expired, 'handshake');
  t.is(client.failure?.message, 'timeout: no handshake within 2500 ms');
  t.like(events(client).at(-1), { type: 'closed', reason: 'timeout' });
  t.is(client.pollTimeout(), undefined, 'an ended connection has no deadline');
});

test('without handshakeTimeoutMs the handshake lasts until the retransmissions run out (no deadline of its own)', (t) => {
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
  });
  client.connect(0);
  const woken = sleepUntilDeadlines(client, 10_000_000);
  t.is(woken.length, 11, 'ten retransmissions and the timeout');
  t.is(client.expired, undefined);
  t.regex(client.failure?.message ?? '', /before the retransmission limit/);
});

test('a server counts its handshake deadline from its first datagram', (t) => {
  const { client, server } = pairWith({ server: { handshakeTimeoutMs: 5_000 } });
  client.connect(0);
  t.is(server.pollTimeout(), undefined, 'no datagram yet: no deadline');
  const hello = client.pollTransmit();
  if (!hello) return t.fail('no ClientHello');
  server.receive(hello, 700);
  while (server.pollTransmit() !== undefined);
  sleepUntilDeadlines(server, 100_000);
  t.is(server.expired, 'handshake');
  t.is(server.failure?.message, 'timeout: no handshake within 5000 ms');
});

test('idleTimeoutMs: once connected the deadline moves with every authenticated record, and at it the connection closes (close_notify) as timed out', (t) => {
  const { client, server } = pairWith({ client: { idleTimeoutMs: 30_000, handshakeTimeoutMs: 10_000 } });
  const link = new Link(client, server);
  client.connect(0);
  link.run(5_000);
  t.is(client.state, 'connected');
  t.is(client.expired, undefined, 'the handshake deadline did not fire once connected');
  const last = client.lastAuthenticatedReceive ?? 0;
  t.is(client.pollTimeout(), last + 30_000, 'the idle deadline, from the last authenticated record');
  // The server sends data at 20 s: the deadline moves.
  link.run(20_000);
  link.now = 20_000;
  server.send(new TextEncoder().encode('still here'), 20_000);
  link.run(20_100);
  t.is(client.lastAuthenticatedReceive, 20_010);
  t.is(client.pollTimeout(), 50_010);
  // Plaintext junk does not move it.
  client.receive(new Uint8Array([22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0]), 30_000);
  t.is(client.pollTimeout(), 50_010);
  client.handleTimeout(50_009);
  t.is(client.expired, undefined);
  client.handleTimeout(50_010);
  t.is(client.expired, 'idle');
  t.like(link.events.client.concat(events(client)).at(-1), { type: 'closed', reason: 'timeout' });
  t.true(client.pollTransmit() !== undefined, 'close_notify goes out');
  t.is(client.failure, undefined, 'an idle close is not a failure');
});

test('bad deadline options are ConfigErrors naming the option', (t) => {
  t.throws(() => DtlsConnection.client({ handshakeTimeoutMs: -1 }), {
    instanceOf: ConfigError,
    message: /handshakeTimeoutMs/,
  });
  t.throws(() => DtlsConnection.client({ idleTimeoutMs: 1.5 }), { instanceOf: ConfigError, message: /idleTimeoutMs/ });
});
