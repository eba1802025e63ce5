/**
 * The checks every record number mask maker is held to (tests/crypto/native/mask.test.ts, node/mask.test.ts): the
 * published vectors, the same mask as noble's on random samples, only the first 16 bytes of a longer sample counting,
 * a sample under 16 bytes or a wrong sn_key length a CryptoError, a released key refusing work.
 */
import type { ExecutionContext } from 'ava';
import { randomBytes } from 'node:crypto';
import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import { CryptoError, type MaskAlgorithm, type MaskKey } from '../../runtime/crypto/provider.js';
import { fromHex, hex } from '../support/canon.js';
import { MASKS } from '../vectors/hash-known-answers.js';

const KEY_LENGTH: Record<MaskAlgorithm, number> = { 'aes-128': 16, 'aes-256': 32, chacha20: 32 };

export function checkMaskMaker(
  t: ExecutionContext,
  make: (algorithm: MaskAlgorithm, snKey: Uint8Array) => MaskKey,
): void {
  for (const v of MASKS) {
    const key = make(v.algorithm, fromHex(v.key));
    t.is(key.algorithm, v.algorithm);
    t.is(hex(key.mask(fromHex(v.sample))).slice(0, v.mask.length), v.mask, `${v.algorithm} ${v.key}`);
  }
  for (const algorithm of Object.keys(KEY_LENGTH) as MaskAlgorithm[]) {
    const snKey = new Uint8Array(randomBytes(KEY_LENGTH[algorithm]));
    const key = make(algorithm, snKey);
    const reference = nobleProvider.mask(algorithm, snKey);
    for (let i = 0; i < 50; i++) {
      const sample = new Uint8Array(randomBytes(16 + (i % 20)));
      const mask = key.mask(sample);
      t.is(mask.length, 16);
      t.is(hex(mask), hex(reference.mask(sample)), `${algorithm}: as noble`);
      t.is(hex(mask), hex(key.mask(sample.slice(0, 16))), 'only the first 16 bytes count');
    }
    t.throws(() => key.mask(new Uint8Array(15)), { instanceOf: CryptoError, message: /16 bytes/ });
    snKey.fill(0);
    t.is(hex(key.mask(new Uint8Array(16))), hex(reference.mask(new Uint8Array(16))), 'the sn_key was copied');
    key.release();
    t.throws(() => key.mask(new Uint8Array(16)), { instanceOf: CryptoError, message: /released/ });
    for (const n of [0, 15, 24, 33])
      if (n !== KEY_LENGTH[algorithm])
        t.throws(() => make(algorithm, new Uint8Array(n)), { instanceOf: CryptoError, message: /sn_key/ });
  }
}
