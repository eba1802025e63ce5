import test from 'ava';
import { decodeClientHello, encodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import { LONGEST_CLIENT_HELLO_12 } from '../../runtime/connection/hello-phase.js';
import { Dtls13Connection } from '../../runtime/dtls13/connection.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { offering, fragment } from './client-hellos.js';

/**
 * A server's version chosen by its hello phase (runtime/connection/hello-phase.ts), which hands a first ClientHello choosing
 * DTLS 1.2 to the 1.2 state it makes then, and any other to its 1.3 state,
 * against what an attacker sends: ClientHellos offering both, only 1.2, only 1.3, none, in fragments, truncated. Each
 * case fails under a one-line mutation of the rule it names (the commit that added this file says which).
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };
const server: DtlsOptions = { wallClock: () => TEST_TIME, certificate: { chain: id.chain, privateKey: id.privateKey } };

/** A real first ClientHello of `options`, decoded. */
function realHello(options: DtlsOptions): ClientHello {
  const c = DtlsConnection.client({ ...client, ...options });
  c.connect(0);
  const record = readDtls12Record(new Reader(c.pollTransmit()!, 'Datagram'));
  return decodeClientHello(readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment);
}

const whole = (body: Uint8Array): Uint8Array => fragment(body, 0, body.length, 0);

/** The handshake messages (type, message_seq, record number) and alerts (description) in what `s` sends now. */
function answer(s: DtlsConnection): { messages: string[]; alerts: number[] } {
  const messages: string[] = [];
  const alerts: number[] = [];
  for (let d = s.pollTransmit(); d !== undefined; d = s.pollTransmit()) {
    for (const w of decodeDatagram12(d)) {
      if (w.kind !== 'record') continue;
      const r = w.record;
      if (r.type === 'alert') alerts.push(r.fragment[1]!);
      else if (r.type === 'handshake' && r.epoch === 0) {
        const f = readDtlsHandshake(new Reader(r.fragment, 'Handshake'));
        messages.push(`${String(f.msgType)} seq ${f.messageSeq} record ${r.sequenceNumber}`);
      }
    }
  }
  return { messages, alerts };
}

const both = realHello({});
const PROTOCOL_VERSION = 70;

test('a ClientHello listing only DTLS 1.2, or none with legacy_version 1.2, goes to the 1.2 state; one listing 1.3 stays', (t) => {
  for (const [versions, want] of [
    [['dtls1_2'], Connection12],
    [undefined, Connection12],
    [['dtls1_3', 'dtls1_2'], Dtls13Connection],
    [['dtls1_2', 'dtls1_3'], Dtls13Connection],
    [['dtls1_3'], Dtls13Connection],
  ] as const) {
    const s = DtlsConnection.server(server);
    s.receive(whole(offering(both, versions)), 1);
    const label = versions?.join(',') ?? 'no supported_versions';
    t.true(s.versionState instanceof want, label);
    t.is(s.failure, undefined, label);
    t.is(s.protocolVersion, want === Connection12 ? 'DTLSv1.2' : 'DTLSv1.3', label);
  }
});

test('a ClientHello offering no version the server does: the 1.3 state refuses it with protocol_version, no 1.2 state made', (t) => {
  for (const body of [offering(both, ['dtls1_0']), offering({ ...both, legacyVersion: 'dtls1_0' }, undefined)]) {
    const s = DtlsConnection.server(server);
    s.receive(whole(body), 1);
    t.true(s.versionState instanceof Dtls13Connection, 'the 1.3 state answered');
    t.is(s.failure?.alert, 'protocol_version');
    t.deepEqual(answer(s).alerts, [PROTOCOL_VERSION]);
  }
});

test('a 1.2-only server refuses a ClientHello listing only DTLS 1.3 with protocol_version, before any cookie', (t) => {
  const s = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
  s.receive(whole(offering(both, ['dtls1_3'])), 1);
  t.is(s.failure?.alert, 'protocol_version');
  t.deepEqual(answer(s), { messages: [], alerts: [PROTOCOL_VERSION] });
  // Listing both, it goes on in 1.2 (its cookie first).
  const ok = DtlsConnection.server({ ...server, maxVersion: 'DTLSv1.2' });
  ok.receive(whole(offering(both, ['dtls1_3', 'dtls1_2'])), 1);
  t.is(ok.failure, undefined);
  t.deepEqual(answer(ok).messages, ['hello_verify_request seq 0 record 0']);
});

test('the hand-over: the datagram and its record counted once, no 1.3 word sent, the 1.2 answer from the same numbers', (t) => {
  const s = DtlsConnection.server(server);
  const body = offering(both, ['dtls1_2']);
  s.receive(fragment(body, 0, body.length, 5), 1);
  t.true(s.versionState instanceof Connection12);
  t.like(s.stats, { datagramsReceived: 1, recordsReceived: 1, handshakeMessagesReceived: 1 });
  // RFC 6347 §4.2.1: the HelloVerifyRequest repeats the ClientHello's record number and message_seq.
  t.deepEqual(answer(s), { messages: ['hello_verify_request seq 0 record 5'], alerts: [] });
});

test('a 1.2 ClientHello in fragments over two datagrams: reassembled by the 1.3 state, answered by the 1.2 state', (t) => {
  const s = DtlsConnection.server(server);
  const body = offering(both, ['dtls1_2']);
  const cut = 60;
  s.receive(fragment(body.subarray(cut), cut, body.length, 1), 1); // the second half first
  t.is(s.protocolVersion, undefined, 'not chosen on a fragment');
  t.deepEqual(answer(s).alerts, []);
  s.receive(fragment(body.subarray(0, cut), 0, body.length, 2), 2);
  t.true(s.versionState instanceof Connection12);
  t.is(s.failure, undefined);
  t.like(s.stats, { datagramsReceived: 2, recordsReceived: 2 });
  t.deepEqual(answer(s), { messages: ['hello_verify_request seq 0 record 2'], alerts: [] });
});

test('a truncated 1.2 ClientHello never throws and is never half taken: refused, or taken whole as a 1.2 one', (t) => {
  const body = offering(both, ['dtls1_2']);
  for (let cut = 0; cut < body.length; cut += 7) {
    const s = DtlsConnection.server(server);
    t.notThrows(() => s.receive(whole(body.subarray(0, cut)), 1));
    const { messages, alerts } = answer(s);
    t.true(
      (alerts.length === 1 && messages.length === 0) || (alerts.length === 0 && messages.length <= 1),
      `cut at ${cut}: ${messages.join('; ')} alerts ${alerts.join(',')}`,
    );
    if (s.versionState instanceof Connection12) t.is(s.failure, undefined);
  }
});

test('a 1.2 ClientHello longer than one 1.2 record holds stays with the 1.3 state, which refuses it', (t) => {
  for (const [extra, want] of [
    [0, Connection12],
    [1, Dtls13Connection],
  ] as const) {
    const short = offering(both, ['dtls1_2']);
    // A padding extension (RFC 7685) making the body LONGEST_CLIENT_HELLO_12 + `extra` bytes long.
    const pad = LONGEST_CLIENT_HELLO_12 + extra - short.length - 4;
    const hello = decodeClientHello(short);
    const padding = { extensionType: 'padding', extensionData: { padding: new Uint8Array(pad) } } as const;
    const body = encodeClientHello({ ...hello, extensions: [...hello.extensions, padding] });
    t.is(body.length, LONGEST_CLIENT_HELLO_12 + extra);
    const s = DtlsConnection.server(server);
    for (let at = 0, n = 1; at < body.length; at += 1000, n++)
      s.receive(fragment(body.subarray(at, at + 1000), at, body.length, n), n);
    t.true(s.versionState instanceof want, `${body.length} bytes`);
    if (want === Dtls13Connection) t.is(s.failure?.alert, 'protocol_version');
    else t.is(s.failure, undefined);
  }
});
