import type { HashAlgorithm } from '../provider.js';
import { hashLength } from '../suites.js';
import type { NativeBinding } from './binding.js';
import { HASH_ID } from './ids.js';

/** HMAC, HKDF-Extract and HKDF-Expand, each one addon call (native/src/kdf.c); the same bytes as the node provider's. */
export interface NativeKdf {
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  hkdfExpandMany(
    algorithm: HashAlgorithm,
    prk: Uint8Array,
    infos: readonly Uint8Array[],
    lengths: readonly number[],
  ): Uint8Array[];
  /** P_hash (RFC 5246 §5) in one addon call; undefined where the addon has none. */
  pHash: ((algorithm: HashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number) => Uint8Array) | undefined;
}

/** Whether `info` is an HkdfLabel (RFC 8446 §7.1) of exactly its bytes asking for `length`: what the addon's batch parses. */
function isHkdfLabel(info: Uint8Array, length: number): boolean {
  if (info.length < 4 || ((info[0]! << 8) | info[1]!) !== length) return false;
  const label = info[2]!;
  return info.length > 3 + label && info.length === 4 + label + info[3 + label]!;
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
  const hkdfExpand = (algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => {
    if (length > 255 * hashLength(algorithm))
      throw new RangeError(`HKDF-Expand: ${length} bytes is more than 255 * HashLen`);
    return inScratch(prk, info, length, (buffer) =>
      binding.hkdfExpandIn(HASH_ID[algorithm], buffer, prk.length, info.length, length),
    );
  };
  /** One addon call for HkdfLabels that fit the scratch buffer; anything else one call each, as hkdfExpand. */
  const hkdfExpandMany = (
    algorithm: HashAlgorithm,
    prk: Uint8Array,
    infos: readonly Uint8Array[],
    lengths: readonly number[],
  ): Uint8Array[] => {
    if (infos.length !== lengths.length)
      throw new RangeError(`HKDF-Expand: ${infos.length} infos but ${lengths.length} lengths`);
    let at = prk.length;
    let total = 0;
    let batch = binding.hkdfExpandLabelsIn !== undefined;
    for (let i = 0; i < infos.length && batch; i++) {
      batch = isHkdfLabel(infos[i]!, lengths[i]!) && lengths[i]! <= 255 * hashLength(algorithm);
      at += infos[i]!.length;
      total += lengths[i]!;
    }
    if (!batch || at + total > SCRATCH_BYTES)
      return infos.map((info, i) => hkdfExpand(algorithm, prk, info, lengths[i]!));
    scratch.set(prk, 0);
    at = prk.length;
    for (const info of infos) {
      scratch.set(info, at);
      at += info.length;
    }
    binding.hkdfExpandLabelsIn!(HASH_ID[algorithm], scratch, prk.length, at - prk.length, infos.length);
    const out: Uint8Array[] = [];
    let from = at;
    for (const length of lengths) {
      out.push(scratch.slice(from, from + length));
      from += length;
    }
    scratch.fill(0, 0, from);
    return out;
  };
  const pHashIn = binding.pHashIn;
  const pHash =
    pHashIn === undefined
      ? undefined
      : (algorithm: HashAlgorithm, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array => {
          if (!Number.isInteger(length) || length < 0 || length > 255 * hashLength(algorithm))
            throw new RangeError(`P_hash: ${length} bytes is not a length from 0 to 255 * HashLen`);
          return inScratch(secret, seed, length, (buffer) =>
            pHashIn.call(binding, HASH_ID[algorithm], buffer, secret.length, seed.length, length),
          );
        };
  return {
    hmac,
    pHash,
    // RFC 5869 §2.2: an empty salt is HashLen zeros, which HMAC pads to the same key.
    hkdfExtract: (algorithm, salt, ikm) => hmac(algorithm, salt, ikm),
    hkdfExpand,
    hkdfExpandMany,
  };
}
