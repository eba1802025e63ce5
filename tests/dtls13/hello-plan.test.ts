import test from 'ava';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { TICKET_AGE_TOLERANCE_MS } from '../../runtime/shared/psk-selection.js';
import { MemoryAntiReplay } from '../../runtime/session/anti-replay.js';
import { Link } from '../support/link.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * The server's plan for a ClientHello (runtime/dtls13/hello-plan.ts), on real 1.3 connections in memory, through
 * what it decides of 0-RTT (RFC 8446 §4.2.10, §8; RFC 9147 §5.1): early data is taken with a fresh ticket on a first
 * ClientHello from the address the ticket was issued to, once; it is refused (the resumption still made) for a
 * ClientHello replayed to another server sharing the store, after a HelloRetryRequest, with a stale ticket age, from
 * another address, with a store that started after the ticket, and by a server that takes no early data now.
 */

const id = makeIdentity('p256', 'hello-plan.test');
const TICKET_KEYS = new Uint8Array(32).fill(0x42);
const ADDRESS = '192.0.2.10';

interface Setup {
  readonly server?: DtlsOptions;
  readonly client?: DtlsOptions;
  /** The server's wall clock (the client's stays at TEST_TIME). */
  readonly serverClock?: number;
}

function connection(store: MemoryAntiReplay, s: Setup = {}): { client: DtlsConnection; server: DtlsConnection } {
  const server = DtlsConnection.server({
    certificate: { chain: id.chain, privateKey: id.privateKey },
    ticketKeys: TICKET_KEYS,
    maxEarlyData: 1000,
    antiReplay: store,
    peerAddress: ADDRESS,
    wallClock: () => s.serverClock ?? TEST_TIME,
    ...s.server,
  });
  const client = DtlsConnection.client({
    trustAnchors: [id.caDer],
    serverName: 'hello-plan.test',
    wallClock: () => TEST_TIME,
    ...s.client,
  });
  return { client, server };
}

/** A full handshake: the ticket the client was handed (issued for 0-RTT under `store`). */
function ticket(store: MemoryAntiReplay, s: Setup = {}): Uint8Array {
  const { client, server } = connection(store, s);
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
}

const EARLY = new TextEncoder().encode('early');

function resumed(store: MemoryAntiReplay, session: Uint8Array, s: Setup = {}) {
  const { client, server } = connection(store, { ...s, client: { session, earlyData: EARLY, ...s.client } });
  const link = new Link(client, server);
  client.connect(0);
  link.run();
  const done = link.events.server.find((e) => e.type === 'handshakeComplete');
  const parameters = done?.type === 'handshakeComplete' ? done.parameters : undefined;
  return { link, parameters, early: earlyAt(link.events.server) };
}

const earlyAt = (events: readonly ConnectionEvent[]): number =>
  events.filter((e) => e.type === 'data' && e.early === true).length;

test('a fresh ticket on a first ClientHello from its address: early data taken', (t) => {
  const store = new MemoryAntiReplay();
  const r = resumed(store, ticket(store));
  t.is(r.link.server.state, 'connected', JSON.stringify(r.link.server.failure));
  t.like(r.parameters, { resumed: true, earlyData: 'accepted' });
  t.is(r.early, 1);
});

test('the same ClientHello replayed to another server sharing the store: no early data there', (t) => {
  const store = new MemoryAntiReplay();
  const session = ticket(store);
  const { client, server } = connection(store, { client: { session, earlyData: EARLY } });
  client.connect(0);
  const first: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit()) first.push(d);
  for (const d of first) server.receive(d, 0);
  const events: ConnectionEvent[] = [];
  for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent()) events.push(e);
  t.is(earlyAt(events), 1, 'the first server took it');
  const other = connection(store).server;
  for (const d of first) other.receive(d, 0);
  const replayed: ConnectionEvent[] = [];
  for (let e = other.pollEvent(); e !== undefined; e = other.pollEvent()) replayed.push(e);
  t.is(earlyAt(replayed), 0, 'the replay did not');
});

test('after a HelloRetryRequest: resumed, no early data taken', (t) => {
  const store = new MemoryAntiReplay();
  const session = ticket(store);
  const r = resumed(store, session, { server: { groups: ['secp256r1'] }, client: { groups: ['x25519', 'secp256r1'] } });
  t.is(r.link.server.state, 'connected', JSON.stringify(r.link.server.failure));
  t.like(r.parameters, { resumed: true, helloRetryRequest: true });
  t.not(r.parameters?.earlyData, 'accepted');
  t.is(r.early, 0);
});

test('a ticket age off by more than the tolerance: resumed, early data rejected', (t) => {
  const store = new MemoryAntiReplay();
  const session = ticket(store);
  const r = resumed(store, session, { serverClock: TEST_TIME + TICKET_AGE_TOLERANCE_MS + 5000 });
  t.like(r.parameters, { resumed: true, earlyData: 'rejected' });
  t.is(r.early, 0);
  const within = resumed(store, session, { serverClock: TEST_TIME + TICKET_AGE_TOLERANCE_MS - 5000 });
  t.like(within.parameters, { resumed: true, earlyData: 'accepted' }, 'within it, taken');
});

test('from another address than the ticket was issued to: resumed, early data rejected', (t) => {
  const store = new MemoryAntiReplay();
  const r = resumed(store, ticket(store), { server: { peerAddress: '192.0.2.11' } });
  t.like(r.parameters, { resumed: true, earlyData: 'rejected' });
  t.is(r.early, 0);
});

test('a store that started after the ticket was issued (a restart): early data rejected', (t) => {
  const r = resumed(new MemoryAntiReplay(), ticket(new MemoryAntiReplay()));
  t.like(r.parameters, { resumed: true, earlyData: 'rejected' });
  t.is(r.early, 0);
});

test('a server that now takes no early data: rejected', (t) => {
  const store = new MemoryAntiReplay();
  const r = resumed(store, ticket(store), { server: { maxEarlyData: 0 } });
  t.like(r.parameters, { resumed: true, earlyData: 'rejected' });
  t.is(r.early, 0);
});
