import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';
import { freshAntiReplay } from '../support/fresh-anti-replay.js';
import { handshake } from '../support/handshake.js';
import { injectHandshakeMessage, injectRecord } from '../support/inject.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * EndOfEarlyData in DTLS 1.3 (RFC 9147 §5.6 removed it). NSS's client still sends it after accepted 0-RTT, under the
 * early keys, and hashes it into its transcript, as NSS's server does (lib/ssl/tls13con.c, wait_end_of_early_data). A
 * dtls13 server takes it as that: once, in epoch 1, while 0-RTT is open, into the transcript, epoch 1 closed after it.
 * Anywhere else it is refused: unexpected_message under keys, set aside in plaintext. The whole exchange with NSS's
 * tstclnt is tests/interop/nss-early-data.test.ts.
 */

const END_OF_EARLY_DATA = 5;
const serverId = makeIdentity('p256', 'server.test');
const ticketKeys = new Uint8Array(32).fill(0x5e);
const wallClock = (): number => TEST_TIME;
const REQUEST = new TextEncoder().encode('GET /early');
const serverOptions = {
  certificate: { chain: serverId.chain, privateKey: serverId.privateKey },
  wallClock,
  ticketKeys,
  maxEarlyData: 4096,
};

function ticket(): Uint8Array {
  const { link } = handshake(serverId, { server: { ticketKeys, maxEarlyData: 4096 } });
  const e = link.events.client.find((x) => x.type === 'sessionTicket');
  if (e?.type !== 'sessionTicket') throw new Error('no ticket');
  return e.session;
}

const drain = (c: DtlsConnection): Uint8Array[] => {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d; d = c.pollTransmit()) out.push(d);
  return out;
};
const events = (c: DtlsConnection): ConnectionEvent[] => {
  const out: ConnectionEvent[] = [];
  for (let e = c.pollEvent(); e; e = c.pollEvent()) out.push(e);
  return out;
};
const early = (es: readonly ConnectionEvent[]): string[] =>
  es.flatMap((e) => (e.type === 'data' && e.early ? [new TextDecoder().decode(e.data)] : []));

/** A server that took a 0-RTT ClientHello and its early data (waiting for the client's Finished), and that client. */
function acceptedEarly(earlyData = REQUEST) {
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock,
    session: ticket(),
    earlyData,
  });
  client.connect(0);
  const firstFlight = drain(client);
  const server = DtlsConnection.server({ ...serverOptions, antiReplay: freshAntiReplay() });
  for (const d of firstFlight) server.receive(d, 0);
  if (server.state !== 'waitClientFinished') throw new Error(`server at ${server.state}`);
  return { client, server, firstFlight, serverEvents: events(server) };
}

const endOfEarlyData = (server: DtlsConnection, epoch: number, body = new Uint8Array(0)): void =>
  injectHandshakeMessage(server, END_OF_EARLY_DATA, body, epoch);

test('accepted 0-RTT: an EndOfEarlyData in epoch 1 is taken; epoch 1 is read no more', (t) => {
  // 3,000 bytes of early data: the ClientHello and three datagrams of epoch-1 records.
  const client = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock,
    session: ticket(),
    earlyData: new Uint8Array(3000).fill(0x65),
  });
  client.connect(0);
  const flight = drain(client);
  t.is(flight.length, 4);
  const server = DtlsConnection.server({ ...serverOptions, antiReplay: freshAntiReplay() });
  for (const d of flight.slice(0, 2)) server.receive(d, 0);
  const before = early(events(server)).join('').length;
  t.true(before > 0 && before < 3000, 'part of the early data taken');
  endOfEarlyData(server, 1);
  t.is(server.state, 'waitClientFinished', server.failure?.message);
  // The rest comes after the EndOfEarlyData (reordered): its epoch is closed, it is not read (NSS's server drops it too).
  for (const d of flight.slice(2)) server.receive(d, 1);
  t.deepEqual(early(events(server)), []);
  t.is(server.state, 'waitClientFinished');
});

