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

/** The scratch buffer's size: a key schedule call needs under 400 bytes; larger ones get a buffer of their own. */
const SCRATCH_BYTES = 4096;

export function nativeKdf(binding: NativeBinding): NativeKdf {
  // Made once (off V8's heap: an ArrayBuffer this size always is), so the addon reads it in place.
  const scratch = new Uint8Array(new ArrayBuffer(SCRATCH_BYTES));
  /** Lays out `first`, `second`, room for `length` bytes; runs `call`; returns a copy of the result and zeroes what was used. */
  const inScratch = (
    first: Uint8Array,
    second: Uint8Array,
    length: number,
    call: (buffer: Uint8Array) => void,
  ): Uint8Array => {
    const at = first.length + second.length;
    const buffer = at + length <= SCRATCH_BYTES ? scratch : new Uint8Array(at + length);
    buffer.set(first, 0);
    buffer.set(second, first.length);
    call(buffer);
    const out = buffer.slice(at, at + length);
    buffer.fill(0, 0, at + length);
    return out;
  };
  const hmac = (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array =>
    inScratch(key, data, hashLength(algorithm), (buffer) =>
      binding.hmacIn(HASH_ID[algorithm], buffer, key.length, data.length),
    );
  return {
    hmac,
    // RFC 5869 §2.2: an empty salt is HashLen zeros, which HMAC pads to the same key.
    hkdfExtract: (algorithm, salt, ikm) => hmac(algorithm, salt, ikm),
    hkdfExpand: (algorithm, prk, info, length) => {
      if (length > 255 * hashLength(algorithm))
        throw new RangeError(`HKDF-Expand: ${length} bytes is more than 255 * HashLen`);
      return inScratch(prk, info, length, (buffer) =>
        binding.hkdfExpandIn(HASH_ID[algorithm], buffer, prk.length, info.length, length),
      );
    },
  };
}
