import type { HashAlgorithm } from '../provider.js';
import { hashLength } from '../suites.js';
import type { NativeBinding } from './binding.js';
import { HASH_ID } from './ids.js';

/** HMAC, HKDF-Extract and HKDF-Expand, each one addon call (native/src/kdf.c); the same bytes as the node provider's. */
export interface NativeKdf {
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

export function nativeKdf(binding: NativeBinding): NativeKdf {
  const hmac = (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(hashLength(algorithm));
    binding.hmac(HASH_ID[algorithm], key, data, out);
    return out;
  };
  return {
    hmac,
    // RFC 5869 §2.2: an empty salt is HashLen zeros, which HMAC pads to the same key.
    hkdfExtract: (algorithm, salt, ikm) => hmac(algorithm, salt, ikm),
    hkdfExpand: (algorithm, prk, info, length) => {
      if (length > 255 * hashLength(algorithm)) throw new RangeError(`HKDF-Expand: ${length} bytes is more than 255 * HashLen`);
      const out = new Uint8Array(length);
      binding.hkdfExpand(HASH_ID[algorithm], prk, info, out);
      return out;
    },
  };
}
