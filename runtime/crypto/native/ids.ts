import type { AeadAlgorithm, HashAlgorithm, MaskAlgorithm } from '../provider.js';

/** The addon's algorithm numbers (native/src/cipher.h: enum aead_id, enum mask_id). */
export const AEAD_ID: Readonly<Record<AeadAlgorithm, number>> = {
  'aes-128-gcm': 0,
  'aes-256-gcm': 1,
  'chacha20-poly1305': 2,
  'aes-128-ccm': 3,
  'aes-128-ccm-8': 4,
};

export const MASK_ID: Readonly<Record<MaskAlgorithm, number>> = { 'aes-128': 0, 'aes-256': 1, chacha20: 2 };

export function maskKeyLength(a: MaskAlgorithm): number {
  return a === 'aes-128' ? 16 : 32;
}

/** The addon's hash numbers (native/src/kdf.h: enum hash_id). */
export const HASH_ID: Readonly<Record<HashAlgorithm, number>> = { sha256: 0, sha384: 1 };
