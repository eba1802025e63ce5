import test from 'ava';
import { createCipheriv, randomBytes } from 'node:crypto';
import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { ALL_CIPHER_SUITES, CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { ComposedRecordProtection } from '../../runtime/record/composed-protection.js';

/**
 * The record protection composed from a provider's AEAD and mask keys (runtime/record/composed-protection.ts, RFC 9147
 * §4): its AES-GCM records equal ones sealed here with node:crypto straight from RFC 8446 §5.3 (nonce) and RFC 9147
 * §4.2.3 (record number mask); every suite's records equal the native record path's, both ways; opening reconstructs
 * the sequence number nearest the one expected from 1 or 2 bytes, and a record changed anywhere does not open.
 */

const HEADER = 5; // unified header: first byte, 2-byte sequence number, 2-byte length
const SN_OFFSET = 1;
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function keysFor(suite: SupportedCipherSuite) {
  const p = CIPHER_SUITES[suite];
  return { key: random(p.keyLength), iv: random(12), snKey: random(p.keyLength) };
}

/** A record laid out for sealing: header (sequence number in clear), plaintext, room for the tag. */
function layout(seq: number, snBytes: 1 | 2, plaintext: Uint8Array, tagLength: number): Uint8Array {
  const header = snBytes === 2 ? [0x2c, (seq >> 8) & 0xff, seq & 0xff] : [0x24, seq & 0xff];
  const headerLength = header.length + 2;
  const length = plaintext.length + tagLength;
  const r = new Uint8Array(headerLength + length);
  r.set([...header, length >> 8, length & 0xff]);
  r.set(plaintext, headerLength);
  return r;
}

function sealed(
  p: CryptoProvider,
  suite: SupportedCipherSuite,
  keys: ReturnType<typeof keysFor>,
  seq: number,
  snBytes: 1 | 2,
  plaintext: Uint8Array,
): Uint8Array {
  const protection = new ComposedRecordProtection(p, CIPHER_SUITES[suite], keys);
  const r = layout(seq, snBytes, plaintext, protection.tagLength);
  protection.sealRecord(seq, r, snBytes + 3, plaintext.length, SN_OFFSET, snBytes);
  protection.release();
  return r;
}

/** RFC 8446 §5.3 and RFC 9147 §4.2.3 by hand, with node:crypto: AES-GCM, then the record number masked with AES-ECB of the ciphertext's first 16 bytes. */
function referenceGcm(
  suite: 'tls_aes_128_gcm_sha256' | 'tls_aes_256_gcm_sha384',
  keys: ReturnType<typeof keysFor>,
  seq: number,
  plaintext: Uint8Array,
): Uint8Array {
  const bits = suite === 'tls_aes_128_gcm_sha256' ? 128 : 256;
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i]! ^= Number((BigInt(seq) >> BigInt(8 * i)) & 0xffn);
  const r = layout(seq, 2, plaintext, 16);
  const gcm = createCipheriv(`aes-${bits}-gcm`, keys.key, nonce);
  gcm.setAAD(r.subarray(0, HEADER));
  const ciphertext = Buffer.concat([gcm.update(plaintext), gcm.final(), gcm.getAuthTag()]);
  r.set(ciphertext, HEADER);
  const ecb = createCipheriv(`aes-${bits}-ecb`, keys.snKey, null);
  const mask = ecb.update(ciphertext.subarray(0, 16));
  r[SN_OFFSET]! ^= mask[0]!;
  r[SN_OFFSET + 1]! ^= mask[1]!;
  return r;
}

for (const suite of ['tls_aes_128_gcm_sha256', 'tls_aes_256_gcm_sha384'] as const)
  for (const p of [nodeProvider, nobleProvider])
    test(`${p.name}, ${suite}: sealed as RFC 8446 §5.3 and RFC 9147 §4.2.3 say, computed with node:crypto`, (t) => {
      const keys = keysFor(suite);
      for (const seq of [0, 1, 0x1234, 0xffff, 0x10000, 2 ** 40 + 7]) {
        const plaintext = random(1 + (seq % 200));
        t.deepEqual(sealed(p, suite, keys, seq, 2, plaintext), referenceGcm(suite, keys, seq, plaintext), `seq ${seq}`);
      }
    });

