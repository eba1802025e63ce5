import test from 'ava';
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { encodeDtlsHandshake, readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { readDtls12Record } from '../../generated/wire/dtls12-record.js';
import type { HandshakeTypeName } from '../../generated/wire/enums.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/connection/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { firstAnswer } from '../../runtime/connection/first-answer.js';
import { concatBytes } from '../../runtime/wire/bytes.js';
import { Reader } from '../../runtime/wire/reader.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { offering } from './client-hellos.js';

/**
 * The readers the version is chosen by (runtime/connection/version-negotiation.ts, runtime/connection/first-answer.ts) against what an attacker sends: a server's
 * choice from ClientHellos offering both versions, only 1.2, only 1.3, none, truncated and repeated; a client's reading
 * of forged, truncated and stretched HelloVerifyRequests. Each case fails under a one-line mutation of its rule (the
 * commit that added this file says which). The downgrade sentinel a 1.2 ServerHello may carry is the 1.2 client's to
 * check (tests/dtls12/negotiation.test.ts, versions.test.ts).
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };

/** A real first ClientHello of `options`, decoded. */
function realHello(options: DtlsOptions): ClientHello {
  const c = DtlsConnection.client({ ...client, ...options });
  c.connect(0);
  const record = readDtls12Record(new Reader(c.pollTransmit()!, 'Datagram'));
  return decodeClientHello(readDtlsHandshake(new Reader(record.fragment, 'Handshake')).fragment);
}

/** `body` as a handshake message of `msgType` in one epoch-0 record; `length` as the header says (default: the body's). */
function record(msgType: HandshakeTypeName, body: Uint8Array, sequenceNumber = 0, length = body.length): Uint8Array {
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_2',
    epoch: 0,
    sequenceNumber,
    fragment: encodeDtlsHandshake({ msgType, length, messageSeq: 0, fragmentOffset: 0, fragment: body }),
  });
}

const both = realHello({});
const BOTH: readonly ('DTLSv1.3' | 'DTLSv1.2')[] = ['DTLSv1.3', 'DTLSv1.2'];

test('a ClientHello offering both versions: 1.3 from a server doing both, 1.2 from a 1.2-only one', (t) => {
  const d = record('client_hello', offering(both, ['dtls1_3', 'dtls1_2']));
  t.like(chooseServerVersion(d, BOTH), { version: 'DTLSv1.3' });
  t.like(chooseServerVersion(d, ['DTLSv1.2']), { version: 'DTLSv1.2', offers13: false });
  t.like(chooseServerVersion(d, ['DTLSv1.3']), { version: 'DTLSv1.3' });
});

test('a ClientHello offering only 1.2: 1.2, with the downgrade sentinel owed when the server does 1.3 too', (t) => {
  const listed = record('client_hello', offering(both, ['dtls1_2']));
  t.like(chooseServerVersion(listed, BOTH), { version: 'DTLSv1.2', offers13: true });
  t.like(chooseServerVersion(listed, ['DTLSv1.3']), { version: undefined, reason: 'no-common-version' });
  // Without supported_versions, legacy_version says 1.2 (RFC 8446 §4.2.1).
  const legacy = record('client_hello', offering(both, undefined));
  t.like(chooseServerVersion(legacy, BOTH), { version: 'DTLSv1.2', offers13: true });
});

test('a ClientHello offering only 1.3, or no version this server does: no common version', (t) => {
  // legacy_version is dtls1_2 in every 1.3 ClientHello: supported_versions alone says what is offered.
  const only13 = record('client_hello', offering(both, ['dtls1_3']));
  t.is(both.legacyVersion, 'dtls1_2');
  t.like(chooseServerVersion(only13, ['DTLSv1.2']), { version: undefined, reason: 'no-common-version' });
  const none = record('client_hello', offering(both, ['dtls1_0']));
  t.like(chooseServerVersion(none, BOTH), { version: undefined, reason: 'no-common-version' });
  const empty = record('client_hello', offering({ ...both, legacyVersion: 'dtls1_0' }, undefined));
  t.like(chooseServerVersion(empty, BOTH), { version: undefined, reason: 'no-common-version' });
});

test('a truncated ClientHello, one in pieces, or another message first names no version and never throws', (t) => {
  const body = offering(both, ['dtls1_3', 'dtls1_2']);
  const whole = record('client_hello', body);
  for (let cut = 0; cut < whole.length; cut++) {
    t.like(chooseServerVersion(whole.subarray(0, cut), BOTH), { version: undefined, reason: 'not-a-client-hello' });
  }
  // The header says more than the fragment holds: a first fragment, for the state to reassemble.
  const piece = record('client_hello', body.subarray(0, 100), 0, body.length);
  t.like(chooseServerVersion(piece, BOTH), { version: undefined, reason: 'not-a-client-hello' });
  // Every byte of a ClientHello, but the header says more is to come: a first fragment too.
  const first = record('client_hello', body, 0, body.length + 8);
  t.like(chooseServerVersion(first, BOTH), { version: undefined, reason: 'not-a-client-hello' });
  t.like(chooseServerVersion(record('server_hello', body), BOTH), { version: undefined, reason: 'not-a-client-hello' });
});

