/**
 * AES-CCM on noble's AES block (runtime/crypto/noble/ccm.ts): SP 800-38C's CCM-8 example, OpenSSL's AES-128-CCM
 * (node:crypto) byte for byte on every length around the block size and long AADs (the two-byte and the 0xff 0xfe
 * AAD length forms), forged and truncated records open to nothing, a nonce of the wrong length is a CryptoError.
 */
import test from 'ava';
import { createCipheriv, randomBytes } from 'node:crypto';
import { ccmOpen, ccmSeal, expandAesKey, type CcmTagLength } from '../../../runtime/crypto/noble/ccm.js';
import { CryptoError } from '../../../runtime/crypto/provider.js';
import { fromHex, hex } from '../../support/canon.js';
import { AEAD_KNOWN_ANSWERS } from '../../vectors/aead-known-answers.js';

function openssl(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, p: Uint8Array, tag: CcmTagLength): string {
  const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tag });
  c.setAAD(aad, { plaintextLength: p.length });
  return Buffer.concat([c.update(p), c.final(), c.getAuthTag()]).toString('hex');
}

test('SP 800-38C Example 3 (CCM-8)', (t) => {
  const v = AEAD_KNOWN_ANSWERS.find((a) => a.algorithm === 'aes-128-ccm-8')!;
  const xk = expandAesKey(fromHex(v.key));
  t.is(hex(ccmSeal(xk, fromHex(v.nonce), fromHex(v.aad), fromHex(v.plaintext), 8)), v.sealed);
  t.is(hex(ccmOpen(xk, fromHex(v.nonce), fromHex(v.aad), fromHex(v.sealed), 8)!), v.plaintext);
});

test('as OpenSSL for both tag lengths, every length around the blocks, short and long AADs', (t) => {
  for (const tag of [16, 8] as const) {
    const key = new Uint8Array(randomBytes(16));
    const xk = expandAesKey(key);
    for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1200]) {
      for (const aadLength of [0, 13, 14, 15, 16, 0xfeff, 0xff00]) {
        if (aadLength > 16 && n > 17) continue;
        const nonce = new Uint8Array(randomBytes(12));
        const aad = new Uint8Array(randomBytes(aadLength));
        const p = new Uint8Array(randomBytes(n));
        const sealed = ccmSeal(xk, nonce, aad, p, tag);
        t.is(hex(sealed), openssl(key, nonce, aad, p, tag), `tag ${tag}, ${n} bytes, aad ${aadLength}`);
        t.deepEqual(ccmOpen(xk, nonce, aad, sealed, tag), p);
      }
    }
  }
});

test('forged, truncated, misdirected: nothing opens, nothing throws', (t) => {
  const xk = expandAesKey(new Uint8Array(randomBytes(16)));
  const nonce = new Uint8Array(randomBytes(12));
  const aad = Uint8Array.of(1, 2, 3);
  const sealed = ccmSeal(xk, nonce, aad, new Uint8Array(randomBytes(40)), 16);
  for (let bit = 0; bit < sealed.length * 8; bit++) {
    const forged = sealed.slice();
    forged[bit >> 3]! ^= 1 << (bit & 7);
    t.is(ccmOpen(xk, nonce, aad, forged, 16), undefined);
  }
  for (let cut = 0; cut < sealed.length; cut++) t.is(ccmOpen(xk, nonce, aad, sealed.subarray(0, cut), 16), undefined);
  t.is(ccmOpen(xk, nonce, aad, sealed, 8), undefined, 'read with the other tag length');
  t.is(ccmOpen(xk, nonce, Uint8Array.of(1, 2), sealed, 16), undefined);
  t.is(ccmOpen(expandAesKey(new Uint8Array(16)), nonce, aad, sealed, 16), undefined, 'another key');
});

test('a nonce of another length than 12 is a CryptoError', (t) => {
  const xk = expandAesKey(new Uint8Array(16));
  for (const n of [0, 11, 13]) {
    t.throws(() => ccmSeal(xk, new Uint8Array(n), new Uint8Array(0), new Uint8Array(1), 16), {
      instanceOf: CryptoError,
      message: /nonce must be 12 bytes/,
    });
  }
});
