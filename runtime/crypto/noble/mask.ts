/**
 * The record number mask (RFC 9147 §4.2.3) on @noble/ciphers:
 *
 *   Mask = AES-ECB(sn_key, Ciphertext[0..15])
 *   Mask = ChaCha20(sn_key, Ciphertext[0..3], Ciphertext[4..15])
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { hchacha } from '@noble/ciphers/chacha.js';
import { CryptoError, type MaskAlgorithm, type MaskKey } from '../provider.js';

const SAMPLE_LENGTH = 16;

/** "expand 32-byte k" (RFC 8439 §2.3), as the four little-endian words of the ChaCha20 state. */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

/**
 * A record number mask generator for one sn_key (RFC 9147 §4.2.3): 16 bytes
 * (AES-128) or 32 bytes (AES-256, ChaCha20). The key is copied (AES keeps
 * only its expanded schedule); release() zeroes it. Throws
 * {@link CryptoError} for a key of the wrong length.
 */
export function nobleMask(algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey {
  const expected = algorithm === 'aes-128' ? 16 : 32;
  if (snKey.length !== expected) throw new CryptoError(`${algorithm} mask: sn_key must be ${expected} bytes, got ${snKey.length}`);
  return algorithm === 'chacha20' ? new ChaChaMask(snKey) : new AesMask(algorithm, snKey);
}

/**
 * The buffers a mask key from {@link nobleMask} holds its key material in, so
 * tests can see that release() zeroes them; `undefined` for other keys.
 * @internal
 */
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
    // A fresh, aligned 16-byte block, encrypted in place (new Uint8Array copies; Buffer#slice would alias).
    return unsafe.encryptBlock(this.material, new Uint8Array(sample.subarray(0, SAMPLE_LENGTH)));
  }

  release(): void {
    this.material.fill(0);
    this.#released = true;
  }
}

/**
 * Mask = the first 16 bytes of the ChaCha20 block function (RFC 8439 §2.3)
 * with key sn_key, block counter = sample[0..3] (little-endian) and nonce =
 * sample[4..15]. The block is computed with noble's `hchacha`, whose input
 * state is exactly constants || key || (counter || nonce) and whose first four
 * output words are the block's words 0..3 before the final addition of the
 * input state, which we add back. (noble's `chacha20` rejects the block
 * counter 0xffffffff, which a sample can hold.)
 */
class ChaChaMask implements MaskKey {
  readonly algorithm = 'chacha20';
  /** @internal The key as the 8 words hchacha reads (a view of a private copy). */
  readonly material: Uint32Array;
  #released = false;

  constructor(snKey: Uint8Array) {
    this.material = new Uint32Array(new Uint8Array(snKey).buffer);
  }

  mask(sample: Uint8Array): Uint8Array {
    checkUsable(this.algorithm, this.#released, sample);
    const input = new Uint32Array(new Uint8Array(sample.subarray(0, SAMPLE_LENGTH)).buffer);
    const out = new Uint32Array(8);
    hchacha(SIGMA_WORDS, this.material, input, out);
    // hchacha's arrays are views of little-endian bytes on every host.
    const raw = new DataView(out.buffer);
    const mask = new Uint8Array(SAMPLE_LENGTH);
    const view = new DataView(mask.buffer);
    view.setUint32(0, raw.getUint32(0, true) + SIGMA[0], true);
    view.setUint32(4, raw.getUint32(4, true) + SIGMA[1], true);
    view.setUint32(8, raw.getUint32(8, true) + SIGMA[2], true);
    view.setUint32(12, raw.getUint32(12, true) + SIGMA[3], true);
    out.fill(0);
    return mask;
  }

  release(): void {
    this.material.fill(0);
    this.#released = true;
  }
}

const SIGMA_WORDS = ((): Uint32Array => {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  SIGMA.forEach((w, i) => view.setUint32(4 * i, w, true));
  return new Uint32Array(bytes.buffer);
})();

function checkUsable(algorithm: MaskAlgorithm, released: boolean, sample: Uint8Array): void {
  if (released) throw new CryptoError(`${algorithm} mask: key used after release()`);
  if (sample.length < SAMPLE_LENGTH) throw new CryptoError(`${algorithm} mask: sample must be at least ${SAMPLE_LENGTH} bytes, got ${sample.length}`);
}
