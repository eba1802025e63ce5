import test from 'ava';
import { encodeDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { isHelloVerifyRequest } from '../../runtime/connection/hello-verify-request.js';
import { DtlsConnection, type DtlsOptions } from '../../runtime/dtls/connection.js';
import { Connection12 } from '../../runtime/dtls12/connection12.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';

/**
 * A HelloVerifyRequest read in place (runtime/connection/hello-verify-request.ts), and what a 1.3-only client's first-answer step
 * (runtime/connection/role-driver.ts `answered`) does with one while it waits for the answer to its first ClientHello:
 * protocol_version for one that is one, whole; nothing for a forged, truncated, stretched or fragmented one, nor in
 * another state. Each case fails under a one-line mutation of the rule it names (the commit says which).
 */

const id = makeIdentity('p256', 'localhost');
const client: DtlsOptions = { wallClock: () => TEST_TIME, trustAnchors: [id.caDer], serverName: 'localhost' };

/** A HelloVerifyRequest body: server_version, then a cookie of `cookie` bytes (`claimed` its length byte). */
function body(version: number, cookie: number, claimed = cookie): Uint8Array {
  return Uint8Array.of(version >> 8, version & 0xff, claimed, ...new Uint8Array(cookie).fill(7));
}

/** `b` as a HelloVerifyRequest in one epoch-0 record; `length` as its header says (default: the body's). */
function record(b: Uint8Array, length = b.length): Uint8Array {
  return encodeDtlsPlaintext({
    type: 'handshake',
    legacyRecordVersion: 'dtls1_0',
    epoch: 0,
    sequenceNumber: 0,
    fragment: encodeDtlsHandshake({
      msgType: 'hello_verify_request',
      length,
      messageSeq: 0,
      fragmentOffset: 0,
      fragment: b,
    }),
  });
}

function waiting(options: DtlsOptions): DtlsConnection {
  const c = DtlsConnection.client({ ...client, ...options });
  c.connect(0);
  while (c.pollTransmit() !== undefined);
  return c;
}

test('the reader: DTLS 1.0 or 1.2, a cookie of 1 to 255 bytes and nothing after', (t) => {
  t.true(isHelloVerifyRequest(body(0xfefd, 16)));
  t.true(isHelloVerifyRequest(body(0xfeff, 1)));
  t.true(isHelloVerifyRequest(body(0xfefd, 255)));
  t.false(isHelloVerifyRequest(body(0xfefc, 16)), "DTLS 1.3's version");
  t.false(isHelloVerifyRequest(body(0x0303, 16)), "TLS 1.2's version");
  t.false(isHelloVerifyRequest(body(0xfefd, 0)), 'no cookie');
  t.false(isHelloVerifyRequest(body(0xfefd, 15, 16)), 'shorter than its length byte');
  t.false(isHelloVerifyRequest(body(0xfefd, 17, 16)), 'a byte after the cookie');
  t.false(isHelloVerifyRequest(Uint8Array.of(0xfe, 0xfd)), 'no length byte');
});

test('a 1.3-only client refuses a HelloVerifyRequest that is one with protocol_version, at once', (t) => {
  const c = waiting({ minVersion: 'DTLSv1.3' });
  c.receive(record(body(0xfefd, 20)), 1);
  t.is(c.failure?.alert, 'protocol_version');
  t.regex(c.failure?.message ?? '', /HelloVerifyRequest/);
  t.not(c.pollTransmit(), undefined, 'the alert sent');
});

test('a forged, truncated, stretched or fragmented HelloVerifyRequest leaves a 1.3-only client waiting', (t) => {
  for (const [label, d] of [
    ['DTLS 1.3 version', record(body(0xfefc, 20))],
    ['no cookie', record(body(0xfefd, 0))],
    ['stretched', record(body(0xfefd, 17, 16))],
    ['a first fragment', record(body(0xfefd, 20), 40)],
  ] as const) {
    const c = waiting({ minVersion: 'DTLSv1.3' });
    c.receive(d, 1);
    t.is(c.failure, undefined, label);
    t.is(c.state, 'waitServerHello', label);
  }
});

test('a client offering both goes on in 1.2 on one; a 1.3-only client past waitServerHello sets one aside', (t) => {
  const both = waiting({});
  both.receive(record(body(0xfefd, 20)), 1);
  t.is(both.failure, undefined);
  t.true(both.versionState instanceof Connection12);
  // A 1.3-only client past waitServerHello (the ServerHello taken: the first record of the server's flight).
  const s = DtlsConnection.server({
    wallClock: () => TEST_TIME,
    certificate: { chain: id.chain, privateKey: id.privateKey },
  });
  const c2 = DtlsConnection.client({ ...client, minVersion: 'DTLSv1.3' });
  c2.connect(0);
  for (let d = c2.pollTransmit(); d !== undefined; d = c2.pollTransmit()) s.receive(d, 1);
  const flight = s.pollTransmit()!;
  const serverHello = flight.subarray(0, 13 + ((flight[11]! << 8) | flight[12]!));
  c2.receive(serverHello, 2);
  t.not(c2.state, 'waitServerHello');
  t.is(c2.failure, undefined);
  c2.receive(record(body(0xfefd, 20)), 3);
  t.is(c2.failure, undefined, 'set aside');
});
