/**
 * A DTLS 1.2 ClientHello with no extensions block, or one shorter than 8 bytes (extended_master_secret alone), as
 * RFC 5246 §7.4.1.2 allows (issue 56, finding 7): read (runtime/dtls12/client-hello-body.ts), chosen as 1.2 by a
 * listener, and answered with a HelloVerifyRequest, where it used to be dropped unanswered. Hostile forms stay
 * refused: a block whose length runs past the message, or stops short of it, is malformed.
 */
import test from 'ava';
import { decodeClientHello12 } from '../../runtime/dtls12/client-hello-body.js';
import { chooseServerVersion } from '../../runtime/connection/version-negotiation.js';
import { helloVerify12 } from '../../runtime/dtls12/hello-verify.js';
import { defaultProvider } from '../../runtime/crypto.js';

/** legacy_version 1.2, random, empty session ID and cookie, one suite (TLS_PSK_WITH_AES_128_GCM_SHA256), null compression, then `tail`. */
function body(tail: readonly number[]): Uint8Array {
  return Uint8Array.from([0xfe, 0xfd, ...new Array<number>(32).fill(7), 0, 0, 0, 2, 0x00, 0xa8, 1, 0, ...tail]);
}

/** `b` as a whole ClientHello in a DTLSPlaintext record of epoch 0. */
function datagram(b: Uint8Array): Uint8Array {
  const message = Uint8Array.from([
    1,
    0,
    b.length >> 8,
    b.length & 0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    b.length >> 8,
    b.length & 0xff,
    ...b,
  ]);
  return Uint8Array.from([
    22,
    0xfe,
    0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    message.length >> 8,
    message.length & 0xff,
    ...message,
  ]);
}

const EMS_ONLY = [0, 4, 0, 23, 0, 0];

test('no extensions block, an empty one, and extended_master_secret alone all decode, with exactly the extensions sent', (t) => {
  t.deepEqual(decodeClientHello12(body([])).extensions, []);
  t.deepEqual(decodeClientHello12(body([0, 0])).extensions, []);
  const ems = decodeClientHello12(body(EMS_ONLY));
  t.deepEqual(
    ems.extensions.map((e) => e.extensionType),
    ['extended_master_secret'],
  );
  t.deepEqual(ems.cipherSuites, ['tls_psk_with_aes_128_gcm_sha256']);
});

test('a short block whose length is not the rest of the message, or a lone length byte, is malformed (DecodeError)', (t) => {
  t.throws(() => decodeClientHello12(body([0, 6, 0, 23, 0, 0])), { name: 'DecodeError' });
  t.throws(() => decodeClientHello12(body([0, 2, 0, 23, 0, 0])), { name: 'DecodeError' });
  t.throws(() => decodeClientHello12(body([0])), { name: 'DecodeError' });
  t.throws(() => decodeClientHello12(body([]).subarray(0, 40)), { name: 'DecodeError' });
});

test('a short block holding a truncated extension is malformed: the stand-in padding never becomes its data (DecodeError)', (t) => {
  // An extension of type 0x1234 claiming 4 bytes of data, with none: read over the stand-in, it swallowed the padding
  // extension, and the ClientHello decoded as one with no extensions at all.
  t.throws(() => decodeClientHello12(body([0, 4, 0x12, 0x34, 0, 4])), { name: 'DecodeError' });
  t.throws(() => decodeClientHello12(body([0, 4, 0, 21, 0, 4])), { name: 'DecodeError' });
  t.throws(() => decodeClientHello12(body([0, 7, 0x12, 0x34, 0, 0, 0, 21, 0])), { name: 'DecodeError' });
  // A client's own padding extension, whole, is kept.
  t.deepEqual(
    decodeClientHello12(body([0, 7, 0, 21, 0, 3, 0, 0, 0])).extensions.map((e) => e.extensionType),
    ['padding'],
  );
});

test('a listener chooses 1.2 for such ClientHellos and answers them with a HelloVerifyRequest; a 1.3-only one refuses with protocol_version', (t) => {
  for (const tail of [[], EMS_ONLY]) {
    const d = datagram(body(tail));
    const choice = chooseServerVersion(d, ['DTLSv1.3', 'DTLSv1.2']);
    if (choice.version !== 'DTLSv1.2') return t.fail(`chose ${String(choice.version)}`);
    t.like(chooseServerVersion(d, ['DTLSv1.3']), { version: undefined, reason: 'no-common-version' });
    const first = {
      hello: choice.clientHello.hello,
      messageSeq: choice.messageSeq,
      recordSequence: choice.recordSequence,
    };
    const answer = helloVerify12(first, defaultProvider(), new Uint8Array(32).fill(1), '127.0.0.1|5684');
    t.is(answer.kind, 'reply');
  }
});
