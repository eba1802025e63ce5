/** The five TLS 1.3 AEADs (RFC 8446 §5.2) on @noble/ciphers: GCM and ChaCha20-Poly1305 from noble, CCM from ./ccm.ts. */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { type AeadAlgorithm, type AeadKey, CryptoError } from '../provider.js';
import { aeadKeyLength } from '../suites.js';
import { concatBytes } from '../../wire/bytes.js';
import { type AesKeySchedule, type CcmTagLength, ccmOpen, ccmSeal, expandAesKey } from './ccm.js';

/** The per-record nonce length of every TLS 1.3 suite (RFC 8446 §5.3). */
const NONCE_LENGTH = 12;

/** The shape of noble's AEAD constructors: a one-shot cipher per (key, nonce, aad). */
type NobleAeadCons = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
) => {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
};

/** Seal and open for one algorithm, with the key material they close over. */
interface Engine {
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Called only with input at least a tag long. */
  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | undefined;
  /** The buffers holding key material, zeroed by release(). */
  readonly material: readonly (Uint8Array | Uint32Array)[];
}

/** An AEAD key (RFC 5116 §2), the key copied; release() zeroes it. Throws {@link CryptoError} for a wrong length. */
export function nobleAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
  const expected = aeadKeyLength(algorithm);
  if (key.length !== expected) throw new CryptoError(`${algorithm}: key must be ${expected} bytes, got ${key.length}`);
  switch (algorithm) {
    case 'aes-128-gcm':
    case 'aes-256-gcm':
      return new NobleAeadKey(algorithm, 16, nobleEngine(gcm, key));
    case 'chacha20-poly1305':
      return new NobleAeadKey(algorithm, 16, nobleEngine(chacha20poly1305, key));
    case 'aes-128-ccm':
      return new NobleAeadKey(algorithm, 16, ccmEngine(expandAesKey(key), 16));
    case 'aes-128-ccm-8':
      return new NobleAeadKey(algorithm, 8, ccmEngine(expandAesKey(key), 8));
  }
}

/** @internal The buffers a {@link nobleAead} key holds its material in (tests see release() zero them), or undefined. */
export function aeadKeyMaterial(key: AeadKey): readonly (Uint8Array | Uint32Array)[] | undefined {
  return NobleAeadKey.materialOf(key);
}

class NobleAeadKey implements AeadKey {
  readonly algorithm: AeadAlgorithm;
  readonly tagLength: number;
  readonly #material: readonly (Uint8Array | Uint32Array)[];
  #engine: Engine | undefined;

  constructor(algorithm: AeadAlgorithm, tagLength: number, engine: Engine) {
    this.algorithm = algorithm;
    this.tagLength = tagLength;
    this.#engine = engine;
    this.#material = engine.material;
  }

  static materialOf(key: AeadKey): readonly (Uint8Array | Uint32Array)[] | undefined {
    return key instanceof NobleAeadKey ? key.#material : undefined;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return this.#use(nonce).seal(nonce, aad, plaintext);
  }

  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
    const plaintext = parts.length === 1 ? parts[0]! : concatBytes(parts);
    const sealed = this.seal(nonce, aad, plaintext);
    out.set(sealed, offset);
    return sealed.length;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | undefined {
    const engine = this.#use(nonce);
    if (ciphertextAndTag.length < this.tagLength) return undefined;
    return engine.open(nonce, aad, ciphertextAndTag);
  }

  release(): void {
    for (const buffer of this.#material) buffer.fill(0);
    this.#engine = undefined;
  }

  #use(nonce: Uint8Array): Engine {
    const engine = this.#engine;
    if (engine === undefined) throw new CryptoError(`${this.algorithm}: key used after release()`);
    if (nonce.length !== NONCE_LENGTH)
      throw new CryptoError(`${this.algorithm}: nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
    return engine;
  }
}

/** A noble AEAD: its API takes the raw key per call, so the per-key state is derived per record. */
function nobleEngine(cons: NobleAeadCons, key: Uint8Array): Engine {
  const own = new Uint8Array(key); // a copy (Buffer#slice would alias)
  return {
    material: [own],
    seal: (nonce, aad, plaintext) => cons(own, nonce, aad).encrypt(plaintext),
    open: (nonce, aad, ciphertextAndTag) => {
      try {
        return cons(own, nonce, aad).decrypt(ciphertextAndTag);
      } catch {
        return undefined; // noble throws for a tag mismatch
      }
    },
  };
}

function ccmEngine(xk: AesKeySchedule, tagLength: CcmTagLength): Engine {
  return {
    material: [xk],
    seal: (nonce, aad, plaintext) => ccmSeal(xk, nonce, aad, plaintext, tagLength),
    open: (nonce, aad, ciphertextAndTag) => ccmOpen(xk, nonce, aad, ciphertextAndTag, tagLength),
  };
}
