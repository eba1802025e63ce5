/** SHA-256/384, HMAC and HKDF on @noble/hashes, for the TLS 1.3 key schedule and transcript hash. */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { CryptoError, type HashAlgorithm, type IncrementalHash } from '../provider.js';
import { hashLength } from '../suites.js';

type NobleHash = typeof sha256 | typeof sha384;
type NobleHashState = ReturnType<typeof sha256.create> | ReturnType<typeof sha384.create>;

function nobleHash(algorithm: HashAlgorithm): NobleHash {
  return algorithm === 'sha256' ? sha256 : sha384;
}

export function nobleDigest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return nobleHash(algorithm)(data);
}

/** A running hash whose state can be read and forked at any point, as a transcript hash needs (RFC 8446 §4.4.1). */
export function nobleCreateHash(algorithm: HashAlgorithm): IncrementalHash {
  return new NobleIncrementalHash(algorithm, nobleHash(algorithm).create());
}

export function nobleHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleHash(algorithm), key, data);
}

/** HKDF-Extract (RFC 5869 §2.2): PRK = HMAC-Hash(salt, IKM); an empty salt means HashLen zero bytes. */
export function nobleHkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return extract(nobleHash(algorithm), ikm, salt.length === 0 ? new Uint8Array(hashLength(algorithm)) : salt);
}

/** HKDF-Expand (RFC 5869 §2.3); {@link CryptoError} for a PRK under HashLen or a length over 255 * HashLen. */
export function nobleHkdfExpand(
  algorithm: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const hashLen = hashLength(algorithm);
  if (prk.length < hashLen)
    throw new CryptoError(`HKDF-Expand: PRK must be at least ${hashLen} bytes, got ${prk.length}`);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen)
    throw new CryptoError(`HKDF-Expand: length ${length} is outside 0..${255 * hashLen}`);
  return expand(nobleHash(algorithm), prk, info, length);
}

class NobleIncrementalHash implements IncrementalHash {
  readonly algorithm: HashAlgorithm;
  readonly #state: NobleHashState;

  constructor(algorithm: HashAlgorithm, state: NobleHashState) {
    this.algorithm = algorithm;
    this.#state = state;
  }

  update(data: Uint8Array): void {
    this.#state.update(data);
  }

  /** Finalizes a copy, so the running state goes on. */
  digest(): Uint8Array {
    return this.#state.clone().digest();
  }

  clone(): IncrementalHash {
    return new NobleIncrementalHash(this.algorithm, this.#state.clone());
  }
}
