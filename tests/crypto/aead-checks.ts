/**
 * The checks every AeadKey maker is held to (tests/crypto/native/aead.test.ts, node/aead.test.ts): published vectors
 * seal and open byte for byte; a flipped bit anywhere, a truncation, another nonce or AAD opens nothing and throws
 * nothing; sealInto of parts equals seal of their concatenation; a released key refuses work; a wrong key length is a
 * CryptoError; and OpenSSL's own AEAD (node:crypto) agrees on random inputs.
 */
import type { ExecutionContext } from 'ava';
import { createCipheriv, randomBytes } from 'node:crypto';
import { CryptoError, type AeadAlgorithm, type AeadKey } from '../../runtime/crypto/provider.js';
import { fromHex, hex } from '../support/canon.js';
import { AEAD_KNOWN_ANSWERS } from '../vectors/aead-known-answers.js';

export const AEADS: readonly AeadAlgorithm[] = [
  'aes-128-gcm',
  'aes-256-gcm',
  'chacha20-poly1305',
  'aes-128-ccm',
  'aes-128-ccm-8',
];
const KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
  'aes-128-ccm': 16,
  'aes-128-ccm-8': 16,
};

/** node:crypto's (OpenSSL's) seal, the reference. */
function opensslSeal(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, p: Uint8Array) {
  const tagLength = algorithm === 'aes-128-ccm-8' ? 8 : 16;
  const name = algorithm === 'aes-128-ccm-8' ? 'aes-128-ccm' : algorithm;
  const c = createCipheriv(name as 'aes-128-ccm', key, nonce, { authTagLength: tagLength });
  c.setAAD(aad, { plaintextLength: p.length });
  return Buffer.concat([c.update(p), c.final(), c.getAuthTag()]);
}

export function checkAeadMaker(
  t: ExecutionContext,
  make: (algorithm: AeadAlgorithm, key: Uint8Array) => AeadKey,
): void {
  for (const v of AEAD_KNOWN_ANSWERS) {
    const key = make(v.algorithm, fromHex(v.key));
    const [nonce, aad, plaintext] = [fromHex(v.nonce), fromHex(v.aad), fromHex(v.plaintext)];
    t.is(hex(key.seal(nonce, aad, plaintext)), v.sealed, v.name);
    t.is(hex(key.open(nonce, aad, fromHex(v.sealed)) ?? new Uint8Array([1])), v.plaintext, v.name);
  }
  for (const algorithm of AEADS) {
    const keyBytes = new Uint8Array(randomBytes(KEY_LENGTH[algorithm]));
    const key = make(algorithm, keyBytes);
    t.is(key.tagLength, algorithm === 'aes-128-ccm-8' ? 8 : 16, algorithm);
    for (const n of [0, 1, 15, 16, 17, 1200]) {
      const nonce = new Uint8Array(randomBytes(12));
      const aad = new Uint8Array(randomBytes(13));
      const plaintext = new Uint8Array(randomBytes(n));
      const sealed = key.seal(nonce, aad, plaintext);
      t.is(hex(sealed), hex(opensslSeal(algorithm, keyBytes, nonce, aad, plaintext)), `${algorithm} ${n}: as OpenSSL`);
      t.deepEqual(key.open(nonce, aad, sealed), plaintext);
      // sealInto: the parts, at an offset.
      const out = new Uint8Array(sealed.length + 5);
      const cut = n >> 1;
      const written = key.sealInto(nonce, aad, [plaintext.subarray(0, cut), plaintext.subarray(cut)], out, 5);
      t.is(written, sealed.length);
      t.is(hex(out.subarray(5)), hex(sealed), `${algorithm} ${n}: sealInto`);
      // Forgeries: every bit of a short record, a sample of a long one; truncations; other nonce or AAD.
      const step = sealed.length > 64 ? 97 : 1;
      for (let bit = 0; bit < sealed.length * 8; bit += step) {
        const forged = sealed.slice();
        forged[bit >> 3]! ^= 1 << (bit & 7);
        t.is(key.open(nonce, aad, forged), undefined);
      }
      for (const cut of [0, 1, key.tagLength - 1, sealed.length - 1])
        t.is(key.open(nonce, aad, sealed.subarray(0, cut)), undefined, `${algorithm}: cut to ${cut}`);
      const otherNonce = nonce.slice();
      otherNonce[11]! ^= 1;
      t.is(key.open(otherNonce, aad, sealed), undefined);
      t.is(key.open(nonce, aad.subarray(1), sealed), undefined);
    }
    key.release();
    t.throws(() => key.seal(new Uint8Array(12), new Uint8Array(0), new Uint8Array(1)), { instanceOf: CryptoError });
    t.throws(() => make(algorithm, new Uint8Array(KEY_LENGTH[algorithm] - 1)), { instanceOf: CryptoError }, algorithm);
  }
}
