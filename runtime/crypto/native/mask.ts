import { CryptoError, type MaskAlgorithm, type MaskKey } from '../provider.js';
import type { NativeBinding } from './binding.js';
import { HeldKey } from './handle-owners.js';
import { MASK_ID, maskKeyLength } from './ids.js';

/** The record number mask (RFC 9147 §4.2.3) in the addon, AES-ECB or ChaCha20 keyed once. */
class NativeMaskKey extends HeldKey implements MaskKey {
  readonly algorithm: MaskAlgorithm;

  constructor(binding: NativeBinding, algorithm: MaskAlgorithm, snKey: Uint8Array) {
    const need = maskKeyLength(algorithm);
    if (snKey.length !== need)
      throw new CryptoError(`${algorithm} mask needs a ${need}-byte sn_key, got ${snKey.length}`);
    super(binding, binding.maskCreate(MASK_ID[algorithm], snKey));
    this.algorithm = algorithm;
  }

  mask(sample: Uint8Array): Uint8Array {
    if (this.handle === undefined) throw new CryptoError('mask key was released');
    if (sample.length < 16) throw new CryptoError(`the mask needs 16 bytes of ciphertext, got ${sample.length}`);
    const out = new Uint8Array(16);
    this.binding.maskCompute(this.handle, sample, 0, out);
    return out;
  }
}

export function nativeMask(binding: NativeBinding, algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey {
  return new NativeMaskKey(binding, algorithm, snKey);
}
