import test from 'ava';
import { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import { keyBlock } from '../../runtime/dtls12/key-derivation.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import { dtls12Suite } from '../../runtime/versions/suites12.js';
import { makeIdentity } from '../support/pki-fixtures.js';
import { pair12, pump, type Pair12 } from './pair12.js';

/**
 * A 1.2 connection's handshake records in (runtime/dtls12/handshake-inbound.ts), as an attacker on the path sends
 * them to real 1.2 connections in memory: what a server in waitClientHello takes (a whole, decodable ClientHello that
 * offers 1.2) and drops; its answer numbered from the ClientHello; truncated records dropped in the clear and fatal
 * under epoch 1; Finished only under epoch 1; a message the state does not take refused; fragments out of order,
 * replayed and flooded leave the handshake to complete; plaintext after the handshake dropped.
 */

const NOW = Date.UTC(2026, 10, 27);
const id = makeIdentity('p256', 'inbound12.test', { at: NOW });
const certificate = { chain: id.chain, privateKey: id.privateKey };

const CLIENT_HELLO = 1;
const CERTIFICATE = 11;
const FINISHED = 20;

function pair(): Pair12 {
  return pair12(
    DtlsConnection.client({
      maxVersion: 'DTLSv1.2',
      trustAnchors: [id.caDer],
      serverName: 'inbound12.test',
      wallClock: () => NOW,
    }),
    DtlsConnection.server({ maxVersion: 'DTLSv1.2', certificate, sessionTickets12: false, wallClock: () => NOW }),
  );
}

interface Fragment {
  readonly msgType: number;
  readonly messageSeq: number;
  readonly length: number;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** A plaintext (epoch 0) DTLS 1.2 handshake record carrying `fragments`, with record sequence number `seq`. */
function plaintext(seq: number, ...fragments: Fragment[]): Uint8Array {
  const parts = fragments.map((f) =>
    Uint8Array.of(
      f.msgType,
      ...[16, 8, 0].map((s) => (f.length >> s) & 0xff),
      f.messageSeq >> 8,
      f.messageSeq & 0xff,
      ...[16, 8, 0].map((s) => (f.offset >> s) & 0xff),
      ...[16, 8, 0].map((s) => (f.bytes.length >> s) & 0xff),
      ...f.bytes,
    ),
  );
  const content = Buffer.concat(parts);
  return Uint8Array.of(
    22,
    0xfe,
    0xfd,
    0,
    0,
    0,
    0,
    seq >>> 24,
    (seq >>> 16) & 0xff,
    (seq >>> 8) & 0xff,
    seq & 0xff,
    content.length >> 8,
    content.length & 0xff,
    ...content,
  );
}

const whole = (msgType: number, messageSeq: number, body: Uint8Array): Fragment => ({
  msgType,
  messageSeq,
  length: body.length,
  offset: 0,
  bytes: body,
});

/** The first record of a datagram: content type, epoch, sequence number and its handshake fragments' headers. */
function firstRecord(d: Uint8Array) {
  const len = (d[11]! << 8) | d[12]!;
  const content = d.subarray(13, 13 + len);
  return {
    type: d[0]!,
    epoch: (d[3]! << 8) | d[4]!,
    seq: (d[7]! << 24) | (d[8]! << 16) | (d[9]! << 8) | d[10]!,
    msgType: content[0]!,
    messageSeq: (content[4]! << 8) | content[5]!,
    body: content.subarray(12, 12 + ((content[9]! << 16) | (content[10]! << 8) | content[11]!)),
  };
}

/** The client's second ClientHello (with the server's cookie), and the pair at that point (the server not given it). */
function cookieHello(): { p: Pair12; hello: Uint8Array } {
  const p = pair();
  p.client.connect(0);
  p.server.receive(p.client.pollTransmit()!, 0);
  p.client.receive(p.server.pollTransmit()!, 0);
  return { p, hello: p.client.pollTransmit()! };
}

/** A server that answered the cookie ClientHello (in waitClientKeyExchange) and the client's last flight, not yet delivered. */
function awaitingKeyExchange(): { p: Pair12; flight: Uint8Array[] } {
  const { p, hello } = cookieHello();
  p.server.receive(hello, 0);
  for (let d = p.server.pollTransmit(); d !== undefined; d = p.server.pollTransmit()) p.client.receive(d, 0);
  const flight: Uint8Array[] = [];
  for (let d = p.client.pollTransmit(); d !== undefined; d = p.client.pollTransmit()) flight.push(d);
  if (p.server.state !== 'waitClientKeyExchange' || flight.length === 0) throw new Error(`at ${p.server.state}`);
  return { p, flight };
}

function finish(t: import('ava').ExecutionContext, p: Pair12, flight: readonly Uint8Array[]): void {
  for (const d of flight) p.server.receive(d, 0);
  pump(p);
  t.is(p.server.state, 'connected', JSON.stringify(p.server.failure));
  t.is(p.client.state, 'connected', JSON.stringify(p.client.failure));
}

test('waitClientHello: anything but a whole ClientHello is dropped unanswered, the server keeps waiting', (t) => {
  const { p, hello } = cookieHello();
  const ch = firstRecord(hello);
  const half = Math.floor(ch.body.length / 2);
  const server = p.server;
  const before = state12Of(server).drops['plaintext-refused'];
  server.receive(plaintext(5, whole(CERTIFICATE, 0, Uint8Array.of(0, 0, 0))), 0);
  server.receive(plaintext(6, { ...whole(CLIENT_HELLO, 1, ch.body.subarray(0, half)), length: ch.body.length }), 0);
  t.is(state12Of(server).drops['plaintext-refused'], before + 2);
  const malformed = state12Of(server).drops.malformed;
  const garbled = ch.body.slice();
  garbled[34] = 0xff; // the session ID's length, past the end
  server.receive(plaintext(7, whole(CLIENT_HELLO, 1, garbled)), 0);
  t.is(state12Of(server).drops.malformed, malformed + 1, 'a ClientHello that does not decode');
  server.receive(Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 8, 0, 5, 1, 0, 0), 0);
  t.is(state12Of(server).drops.malformed, malformed + 2, 'a handshake header cut short');
  t.is(server.state, 'waitClientHello');
  t.is(server.pollTransmit(), undefined, 'nothing answered');
  finish(t, p, [hello]);
});

test('waitClientHello: a ClientHello that offers only DTLS 1.3 fails with protocol_version', (t) => {
  const client13 = DtlsConnection.client({
    minVersion: 'DTLSv1.3',
    maxVersion: 'DTLSv1.3',
    trustAnchors: [id.caDer],
    serverName: 'inbound12.test',
  });
  client13.connect(0);
  const server = pair().server;
  server.receive(client13.pollTransmit()!, 0);
  t.is(server.state, 'failed');
  t.is(server.failure?.alert, 'protocol_version');
});

test('the answer to a cookie ClientHello goes on from its record sequence number and message_seq', (t) => {
  const { p, hello } = cookieHello();
  const ch = firstRecord(hello);
  t.deepEqual([ch.seq, ch.messageSeq], [1, 1]);
  p.server.receive(plaintext(9, whole(CLIENT_HELLO, 1, ch.body)), 0);
  const answer = firstRecord(p.server.pollTransmit()!);
  t.is(answer.msgType, 2, 'a ServerHello');
  t.deepEqual([answer.seq, answer.messageSeq], [9, 1]);
});

test('out of order: the client’s ClientKeyExchange in two fragments, the second first, completes the handshake', (t) => {
  const { p, flight } = awaitingKeyExchange();
  const cke = firstRecord(flight[0]!);
  t.is(cke.msgType, 16);
  const len = (flight[0]![11]! << 8) | flight[0]![12]!;
  const rest = flight[0]!.subarray(13 + len);
  const cut = 10;
  const frag = (offset: number, bytes: Uint8Array): Fragment => ({
    msgType: 16,
    messageSeq: cke.messageSeq,
    length: cke.body.length,
    offset,
    bytes,
  });
  p.server.receive(plaintext(cke.seq + 40, frag(cut, cke.body.subarray(cut))), 0);
  t.is(p.server.state, 'waitClientKeyExchange', 'held until whole');
  p.server.receive(plaintext(cke.seq + 41, frag(0, cke.body.subarray(0, cut))), 0);
  t.is(p.server.state, 'waitChangeCipherSpec');
  finish(t, p, [rest, ...flight.slice(1)]);
});

test('replayed: the cookie ClientHello again while the server waits for the key exchange changes nothing', (t) => {
  const { p, flight } = awaitingKeyExchange();
  const { hello } = cookieHello();
  const ch = firstRecord(hello);
  p.server.receive(plaintext(30, whole(CLIENT_HELLO, 1, ch.body)), 0);
  t.is(p.server.state, 'waitClientKeyExchange');
  t.is(p.server.failure, undefined);
  finish(t, p, flight);
});

test('a message the state does not take: unexpected_message naming it and the state', (t) => {
  const { p } = awaitingKeyExchange();
  p.server.receive(plaintext(30, whole(CERTIFICATE, 2, Uint8Array.of(0, 0, 0))), 0);
  t.is(p.server.state, 'failed');
  t.is(p.server.failure?.alert, 'unexpected_message');
  t.regex(p.server.failure?.message ?? '', /certificate in waitClientKeyExchange/);
});

test('Finished only under epoch 1: a plaintext one is unexpected_message', (t) => {
  const { p } = awaitingKeyExchange();
  p.server.receive(plaintext(30, whole(FINISHED, 2, new Uint8Array(12))), 0);
  t.is(p.server.state, 'failed');
  t.is(p.server.failure?.alert, 'unexpected_message');
  t.regex(p.server.failure?.message ?? '', /finished under epoch 0/);
});

test('flooded: 500 fragments of messages to come leave the handshake to complete', (t) => {
  const { p, flight } = awaitingKeyExchange();
  for (let i = 0; i < 500; i++) {
    const messageSeq = 4 + (i % 60);
    const f: Fragment = { msgType: 16, messageSeq, length: 60_000, offset: i * 7, bytes: new Uint8Array(7).fill(i) };
    p.server.receive(plaintext(100 + i, f), 0);
  }
  t.is(p.server.state, 'waitClientKeyExchange');
  finish(t, p, flight);
});

test('connected: a plaintext handshake message is dropped; a truncated one under the session’s keys is fatal', (t) => {
  const p = pair();
  p.client.connect(0);
  pump(p);
  t.is(p.server.state, 'connected');
  const refused = state12Of(p.server).drops['plaintext-refused'];
  p.server.receive(plaintext(50, whole(CLIENT_HELLO, 4, new Uint8Array(40))), 0);
  t.is(state12Of(p.server).drops['plaintext-refused'], refused + 1);
  t.is(p.server.state, 'connected');
  const r = state12Of(p.client).negotiated!;
  const suite = dtls12Suite(r.cipherSuite)!;
  const kb = keyBlock(state12Of(p.client).config.base.provider, suite, r.masterSecret, r.clientRandom, r.serverRandom);
  const fromClient = new EpochCipher12(state12Of(p.client).config.base.provider, suite, kb.client, 1);
  p.server.receive(fromClient.seal(22, 40, Uint8Array.of(1, 0, 0)), p.now);
  t.is(p.server.state, 'failed');
  t.is(p.server.failure?.alert, 'decode_error');
});

test('an EndOfEarlyData (TLS 1.3 only) from a 1.2 client: unexpected_message, in the handshake and once connected', (t) => {
  const END_OF_EARLY_DATA = 5;
  const { p } = awaitingKeyExchange();
  p.server.receive(plaintext(30, whole(END_OF_EARLY_DATA, 2, new Uint8Array(0))), 0);
  t.is(p.server.state, 'failed');
  t.is(p.server.failure?.alert, 'unexpected_message');
  t.regex(p.server.failure?.message ?? '', /end_of_early_data in waitClientKeyExchange/);

  const q = pair();
  q.client.connect(0);
  pump(q);
  t.is(q.server.state, 'connected');
  const r = state12Of(q.client).negotiated!;
  const suite = dtls12Suite(r.cipherSuite)!;
  const kb = keyBlock(state12Of(q.client).config.base.provider, suite, r.masterSecret, r.clientRandom, r.serverRandom);
  const fromClient = new EpochCipher12(state12Of(q.client).config.base.provider, suite, kb.client, 1);
  // A whole EndOfEarlyData (empty body), message_seq 4 (the next after the client Finished), under the session keys.
  const message = Uint8Array.of(END_OF_EARLY_DATA, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0);
  q.server.receive(fromClient.seal(22, 40, message), q.now);
  t.is(q.server.state, 'failed');
  t.is(q.server.failure?.alert, 'unexpected_message');
});
