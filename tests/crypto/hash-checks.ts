/**
 * The checks the hash and KDF parts of the native and node providers are held to: FIPS 180-2, RFC 4231 and RFC 5869
 * vectors; an incremental hash fed in pieces (small and large, around the native part's 256-byte copy) equals the
 * one-shot digest; a digest leaves the hash usable; clone() is independent; HKDF-Expand refuses more than 255 × HashLen.
 */
import type { ExecutionContext } from 'ava';
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { HashAlgorithm, IncrementalHash } from '../../runtime/crypto/provider.js';
import { fromHex, hex } from '../support/canon.js';
import { DIGESTS, HKDF_CASE_1, HMAC_CASE_1 } from '../vectors/hash-known-answers.js';

const ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sha384'];
const abc = new TextEncoder().encode('abc');

export function checkHashes(
  t: ExecutionContext,
  digest: (algorithm: HashAlgorithm, data: Uint8Array) => Uint8Array,
  create: (algorithm: HashAlgorithm) => IncrementalHash,
): void {
  for (const algorithm of ALGORITHMS) {
    t.is(hex(digest(algorithm, abc)), DIGESTS[algorithm]);
    const h = create(algorithm);
    t.is(h.algorithm, algorithm);
    h.update(abc);
    t.is(hex(h.digest()), DIGESTS[algorithm]);
    t.is(hex(h.digest()), DIGESTS[algorithm], 'a digest leaves the hash as it was');
    const data = new Uint8Array(randomBytes(5000));
    const pieces = [0, 1, 255, 256, 257, 1000, 3000].map((n, i, all) => data.subarray(n, all[i + 1] ?? data.length));
    const whole = create(algorithm);
    whole.update(data.subarray(0, 0));
    let fork: IncrementalHash | undefined;
    for (const [i, p] of pieces.entries()) {
      whole.update(p);
      if (i === 2) fork = whole.clone();
    }
    const expected = createHash(algorithm).update(data).digest('hex');
    t.is(hex(whole.digest()), expected, `${algorithm}: in pieces`);
    t.is(hex(digest(algorithm, data)), expected, `${algorithm}: one shot`);
    fork!.update(Uint8Array.of(1));
    const forkExpected = createHash(algorithm).update(data.subarray(0, 256)).update(Uint8Array.of(1)).digest('hex');
    t.is(hex(fork!.digest()), forkExpected, 'the clone went its own way');
    t.is(hex(whole.digest()), expected, 'and the original did not move');
  }
}

export function checkKdf(
  t: ExecutionContext,
  kdf: {
    hmac(a: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
    hkdfExtract(a: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
    hkdfExpand(a: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  },
): void {
  for (const algorithm of ALGORITHMS)
    t.is(hex(kdf.hmac(algorithm, fromHex(HMAC_CASE_1.key), fromHex(HMAC_CASE_1.data))), HMAC_CASE_1[algorithm]);
  const prk = kdf.hkdfExtract('sha256', fromHex(HKDF_CASE_1.salt), fromHex(HKDF_CASE_1.ikm));
  t.is(hex(prk), HKDF_CASE_1.prk);
  t.is(hex(kdf.hkdfExpand('sha256', prk, fromHex(HKDF_CASE_1.info), HKDF_CASE_1.length)), HKDF_CASE_1.okm);
  for (const algorithm of ALGORITHMS) {
    const n = algorithm === 'sha256' ? 32 : 48;
    // An empty salt is HashLen zeros (RFC 5869 §2.2).
    const ikm = new Uint8Array(randomBytes(40));
    t.is(
      hex(kdf.hkdfExtract(algorithm, new Uint8Array(0), ikm)),
      hex(kdf.hkdfExtract(algorithm, new Uint8Array(n), ikm)),
    );
    // Long keys and data (past a 4 KiB scratch), and every length up to the most, against OpenSSL's HKDF.
    const key = new Uint8Array(randomBytes(5000));
    const data = new Uint8Array(randomBytes(5000));
    t.is(hex(kdf.hmac(algorithm, key, data)), createHmac(algorithm, key).update(data).digest('hex'));
    const info = new Uint8Array(randomBytes(20));
    for (const length of [1, n - 1, n, n + 1, 255 * n]) {
      const expected = new Uint8Array(hkdfSync(algorithm, ikm, new Uint8Array(0), info, length));
      const got = kdf.hkdfExpand(algorithm, kdf.hkdfExtract(algorithm, new Uint8Array(0), ikm), info, length);
      t.is(hex(got), hex(expected), `${algorithm} ${length}`);
    }
    t.throws(() => kdf.hkdfExpand(algorithm, prk, info, 255 * n + 1), { instanceOf: RangeError });
  }
}
