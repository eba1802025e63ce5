import { CryptoError, type AeadAlgorithm, type AeadKey } from '../provider.js';
import { aeadKeyLength } from '../suites.js';
import type { NativeBinding, NativeHandle } from './binding.js';
import { HeldKey } from './handle-owners.js';
import { AEAD_ID } from './ids.js';

const NONCE_LENGTH = 12;

/** An AEAD key in the addon: one OpenSSL context per direction keyed once; a record sets only its nonce. */
class NativeAeadKey extends HeldKey implements AeadKey {
  readonly algorithm: AeadAlgorithm;
  readonly tagLength: number;

  constructor(binding: NativeBinding, algorithm: AeadAlgorithm, key: Uint8Array) {
    if (key.length !== aeadKeyLength(algorithm))
      throw new CryptoError(`${algorithm} needs a ${aeadKeyLength(algorithm)}-byte key, got ${key.length}`);
    super(binding, binding.aeadCreate(AEAD_ID[algorithm], key));
    this.algorithm = algorithm;
    this.tagLength = algorithm === 'aes-128-ccm-8' ? 8 : 16;
  }

  private live(nonce: Uint8Array): NativeHandle {
    if (this.handle === undefined) throw new CryptoError(`${this.algorithm} key was released`);
    if (nonce.length !== NONCE_LENGTH)
      throw new CryptoError(`${this.algorithm}: nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
    return this.handle;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + this.tagLength);
    out.set(plaintext);
    this.binding.aeadSeal(this.live(nonce), nonce, aad, out, 0, plaintext.length);
    return out;
  }

  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
    const h = this.live(nonce);
    let at = offset;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    this.binding.aeadSeal(h, nonce, aad, out, offset, at - offset);
    return at - offset + this.tagLength;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | undefined {
    if (this.handle === undefined) throw new CryptoError(`${this.algorithm} key was released`);
    const n = ciphertextAndTag.length - this.tagLength;
    if (n < 0 || nonce.length !== NONCE_LENGTH) return undefined;
    const out = new Uint8Array(n);
    return this.binding.aeadOpen(this.handle, nonce, aad, ciphertextAndTag, 0, ciphertextAndTag.length, out, 0)
      ? out
      : undefined;
  }
}

export function nativeAead(binding: NativeBinding, algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
  return new NativeAeadKey(binding, algorithm, key);
}
