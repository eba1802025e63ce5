import test from 'ava';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import { readDtlsHandshake, encodeDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../runtime/shared/connection-limits.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { fragment, offering } from './client-hellos.js';

/**
 * A server doing both before its first whole ClientHello (runtime/connection/first-client-hello.ts): no version state
 * exists; what comes first (junk, forged alerts, records under keys nobody has, truncated and out-of-order hellos,
 * floods) is dropped or set aside and counted by reason, with bounded memory, until a whole ClientHello chooses; an
 * alert that ends the connection ends it as the 1.3 state does.
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = {
  wallClock: () => TEST_TIME,
  certificate: { chain: id.chain, privateKey: id.privateKey },
  amplificationLimit: false,
};

/** A real first ClientHello of a client offering both: its datagram and its body. */
function realHello(): { readonly datagram: Uint8Array; readonly body: Uint8Array } {
  const c = DtlsConnection.client(client);
  c.connect(0);
  const datagram = c.pollTransmit()!;
  const record = readDtls12Record(new Reader(datagram, 'Datagram'));
  return { datagram, body: readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment };
}

function plaintext(type: string, sequenceNumber: number, fragment: Uint8Array): Uint8Array {
  const record = { type, legacyRecordVersion: 'dtls1_2', epoch: 0, sequenceNumber, fragment };
  return encodeDtlsPlaintext(record as Parameters<typeof encodeDtlsPlaintext>[0]);
}

/** A protected record in a unified header (RFC 9147 §4): epoch bits `epochBits`, an 8-bit number, with a length. */
function ciphertext(epochBits: number, length: number, cid = false): Uint8Array {
  const d = new Uint8Array(4 + length).fill(0x5a);
  d[0] = 0x24 | (cid ? 0x10 : 0) | epochBits;
  d[1] = 7;
  d[2] = length >> 8;
  d[3] = length & 0xff;
  return d;
}

function drain(c: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = c.pollTransmit(); d !== undefined; d = c.pollTransmit()) out.push(d);
  return out;
}

function events(c: DtlsConnection): string[] {
  const out: string[] = [];
  for (let e = c.pollEvent(); e !== undefined; e = c.pollEvent()) out.push(e.type);
  return out;
}

test('junk, records under keys nobody has and forged plaintext: dropped or set aside by reason, no state made', (t) => {
  const s = DtlsConnection.server(server);
  s.receive(new Uint8Array(40).fill(0xee), 1, 'a|1'); // no record type at all
  s.receive(ciphertext(0, 40), 2, 'a|1'); // epoch 0 under a unified header: no such keys
  s.receive(ciphertext(2, 40, true), 3, 'a|1'); // a CID nobody negotiated
  s.receive(plaintext('ack', 0, Uint8Array.of(0, 0)), 4, 'a|1'); // an ACK in plaintext
  s.receive(plaintext('application_data', 1, Uint8Array.of(1, 2)), 5, 'a|1'); // not a DTLSPlaintext type in 1.3
  s.receive(plaintext('handshake', 2, encodeDtlsHandshake(finished())), 6, 'a|1'); // not a hello
  s.receive(plaintext('alert', 3, Uint8Array.of(2)), 7, 'a|1'); // an alert cut short
  t.is(s.versionState, undefined, 'no version state');
  t.is(s.protocolVersion, undefined);
  t.is(s.state, 'waitClientHello');
  t.is(s.path, 'a|1', 'the first path named');
  const { drops, ignored, datagramsReceived, recordsReceived } = s.stats;
  t.like(drops, { 'unknown-record-type': 2, 'unknown-epoch': 1, 'connection-id': 1 });
  t.is(ignored['unauthenticated-violation'], 3);
  t.is(datagramsReceived, 7);
  t.is(recordsReceived, 3, 'the plaintext records read');
  t.deepEqual(drain(s), [], 'nothing answered');
  t.deepEqual(events(s), []);
  // Then a real ClientHello: the 1.3 state made on it keeps what was counted before it.
  s.receive(realHello().datagram, 8, 'a|1');
  t.true(s.versionState instanceof Dtls13Connection);
  t.like(s.stats, { datagramsReceived: 8, recordsReceived: 4 });
  t.like(s.stats.drops, { 'unknown-record-type': 2, 'unknown-epoch': 1, 'connection-id': 1 });
  t.is(s.stats.ignored['unauthenticated-violation'], 3);
  t.true(drain(s).length > 0, 'answered');
});

test('a 1.2 state chosen after junk and forged plaintext takes over what was counted before it, as a 1.3 one does', (t) => {
  const s = DtlsConnection.server(server);
  s.receive(new Uint8Array(40).fill(0xee), 1, 'a|1');
  s.receive(ciphertext(0, 40), 2, 'a|1');
  s.receive(plaintext('ack', 0, Uint8Array.of(0, 0)), 3, 'a|1');
  s.receive(plaintext('handshake', 1, encodeDtlsHandshake(finished())), 4, 'a|1');
  const before = s.stats;
  t.like(before.drops, { 'unknown-record-type': 1, 'unknown-epoch': 1 });
  t.is(before.ignored['unauthenticated-violation'], 2);
  const body = offering(decodeClientHello(realHello().body), ['dtls1_2']);
  s.receive(fragment(body, 0, body.length, 2), 5, 'a|1');
  t.true(s.versionState instanceof Connection12);
  t.like(s.stats, { datagramsReceived: 5, recordsReceived: 3 });
  t.like(s.stats.drops, { 'unknown-record-type': 1, 'unknown-epoch': 1 });
  t.deepEqual(s.stats.ignored, before.ignored);
  t.is(drain(s).length, 1, 'one HelloVerifyRequest');
});

