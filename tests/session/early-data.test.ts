import test from 'ava';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { freshAntiReplay } from '../support/fresh-anti-replay.js';
import { handshake } from '../support/handshake.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

// 0-RTT early data (RFC 8446 §4.2.10, §8; RFC 9147 epoch 1) on the scripted link.

const serverId = makeIdentity('p256', 'server.test');
const ticketKeys = new Uint8Array(32).fill(0x0e);
const REQUEST = new TextEncoder().encode('GET /status');

function sessionAllowing(maxEarlyData: number): Uint8Array {
  const { link } = handshake(serverId, { server: { ticketKeys, maxEarlyData } });
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
}

const earlyAt = (events: readonly ConnectionEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'data' && e.early ? [new TextDecoder().decode(e.data)] : []));
const verdict = (events: readonly ConnectionEvent[]) => events.find((e) => e.type === 'earlyData');

test('accepted: the server reads the early data before the handshake completes; both sides report accepted', (t) => {
  const session = sessionAllowing(4096);
  const { link, parameters } = handshake(serverId, {
    client: { session, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 4096, antiReplay: freshAntiReplay() },
  });
  t.is(parameters?.earlyData, 'accepted', link.server.failure?.message);
  t.true(parameters?.resumed);
  t.deepEqual(earlyAt(link.events.server), ['GET /status']);
  const early = link.events.server.findIndex((e) => e.type === 'data' && e.early);
  const complete = link.events.server.findIndex((e) => e.type === 'handshakeComplete');
  t.true(early < complete, 'delivered before the handshake completed');
  t.like(verdict(link.events.client), { type: 'earlyData', accepted: true });
});

test('rejected by a server that takes no 0-RTT: skipped, never delivered; the client gets its data back to resend', (t) => {
  const session = sessionAllowing(4096);
  const { link, parameters } = handshake(serverId, {
    client: { session, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 0 },
  });
  t.is(parameters?.earlyData, 'rejected');
  t.true(parameters?.resumed);
  t.deepEqual(earlyAt(link.events.server), []);
  t.true(link.server.stats.ignored['early-data-refused'] >= 1);
  const v = verdict(link.events.client);
  t.true(v?.type === 'earlyData' && !v.accepted && new TextDecoder().decode(v.data) === 'GET /status');
  t.is(link.server.stats.retained.deferredBytes, 0, 'nothing kept for keys that never come');
});

test('a replayed ClientHello with its early data, sent to a second server sharing the ticket keys and the store, is taken once', (t) => {
  const session = sessionAllowing(4096);
  const store = freshAntiReplay();
  const serverOptions: ConnectionOptions = {
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    ticketKeys,
    maxEarlyData: 4096,
    antiReplay: store,
  };
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    session,
    earlyData: REQUEST,
  });
  client.connect(0);
  const captured: Uint8Array[] = [];
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) captured.push(d);
  const first = DtlsConnection.server(serverOptions);
  const second = DtlsConnection.server(serverOptions);
  for (const d of captured) first.receive(d, 0);
  for (const d of captured) second.receive(d, 5); // the attacker's copy
  const events = (c: DtlsConnection): ConnectionEvent[] => {
    const out: ConnectionEvent[] = [];
    for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
    return out;
  };
  t.deepEqual(earlyAt(events(first)), ['GET /status']);
  t.deepEqual(earlyAt(events(second)), []);
  t.true(second.stats.ignored['early-data-refused'] >= 1);
});

test('early data over the limit: more than the ticket allows is not sent; more than the server allows ends with unexpected_message', (t) => {
  const session = sessionAllowing(8);
  const tooBig = handshake(serverId, {
    client: { session, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 8 },
  });
  t.is(tooBig.parameters?.earlyData, 'not sent');
  t.is(verdict(tooBig.link.events.client), undefined);
  // The ticket allows 4096, this server only 4 (its option changed since): the client sends 11 bytes.
  const generous = sessionAllowing(4096);
  const over = handshake(serverId, {
    client: { session: generous, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 4 },
  });
  t.is(over.link.server.failure?.alert, 'unexpected_message');
  t.regex(over.link.server.failure?.message ?? '', /max_early_data_size/);
});

test('a HelloRetryRequest refuses the early data; the second ClientHello carries none', (t) => {
  const session = sessionAllowing(4096);
  const { link, parameters } = handshake(serverId, {
    client: { session, earlyData: REQUEST, groups: ['x25519', 'secp256r1'] },
    server: { ticketKeys, maxEarlyData: 4096, groups: ['secp256r1'] },
  });
  t.true(parameters?.helloRetryRequest);
  t.is(parameters?.earlyData, 'rejected');
  t.like(
    verdict(link.events.client),
    { type: 'earlyData', accepted: false },
    'the client gets its data back to resend',
  );
  t.true(parameters?.resumed);
  t.deepEqual(earlyAt(link.events.server), []);
});

test('a stale ticket age (the client lies about when it got the ticket) resumes without 0-RTT', (t) => {
  const session = sessionAllowing(4096);
  const { parameters } = handshake(serverId, {
    client: { session, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 4096, wallClock: () => TEST_TIME + 60_000 },
  });
  t.true(parameters?.resumed);
  t.is(parameters?.earlyData, 'rejected');
});

test('loss of the early-data datagram loses that data only: the handshake completes and says accepted', (t) => {
  const session = sessionAllowing(4096);
  const { link, parameters } = handshake(serverId, {
    client: { session, earlyData: REQUEST },
    server: { ticketKeys, maxEarlyData: 4096, antiReplay: freshAntiReplay() },
    link: { filter: (from, index) => !(from === 'client' && index === 1) },
  });
  t.is(link.client.state, 'connected');
  t.is(parameters?.earlyData, 'accepted');
  t.deepEqual(earlyAt(link.events.server), []);
});

test('a lost first flight: the retransmitted ClientHello takes its early data along, and the server reads it once', (t) => {
  const session = sessionAllowing(4096);
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock: () => TEST_TIME,
    session,
    earlyData: REQUEST,
  });
  const server = DtlsConnection.server({
    certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
    wallClock: () => TEST_TIME,
    ticketKeys,
    maxEarlyData: 4096,
    antiReplay: freshAntiReplay(),
  });
  const drain = (c: DtlsConnection): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let d = c.pollTransmit(); d; d = c.pollTransmit()) out.push(d);
    return out;
  };
  client.connect(0);
  const lost = drain(client);
  t.true(lost.length >= 2, 'the ClientHello and the early data, in datagrams of their own');
  const retransmitAt = client.pollTimeout();
  if (retransmitAt === undefined) return t.fail('no retransmission timer');
  client.handleTimeout(retransmitAt);
  const resent = drain(client);
  t.deepEqual(resent.slice(1), lost.slice(1), 'the same early-data records follow the ClientHello again');
  for (const d of [...resent, ...resent]) server.receive(d, retransmitAt); // the copy: the replay window drops it
  const events: ConnectionEvent[] = [];
  for (let e = server.pollEvent(); e; e = server.pollEvent()) events.push(e);
  t.deepEqual(earlyAt(events), ['GET /status']);
});
