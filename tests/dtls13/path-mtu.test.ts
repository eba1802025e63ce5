import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { Link } from '../support/link.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { makePair } from '../support/stepper.js';

/**
 * RFC 9147 §4.4: a path MTU signal (ICMP fragmentation-needed, EMSGSIZE on
 * send) makes later transmissions of a flight fit a smaller datagram. The
 * UDP driver turns the signal into `pathMtuExceeded` (tests/network/
 * small-mtu.test.ts shows it over a real 576-byte path); here sans-I/O.
 */

const id = makeIdentity('p256', 'server.test');

function drain(conn: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = conn.pollTransmit(); d !== undefined; d = conn.pollTransmit()) out.push(d);
  return out;
}

test('after pathMtuExceeded(548) the retransmitted X25519MLKEM768 ClientHello comes in datagrams of at most 548 bytes, and the handshake completes', (t) => {
  const { client, server } = makePair(id, {
    client: { groups: ['x25519mlkem768'] },
    server: { groups: ['x25519mlkem768'] },
  });
  client.connect(0);
  const first = drain(client);
  t.true(
    first.some((d) => d.length > 548),
    `the first transmission fills the default 1,200-byte datagrams (${first.map((d) => d.length).join(', ')})`,
  );
  t.true(client.pathMtuExceeded(548));
  t.is(client.datagramLimit, 548);
  t.false(client.pathMtuExceeded(1200), 'a signal never raises the limit');
  client.handleTimeout(client.pollTimeout()!);
  const again = drain(client);
  t.true(again.length > first.length, 'more datagrams, each smaller');
  t.true(
    again.every((d) => d.length <= 548),
    again.map((d) => d.length).join(', '),
  );
  // The first transmission never arrived (the path dropped it); the smaller one completes the handshake.
  for (const d of again) server.receive(d, 1000);
  const link = new Link(client, server);
  link.now = 1000;
  link.run(30_000);
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server.state, 'connected', server.failure?.message);
});

test('pathMtuExceeded never goes below 256 bytes', (t) => {
  const { client } = makePair(id);
  client.connect(0);
  client.pathMtuExceeded(100);
  t.is(client.datagramLimit, 256);
});

/** The server's first flight (an X25519MLKEM768 ServerHello and a certificate: more than 548 bytes a datagram), sent at `at`. */
function serverFlight(identity = id): { client: DtlsConnection; server: DtlsConnection; flight: Uint8Array[] } {
  const { client, server } = makePair(identity, {
    client: { groups: ['x25519mlkem768'] },
    server: { groups: ['x25519mlkem768'] },
  });
  client.connect(0);
  for (const d of drain(client)) server.receive(d, 0);
  const flight = drain(server);
  return { client, server, flight };
}

test('a server flight of datagrams over 548 bytes that gets no answer is retransmitted in datagrams of at most 548 (RFC 9147 §4.4), and the handshake completes', (t) => {
  const { client, server, flight } = serverFlight();
  t.true(
    flight.some((d) => d.length > 548),
    `the first transmission fills 1,200-byte datagrams (precondition): ${flight.map((d) => d.length).join(', ')}`,
  );
  // The path drops every datagram of the first transmission (a router's MTU the server's unconnected socket never learns).
  server.handleTimeout(server.pollTimeout()!);
  const again = drain(server);
  t.true(again.length > 0, 'the retransmission timer resent the flight');
  t.true(
    again.every((d) => d.length <= 548),
    again.map((d) => d.length).join(', '),
  );
  t.is(server.datagramLimit, 548);
  const at = server.pollTimeout()! - 1;
  for (const d of again) client.receive(d, at);
  const link = new Link(client, server);
  link.now = at;
  link.run(30_000);
  t.is(client.state, 'connected', client.failure?.message);
  t.is(server.state, 'connected', server.failure?.message);
});

test('a flight the peer acknowledged in part is retransmitted at the full datagram size', (t) => {
  const { client, server, flight } = serverFlight(makeIdentity('rsa2048', 'server.test', { caKind: 'rsa2048' }));
  t.true(
    flight.length > 2,
    `the flight takes three datagrams or more (precondition): ${flight.map((d) => d.length).join(', ')}`,
  );
  // The second datagram is lost; the client sees the gap, acknowledges what it got (RFC 9147 §7.1) and the ACK reaches the server.
  for (const d of flight.filter((_, i) => i !== 1)) client.receive(d, 0);
  const due = client.pollTimeout();
  if (due !== undefined) client.handleTimeout(due);
  const acks = drain(client);
  t.true(acks.length > 0, 'the client sent an ACK (precondition)');
  for (const d of acks) server.receive(d, due ?? 0);
  // A partial ACK makes the server resend the rest at once (RFC 9147 §7.1).
  let again = drain(server);
  if (again.length === 0) {
    server.handleTimeout(server.pollTimeout()!);
    again = drain(server);
  }
  t.true(again.length > 0, 'the rest of the flight was retransmitted');
  t.is(server.datagramLimit, 1200);
  t.true(
    again.some((d) => d.length > 548),
    again.map((d) => d.length).join(', '),
  );
});

test('an unanswered flight whose datagrams already fit 548 bytes leaves the limit alone', (t) => {
  const { client } = makePair(id);
  client.connect(0);
  const first = drain(client);
  t.true(
    first.every((d) => d.length <= 548),
    `an X25519 ClientHello is small (precondition): ${first.map((d) => d.length).join(', ')}`,
  );
  client.handleTimeout(client.pollTimeout()!);
  t.true(drain(client).length > 0, 'the ClientHello was retransmitted');
  t.is(client.datagramLimit, 1200);
});
