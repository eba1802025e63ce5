/**
 * The TLS 1.2 pseudorandom function (RFC 5246 §5): P_hash over the cipher suite's hash (SHA-256 for every suite but the
 * *_SHA384 ones), built on the crypto provider's HMAC so each provider gives the same bytes, or the provider's own P_hash
 * (one call) where it has one.
 */
import type { CryptoProvider, HashAlgorithm } from '../crypto/provider.js';
import { hashLength } from '../crypto/suites.js';
import { concatBytes } from '../wire/bytes.js';

/** A label's ASCII bytes, kept for the few labels RFC 5246 and its extensions use (bounded: any other is made each time). */
const labels = new Map<string, Uint8Array>();
const KEPT_LABELS = 16;

function ascii(s: string): Uint8Array {
  let bytes = labels.get(s);
  if (bytes === undefined) {
    bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
    if (labels.size < KEPT_LABELS) labels.set(s, bytes);
  }
  return bytes;
}

/**
 * P_hash(secret, seed) (RFC 5246 §5): A(0) = seed, A(i) = HMAC(secret, A(i-1)); the output is HMAC(secret, A(1) + seed)
 * + HMAC(secret, A(2) + seed) + ..., cut to `length` bytes.
 */
export function pHash(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0)
    throw new RangeError(`P_hash length must be a non-negative integer, got ${length}`);
  // One provider call where it has one (every length TLS 1.2 asks for is within its 255 * HashLen).
  if (provider.pHash !== undefined && length <= 255 * hashLength(hash))
    return provider.pHash(hash, secret, seed, length);
  const out = new Uint8Array(length);
  let a = seed;
  // A(i) + seed in one buffer: the seed written once after room for A(i), which each round writes.
  let input: Uint8Array | undefined;
  for (let at = 0; at < length;) {
    a = provider.hmac(hash, secret, a);
    if (input === undefined) {
      input = new Uint8Array(a.length + seed.length);
      input.set(seed, a.length);
    }
    input.set(a, 0);
    const block = provider.hmac(hash, secret, input);
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_hash(secret, label + seed) (RFC 5246 §5); `label` is ASCII without a terminating zero. */
export function prf(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(provider, hash, secret, concatBytes([ascii(label), seed]), length);
}
