import { createHash, createHmac, type Hash } from 'node:crypto';
import type { HashAlgorithm, IncrementalHash } from '../provider.js';
import { hashLength } from '../suites.js';

const view = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);

export function nodeDigest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return view(createHash(algorithm).update(data).digest());
}

class NodeIncrementalHash implements IncrementalHash {
  readonly algorithm: HashAlgorithm;
  private readonly h: Hash;

  constructor(algorithm: HashAlgorithm, h: Hash = createHash(algorithm)) {
    this.algorithm = algorithm;
    this.h = h;
  }

  update(data: Uint8Array): void {
    this.h.update(data);
  }

  digest(): Uint8Array {
    return view(this.h.copy().digest());
  }

  clone(): IncrementalHash {
    return new NodeIncrementalHash(this.algorithm, this.h.copy());
  }
}

export function nodeCreateHash(algorithm: HashAlgorithm): IncrementalHash {
  return new NodeIncrementalHash(algorithm);
}

export function nodeHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return view(createHmac(algorithm, key).update(data).digest());
}

/** HKDF-Extract (RFC 5869 §2.2). An empty salt is HashLen zeros, which HMAC pads to the same key. */
export function nodeHkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return nodeHmac(algorithm, salt, ikm);
}

export function nodeHkdfExpand(
  algorithm: HashAlgorithm,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const n = hashLength(algorithm);
  if (length > 255 * n) throw new RangeError(`HKDF-Expand: ${length} bytes is more than 255 * HashLen`);
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    const h = createHmac(algorithm, prk);
    h.update(t);
    h.update(info);
    h.update(Uint8Array.of(i));
    t = view(h.digest());
    out.set(t.subarray(0, Math.min(n, length - at)), at);
    at += n;
  }
  return out;
}
