/** The record number mask (RFC 9147 §4.2.3) on @noble/ciphers: AES-ECB or ChaCha20 over the ciphertext sample. */
import { unsafe } from '@noble/ciphers/aes.js';
import { hchacha } from '@noble/ciphers/chacha.js';
import { CryptoError, type MaskAlgorithm, type MaskKey } from '../provider.js';

const SAMPLE_LENGTH = 16;

/** "expand 32-byte k" (RFC 8439 §2.3), as the four little-endian words of the ChaCha20 state. */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

/** A record number mask generator for one 16- or 32-byte sn_key, copied; release() zeroes it. CryptoError for a bad length. */
export function nobleMask(algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey {
  const expected = algorithm === 'aes-128' ? 16 : 32;
  if (snKey.length !== expected)
    throw new CryptoError(`${algorithm} mask: sn_key must be ${expected} bytes, got ${snKey.length}`);
  return algorithm === 'chacha20' ? new ChaChaMask(snKey) : new AesMask(algorithm, snKey);
}

/** @internal The buffers a {@link nobleMask} key holds its material in (tests see release() zero them), or undefined. */
export function maskKeyMaterial(key: MaskKey): Uint8Array | Uint32Array | undefined {
  return key instanceof AesMask || key instanceof ChaChaMask ? key.material : undefined;
}

/** Mask = AES-ECB(sn_key, sample): one block, with the key schedule expanded once. */
class AesMask implements MaskKey {
  readonly algorithm: MaskAlgorithm;
  /** @internal */
  readonly material: Uint32Array;
  #released = false;

  constructor(algorithm: 'aes-128' | 'aes-256', snKey: Uint8Array) {
    this.algorithm = algorithm;
    this.material = unsafe.expandKeyLE(snKey);
  }

  mask(sample: Uint8Array): Uint8Array {
    checkUsable(this.algorithm, this.#released, sample);
    // Word-level AES on the sample's four little-endian words: no typed-array views, no allocation but the result.
    const r = unsafe.encrypt(
      this.material,
      wordLE(sample, 0),
      wordLE(sample, 4),
      wordLE(sample, 8),
      wordLE(sample, 12),
    );
    return wordsToBytes(r.s0, r.s1, r.s2, r.s3);
  }

  release(): void {
    this.material.fill(0);
    this.#released = true;
  }
}

/** ChaCha20 mask (RFC 8439 §2.3) via noble's `hchacha` plus the input state (its `chacha20` refuses counter 2^32-1). */
class ChaChaMask implements MaskKey {
  readonly algorithm = 'chacha20';
  /** @internal The key as the 8 words hchacha reads (a view of a private copy). */
  readonly material: Uint32Array;
  #released = false;

  /** The 16 input words (counter || nonce) and 8 output words, reused across calls. */
  readonly #input = new Uint32Array(4);
  readonly #output = new Uint32Array(8);

  constructor(snKey: Uint8Array) {
    this.material = new Uint32Array(8);
    for (let i = 0; i < 8; i++) this.material[i] = wordLE(snKey, 4 * i);
  }

  mask(sample: Uint8Array): Uint8Array {
    checkUsable(this.algorithm, this.#released, sample);
    const input = this.#input;
    const out = this.#output;
    for (let i = 0; i < 4; i++) input[i] = wordLE(sample, 4 * i);
    hchacha(SIGMA_WORDS, this.material, input, out);
    const mask = wordsToBytes(out[0]! + SIGMA[0], out[1]! + SIGMA[1], out[2]! + SIGMA[2], out[3]! + SIGMA[3]);
    out.fill(0);
    return mask;
  }

  release(): void {
    this.material.fill(0);
    this.#released = true;
  }
}

const SIGMA_WORDS = Uint32Array.from(SIGMA);

function wordLE(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Four words as 16 little-endian bytes (a small array: V8 keeps it on its heap, so it costs next to nothing). */
function wordsToBytes(w0: number, w1: number, w2: number, w3: number): Uint8Array {
  const b = new Uint8Array(SAMPLE_LENGTH);
  const words = [w0, w1, w2, w3];
  for (let i = 0; i < 4; i++) {
    const w = words[i]!;
    b[4 * i] = w;
    b[4 * i + 1] = w >>> 8;
    b[4 * i + 2] = w >>> 16;
    b[4 * i + 3] = w >>> 24;
  }
  return b;
}

function checkUsable(algorithm: MaskAlgorithm, released: boolean, sample: Uint8Array): void {
  if (released) throw new CryptoError(`${algorithm} mask: key used after release()`);
  if (sample.length < SAMPLE_LENGTH)
    throw new CryptoError(`${algorithm} mask: sample must be at least ${SAMPLE_LENGTH} bytes, got ${sample.length}`);
}