for (const suite of ALL_CIPHER_SUITES)
  test(`${suite}: opens what it sealed, the sequence number reconstructed from 1 or 2 bytes; a changed byte does not open`, (t) => {
    const keys = keysFor(suite);
    const params = CIPHER_SUITES[suite];
    const plaintext = random(100);
    for (const [seq, snBytes, expected] of [
      [0x1234, 2, 0x1230],
      [0x51234, 2, 0x50100],
      [0x3ff, 1, 0x3f0],
      [0x400, 1, 0x3f8],
    ] as const) {
      const r = sealed(nodeProvider, suite, keys, seq, snBytes, plaintext);
      const opener = new ComposedRecordProtection(nodeProvider, params, keys);
      const headerLength = snBytes + 3;
      const inner = opener.openRecord(r, 0, headerLength, r.length - headerLength, SN_OFFSET, snBytes, expected);
      t.deepEqual(inner, plaintext, `seq ${seq}`);
      t.is(opener.openedSequenceNumber, seq);
      for (const at of [0, SN_OFFSET, headerLength, r.length - 1]) {
        const changed = r.slice();
        changed[at]! ^= 0x01;
        t.is(
          opener.openRecord(changed, 0, headerLength, r.length - headerLength, SN_OFFSET, snBytes, expected),
          undefined,
          `byte ${at}`,
        );
        t.is(opener.openedSequenceNumber, seq, 'a record that does not open leaves the last opened number');
      }
      opener.release();
    }
  });

test('several records sealed in one call are the records sealed one by one', (t) => {
  const suite = 'tls_chacha20_poly1305_sha256';
  const keys = keysFor(suite);
  const protection = new ComposedRecordProtection(nodeProvider, CIPHER_SUITES[suite], keys);
  const one = [7, 8, 9].map((seq) => layout(seq, 2, Uint8Array.of(seq, 1, 2, 3), protection.tagLength));
  const buffer = Buffer.concat(one);
  const positions = [0, one[0]!.length, one[0]!.length + one[1]!.length];
  const plan = new Float64Array(positions.flatMap((at, i) => [at, HEADER, 4, 7 + i, SN_OFFSET, 2]));
  protection.sealRecords(buffer, plan, 3);
  for (const [i, r] of one.entries()) protection.sealRecord(7 + i, r, HEADER, 4, SN_OFFSET, 2);
  t.deepEqual(new Uint8Array(buffer), new Uint8Array(Buffer.concat(one)));
  protection.release();
});

const native = nativeProvider;
if (native?.recordProtection !== undefined) {
  const recordProtection = native.recordProtection.bind(native);
  for (const suite of ALL_CIPHER_SUITES)
    test(`${suite}: the same bytes as the native record path, and each opens the other's`, (t) => {
      const keys = keysFor(suite);
      const params = CIPHER_SUITES[suite];
      const plaintext = random(77);
      for (const seq of [0, 300, 0x2_0000_0001]) {
        const composed = sealed(nodeProvider, suite, keys, seq, 2, plaintext);
        const n = recordProtection(params.aead, params.mask, keys.key, keys.iv, keys.snKey);
        const r = layout(seq, 2, plaintext, n.tagLength);
        n.sealRecord(seq, r, HEADER, plaintext.length, SN_OFFSET, 2);
        t.deepEqual(composed, r, `seq ${seq}`);
        t.deepEqual(
          n.openRecord(composed, 0, HEADER, composed.length - HEADER, SN_OFFSET, 2, seq, undefined),
          plaintext,
        );
        n.release();
      }
    });
}