test('it goes into the transcript: a client that sent none (as RFC 9147 says) then fails its Finished', (t) => {
  // Ours sends no EndOfEarlyData; an injected one makes the server's transcript NSS's, which our client's Finished
  // does not cover. Without the message in the transcript this handshake would complete.
  const { client, server } = acceptedEarly();
  endOfEarlyData(server, 1);
  for (const d of drain(server)) client.receive(d, 1);
  t.is(client.state, 'connected');
  for (const d of drain(client)) server.receive(d, 2);
  t.is(server.state, 'failed');
  t.is(server.failure?.alert, 'decrypt_error');
});

test('a second EndOfEarlyData is unexpected_message', (t) => {
  const { server } = acceptedEarly();
  endOfEarlyData(server, 1);
  endOfEarlyData(server, 1);
  t.is(server.state, 'failed');
  t.is(server.failure?.alert, 'unexpected_message');
});

test('with a body it is decode_error', (t) => {
  const { server } = acceptedEarly();
  endOfEarlyData(server, 1, Uint8Array.of(0));
  t.is(server.failure?.alert, 'decode_error');
});

for (const epoch of [2, 3]) {
  test(`in epoch ${epoch}, while 0-RTT is open, it is unexpected_message`, (t) => {
    const { server } = acceptedEarly();
    endOfEarlyData(server, epoch);
    t.is(server.state, 'failed');
    t.is(server.failure?.alert, 'unexpected_message');
    t.regex(server.failure?.message ?? '', new RegExp(`end_of_early_data is not allowed in epoch ${epoch}`));
  });
}

test('in plaintext (epoch 0) it is set aside unread; as if authenticated there, unexpected_message', (t) => {
  const { server } = acceptedEarly();
  const before = server.stats.ignored['unauthenticated-violation'];
  // A whole DTLS handshake message: type, length, message_seq 1, fragment offset and length; no body.
  const content = Uint8Array.of(END_OF_EARLY_DATA, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0);
  injectRecord(server, {
    kind: 'record',
    epoch: 0,
    sequenceNumber: 9,
    contentType: 'handshake',
    content,
    protected: false,
  });
  t.is(server.stats.ignored['unauthenticated-violation'], before + 1);
  t.is(server.state, 'waitClientFinished');
  endOfEarlyData(server, 0);
  t.is(server.failure?.alert, 'unexpected_message');
});

test('without accepted 0-RTT (a full handshake, or 0-RTT refused) it is unexpected_message', (t) => {
  const full = DtlsConnection.client({ trustAnchors: [serverId.caDer], serverName: 'server.test', wallClock });
  const server = DtlsConnection.server(serverOptions);
  full.connect(0);
  for (const d of drain(full)) server.receive(d, 0);
  t.is(server.state, 'waitClientFinished');
  endOfEarlyData(server, 1);
  t.is(server.failure?.alert, 'unexpected_message');

  const refusing = DtlsConnection.server({ ...serverOptions, maxEarlyData: 0 });
  const resuming = DtlsConnection.client({
    trustAnchors: [serverId.caDer],
    serverName: 'server.test',
    wallClock,
    session: ticket(),
    earlyData: REQUEST,
  });
  resuming.connect(0);
  for (const d of drain(resuming)) refusing.receive(d, 0);
  t.is(refusing.state, 'waitClientFinished');
  endOfEarlyData(refusing, 1);
  t.is(refusing.failure?.alert, 'unexpected_message');
});

test('after the handshake it is unexpected_message in any epoch', (t) => {
  const { client, server } = acceptedEarly();
  for (const d of drain(server)) client.receive(d, 1);
  for (const d of drain(client)) server.receive(d, 2);
  t.is(server.state, 'connected', server.failure?.message);
  endOfEarlyData(server, 3);
  t.is(server.failure?.alert, 'unexpected_message');
});
