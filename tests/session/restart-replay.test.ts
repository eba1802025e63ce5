/**
 * A 0-RTT flight replayed after the server restarts (reported, not fixed,
 * last round): a MemoryAntiReplay lives and dies with its process, so a
 * server restarted with the same `ticketKeys` had an empty store and took a
 * flight captured seconds before the restart a second time. Tickets now
 * carry their store's generation (random per MemoryAntiReplay) and take
 * 0-RTT only under it (RFC 8446 §8: a store cannot vouch for what it never
 * saw); the resumption itself goes on, one round trip later for the data.
 */
import test from 'ava';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { MemoryAntiReplay } from '../../runtime/session/anti-replay.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

const serverId = makeIdentity('p256', 'server.test');
const ticketKeys = new Uint8Array(32).fill(0x4d);
const REQUEST = new TextEncoder().encode('POST /transfer');

function serverOptions(antiReplay: MemoryAntiReplay): ConnectionOptions {
  return {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    ticketKeys,
    maxEarlyData: 4096,
    antiReplay,
  };
}

/** A ticket from a server whose store is `store`. */
function ticketUnder(store: MemoryAntiReplay): Uint8Array {
  const { link } = handshake(serverId, { server: { ticketKeys, maxEarlyData: 4096, antiReplay: store } });
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
}

/** The client's first flight (ClientHello and its early data) with `session`. */
function flight(session: Uint8Array): Uint8Array[] {
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    session,
    earlyData: REQUEST,
  });
  client.connect(0);
  const out: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) out.push(d);
  return out;
}

/** What a new server on `store` takes as early data from `datagrams`, and whether it resumed. */
function earlyTaken(store: MemoryAntiReplay, datagrams: readonly Uint8Array[]): { early: string[]; refused: number } {
  const server = DtlsConnection.server(serverOptions(store));
  for (const d of datagrams) server.receive(d, 0);
  const events: ConnectionEvent[] = [];
  for (let e = server.pollEvent(); e; e = server.pollEvent()) events.push(e);
  const early = events.flatMap((e) => (e.type === 'data' && e.early ? [new TextDecoder().decode(e.data)] : []));
  return { early, refused: server.stats.ignored['early-data-refused'] };
}

test('attacker: a 0-RTT flight taken before a restart is not taken again by the restarted server (same ticketKeys, new memory store)', (t) => {
  const before = new MemoryAntiReplay();
  const captured = flight(ticketUnder(before));
  t.deepEqual(earlyTaken(before, captured).early, ['POST /transfer'], 'taken once before the restart');
  t.deepEqual(earlyTaken(before, captured).early, [], 'a copy before the restart: refused by the store');
  const restarted = new MemoryAntiReplay(); // the process restarted: its store is empty
  const replay = earlyTaken(restarted, captured);
  t.deepEqual(replay.early, [], 'the copy after the restart: refused');
  t.true(replay.refused >= 1);
});

test('after a restart, tickets issued by the restarted server take 0-RTT again', (t) => {
  const restarted = new MemoryAntiReplay();
  t.deepEqual(earlyTaken(restarted, flight(ticketUnder(restarted))).early, ['POST /transfer']);
});
