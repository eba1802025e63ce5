import { CryptoError, type MaskAlgorithm, type MaskKey } from '../provider.js';
import type { NativeBinding, NativeHandle } from './binding.js';
import { holdHandle, releaseHeld } from './handle-owners.js';
import { MASK_ID, maskKeyLength } from './ids.js';

/** The record number mask (RFC 9147 §4.2.3) in the addon, AES-ECB or ChaCha20 keyed once. */
class NativeMaskKey implements MaskKey {
  readonly algorithm: MaskAlgorithm;
  private readonly binding: NativeBinding;
  private handle: NativeHandle | undefined;

  constructor(binding: NativeBinding, algorithm: MaskAlgorithm, snKey: Uint8Array) {
    const need = maskKeyLength(algorithm);
    if (snKey.length !== need)
      throw new CryptoError(`${algorithm} mask needs a ${need}-byte sn_key, got ${snKey.length}`);
    this.binding = binding;
    this.algorithm = algorithm;
    this.handle = holdHandle(binding, this, binding.maskCreate(MASK_ID[algorithm], snKey));
  }

  mask(sample: Uint8Array): Uint8Array {
    if (this.handle === undefined) throw new CryptoError('mask key was released');
    if (sample.length < 16) throw new CryptoError(`the mask needs 16 bytes of ciphertext, got ${sample.length}`);
    const out = new Uint8Array(16);
    this.binding.maskCompute(this.handle, sample, 0, out);
    return out;
  }

  release(): void {
    if (this.handle !== undefined) releaseHeld(this.binding, this, this.handle);
    this.handle = undefined;
  }

  park(): void {
    if (this.handle !== undefined) this.binding.park?.(this.handle);
  }
}

export function nativeMask(binding: NativeBinding, algorithm: MaskAlgorithm, snKey: Uint8Array): MaskKey {
  return new NativeMaskKey(binding, algorithm, snKey);
}
