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
  const { client, server } = makePair(id, { client: { groups: ['x25519mlkem768'] }, server: { groups: ['x25519mlkem768'] } });
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