/** A Finished message (not a hello), of 32 zero bytes. */
function finished(): Parameters<typeof encodeDtlsHandshake>[0] {
  const fragment = new Uint8Array(32);
  return { msgType: 'finished', length: 32, messageSeq: 0, fragmentOffset: 0, fragment };
}

test('a forged user_canceled is reported and the connection goes on; any other alert ends it as the 1.3 state would', (t) => {
  const s = DtlsConnection.server(server);
  s.receive(plaintext('alert', 0, Uint8Array.of(1, 90)), 1);
  t.deepEqual(events(s), ['alert']);
  t.is(s.versionState, undefined);
  t.is(s.failure, undefined);
  for (const [alert, ends] of [
    [Uint8Array.of(2, 40), 'handshake_failure'],
    [Uint8Array.of(1, 0), 'close_notify'],
  ] as const) {
    const e = DtlsConnection.server(server);
    e.receive(plaintext('alert', 0, alert), 1);
    t.is(e.failure?.alert, ends);
    t.true(e.versionState instanceof Dtls13Connection, `${ends}: the end is the 1.3 state's`);
    t.deepEqual(drain(e), [], `${ends}: no alert answers an alert`);
    e.receive(realHello().datagram, 2);
    t.is(e.failure?.alert, ends, `${ends}: a ClientHello after the end makes nothing`);
    t.false(e.versionState instanceof Connection12);
  }
});

test('a truncated ClientHello never throws and never chooses; the whole one does', (t) => {
  const { datagram } = realHello();
  for (let n = 0; n < datagram.length; n += 7) {
    const s = DtlsConnection.server(server);
    t.notThrows(() => s.receive(datagram.subarray(0, n), 1));
    t.is(s.versionState, undefined, `${n} bytes`);
    t.is(s.stats.datagramsReceived, 1);
    s.receive(datagram, 2);
    t.true(s.versionState instanceof Dtls13Connection, `${n} bytes, then the whole one`);
  }
});

test('out of order: fragments last first, junk between them, a later message first; chosen once whole', (t) => {
  const { body } = realHello();
  const s = DtlsConnection.server(server);
  const third = Math.ceil(body.length / 3);
  s.receive(plaintext('handshake', 0, encodeDtlsHandshake(secondHello(body))), 1); // message 1 before message 0
  s.receive(fragment(body.subarray(2 * third), 2 * third, body.length, 3), 2);
  s.receive(new Uint8Array(10).fill(1), 3);
  s.receive(fragment(body.subarray(third, 2 * third), third, body.length, 2), 4);
  t.is(s.versionState, undefined);
  t.is(s.stats.ignored['unauthenticated-violation'], 1, 'message 1 set aside');
  s.receive(fragment(body.subarray(0, third), 0, body.length, 1), 5);
  t.true(s.versionState instanceof Dtls13Connection);
  t.like(s.stats, { datagramsReceived: 5, handshakeMessagesReceived: 1 });
  t.true(drain(s).length > 0);
});

/** A ClientHello numbered 1: what only follows a HelloRetryRequest. */
function secondHello(body: Uint8Array): Parameters<typeof encodeDtlsHandshake>[0] {
  return { msgType: 'client_hello', length: body.length, messageSeq: 1, fragmentOffset: 0, fragment: body };
}

test('a 1.2 ClientHello after other records in its datagram is chosen on as the first record would be', (t) => {
  const body = offering(decodeClientHello(realHello().body), ['dtls1_2']);
  const s = DtlsConnection.server(server);
  const ack = plaintext('ack', 0, Uint8Array.of(0, 0));
  const hello = fragment(body, 0, body.length, 1);
  const datagram = new Uint8Array(ack.length + hello.length);
  datagram.set(ack);
  datagram.set(hello, ack.length);
  s.receive(datagram, 1);
  t.true(s.versionState instanceof Connection12);
  t.like(s.stats, { datagramsReceived: 1, recordsReceived: 2 });
  t.is(drain(s).length, 1, 'one HelloVerifyRequest');
});

test('flooded before any ClientHello: held records and fragments stay within their limits', (t) => {
  const s = DtlsConnection.server(server);
  const limits = DEFAULT_CONNECTION_LIMITS;
  for (let i = 0; i < 200; i++) s.receive(ciphertext(1 + (i % 3), 1000), i);
  const { body } = realHello();
  for (let i = 0; i < 200; i++) s.receive(fragment(body.subarray(1, 50), 1, body.length, i), 200 + i);
  const { retained, ignored, datagramsReceived } = s.stats;
  t.true(retained.deferredBytes <= limits.maxDeferredBytes, `${retained.deferredBytes} bytes held`);
  t.true(retained.deferredBytes > limits.maxDeferredBytes - 1100, 'held up to the limit');
  t.true(ignored['deferred-cap'] > 0, 'the rest set aside, counted');
  t.is(retained.reassemblyBytes, 49, 'one copy of the fragment repeated');
  t.is(datagramsReceived, 400);
  t.is(s.versionState, undefined);
  s.receive(fragment(body, 0, body.length, 500), 500);
  t.true(s.versionState instanceof Dtls13Connection, 'the whole ClientHello still chooses');
  t.true(s.stats.retained.deferredBytes <= limits.maxDeferredBytes);
});

test('what only DTLS 1.3 has, asked before the first ClientHello: refused as the 1.3 state refuses it, no state made', (t) => {
  const s = DtlsConnection.server(server);
  t.throws(() => s.updateKeys(), { name: 'ConnectionStateError' });
  t.throws(() => s.issueConnectionIds(1), { name: 'ConnectionStateError' });
  t.throws(() => s.send(Uint8Array.of(1)), { name: 'ConnectionStateError' });
  t.is(s.versionState, undefined);
  s.receive(realHello().datagram, 1);
  t.true(s.versionState instanceof Dtls13Connection);
});