test('repeated ClientHellos in one datagram: the first record is the one chosen from, and the one handed on', (t) => {
  const first = offering(both, ['dtls1_2']);
  const second = offering(both, ['dtls1_3', 'dtls1_2']);
  const d = concatBytes([record('client_hello', first, 0), record('client_hello', second, 1)]);
  const choice = chooseServerVersion(d, BOTH);
  t.like(choice, { version: 'DTLSv1.2' });
  t.deepEqual(choice.version === undefined ? undefined : choice.clientHello.body, first);
});

/** A HelloVerifyRequest body: server_version, then a cookie of `cookie` bytes (`claimed` its length byte). */
function helloVerifyRequest(version: number, cookie: number, claimed = cookie): Uint8Array {
  return Uint8Array.of(version >> 8, version & 0xff, claimed, ...new Uint8Array(cookie).fill(7));
}

test('a HelloVerifyRequest that is one names 1.2; forged, truncated or stretched ones name nothing', (t) => {
  // The record's content, as the client's first-answer step reads it (runtime/connection/first-answer.ts).
  const hvr = (body: Uint8Array) => firstAnswer(record('hello_verify_request', body).subarray(13));
  t.deepEqual(hvr(helloVerifyRequest(0xfefd, 16)), { version: 'DTLSv1.2', helloVerifyRequest: true });
  t.deepEqual(hvr(helloVerifyRequest(0xfeff, 1)), { version: 'DTLSv1.2', helloVerifyRequest: true }, 'DTLS 1.0');
  t.deepEqual(hvr(helloVerifyRequest(0xfefd, 255)), { version: 'DTLSv1.2', helloVerifyRequest: true });
  t.is(hvr(helloVerifyRequest(0xfefc, 16)), undefined, "DTLS 1.3's version");
  t.is(hvr(helloVerifyRequest(0x0303, 16)), undefined, "TLS 1.2's version");
  t.is(hvr(helloVerifyRequest(0xfefd, 0)), undefined, 'no cookie');
  t.is(hvr(helloVerifyRequest(0xfefd, 15, 16)), undefined, 'a cookie shorter than its length byte');
  t.is(hvr(helloVerifyRequest(0xfefd, 17, 16)), undefined, 'a byte after the cookie');
  t.is(hvr(Uint8Array.of(0xfe, 0xfd)), undefined, 'no length byte');
  t.is(hvr(helloVerifyRequest(0xfefd, 0))?.version, undefined);
});

test('a client offering both goes on in 1.2 only on a HelloVerifyRequest that is one', (t) => {
  for (const [body, twelve] of [
    [helloVerifyRequest(0xfefd, 16), true],
    [helloVerifyRequest(0xfefd, 0), false],
    [helloVerifyRequest(0xfefd, 15, 16), false],
  ] as const) {
    const c = DtlsConnection.client(client);
    c.connect(0);
    while (c.pollTransmit() !== undefined);
    c.receive(record('hello_verify_request', body), 1);
    t.is(c.failure, undefined);
    t.is(c.versionState instanceof Connection12, twelve);
    t.is(c.pollTransmit() !== undefined, twelve, 'the ClientHello again, with the cookie');
  }
});

test('a ServerHello choosing 1.2 with the downgrade sentinel, to a client that offered 1.3: illegal_parameter', (t) => {
  const server: DtlsOptions = {
    wallClock: () => TEST_TIME,
    certificate: { chain: id.chain, privateKey: id.privateKey },
    maxVersion: 'DTLSv1.2',
  };
  for (const forged of [false, true]) {
    const c = DtlsConnection.client(client);
    const s = DtlsConnection.server(server);
    c.connect(0);
    const pass = (from: DtlsConnection, to: DtlsConnection, now: number, edit?: (d: Uint8Array) => void): void => {
      for (let d = from.pollTransmit(); d !== undefined; d = from.pollTransmit()) {
        edit?.(d);
        to.receive(d, now);
      }
    };
    pass(c, s, 1); // the ClientHello, offering both
    pass(s, c, 2); // the HelloVerifyRequest
    pass(c, s, 3); // the ClientHello with the cookie
    // The 1.2-only server's ServerHello, its random's last 8 bytes made DOWNGRD 01 by an attacker on the path: record
    // header 13, handshake header 12, server_version 2, then the random.
    pass(s, c, 4, (d) => {
      if (forged && d[0] === 22 && d[13] === 2)
        d.set([0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01], 13 + 12 + 2 + 24);
    });
    t.is(c.failure?.alert, forged ? 'illegal_parameter' : undefined);
    if (forged) t.regex(c.failure?.message ?? '', /downgrade sentinel/);
  }
});
