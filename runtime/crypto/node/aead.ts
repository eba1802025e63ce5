import {
  createCipheriv,
  createDecipheriv,
  type CipherCCM,
  type CipherChaCha20Poly1305,
  type CipherGCM,
  type DecipherCCM,
  type DecipherChaCha20Poly1305,
  type DecipherGCM,
} from 'node:crypto';
import { CryptoError, type AeadAlgorithm, type AeadKey } from '../provider.js';
import { aeadKeyLength } from '../suites.js';
import { concatBytes, copyOf } from '../../wire/bytes.js';

type NodeAeadCipher = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';

const CIPHER: Record<AeadAlgorithm, { readonly name: NodeAeadCipher; readonly tag: number }> = {
  'aes-128-gcm': { name: 'aes-128-gcm', tag: 16 },
  'aes-256-gcm': { name: 'aes-256-gcm', tag: 16 },
  'chacha20-poly1305': { name: 'chacha20-poly1305', tag: 16 },
  'aes-128-ccm': { name: 'aes-128-ccm', tag: 16 },
  'aes-128-ccm-8': { name: 'aes-128-ccm', tag: 8 },
};

/** An AEAD key on node:crypto (OpenSSL). A cipher object per record: OpenSSL ciphers take their nonce at creation. */
class NodeAeadKey implements AeadKey {
  readonly algorithm: AeadAlgorithm;
  readonly tagLength: number;
  private readonly cipher: NodeAeadCipher;
  private key: Uint8Array | undefined;

  constructor(algorithm: AeadAlgorithm, key: Uint8Array) {
    if (key.length !== aeadKeyLength(algorithm))
      throw new CryptoError(`${algorithm} needs a ${aeadKeyLength(algorithm)}-byte key, got ${key.length}`);
    const c = CIPHER[algorithm];
    this.algorithm = algorithm;
    this.tagLength = c.tag;
    this.cipher = c.name;
    this.key = copyOf(key);
  }

  private liveKey(): Uint8Array {
    if (!this.key) throw new CryptoError(`${this.algorithm} key was released`);
    return this.key;
  }

  // node's overloads differ only in the cipher type they return, chosen by the literal name: one call for all three.
  private encipher(nonce: Uint8Array): CipherGCM | CipherCCM | CipherChaCha20Poly1305 {
    const name = this.cipher as 'aes-128-ccm';
    return createCipheriv(name, this.liveKey(), nonce, { authTagLength: this.tagLength });
  }

  private decipher(nonce: Uint8Array): DecipherGCM | DecipherCCM | DecipherChaCha20Poly1305 {
    const name = this.cipher as 'aes-128-ccm';
    return createDecipheriv(name, this.liveKey(), nonce, { authTagLength: this.tagLength });
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(plaintext.length + this.tagLength);
    this.sealInto(nonce, aad, [plaintext], out, 0);
    return out;
  }

  sealInto(nonce: Uint8Array, aad: Uint8Array, parts: readonly Uint8Array[], out: Uint8Array, offset: number): number {
    const c = this.encipher(nonce);
    let total = 0;
    for (const p of parts) total += p.length;
    c.setAAD(aad, { plaintextLength: total });
    let at = offset;
    // CCM takes its plaintext in exactly one update() call; GCM and ChaCha20-Poly1305 stream.
    for (const p of this.cipher === 'aes-128-ccm' && parts.length > 1 ? [concatBytes(parts)] : parts) {
      const b = c.update(p);
      out.set(b, at);
      at += b.length;
    }
    c.final();
    out.set(c.getAuthTag(), at);
    return at + this.tagLength - offset;
  }

  open(nonce: Uint8Array, aad: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | undefined {
    const n = ciphertextAndTag.length - this.tagLength;
    if (n < 0 || nonce.length !== 12) return undefined;
    try {
      const d = this.decipher(nonce);
      d.setAuthTag(ciphertextAndTag.subarray(n));
      d.setAAD(aad, { plaintextLength: n });
      const body = d.update(ciphertextAndTag.subarray(0, n));
      d.final();
      return new Uint8Array(body.buffer, body.byteOffset, body.length);
    } catch (e) {
      if (e instanceof CryptoError) throw e;
      return undefined;
    }
  }

  release(): void {
    this.key?.fill(0);
    this.key = undefined;
  }
}

/** AEAD (RFC 5116) for the five TLS 1.3 suites on node:crypto. */
export function nodeAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
  return new NodeAeadKey(algorithm, key);
}
