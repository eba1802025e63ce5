/**
 * ECDSA with a hash chosen apart from the curve, over @noble/curves: what a DTLS 1.2 SignatureAndHashAlgorithm of
 * "ecdsa" with sha256, sha384 or sha512 asks of a P-256, P-384 or P-521 key (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10). The
 * digest is made here and handed to noble unhashed (`prehash: false`); noble cuts one longer than the curve's order to
 * its leftmost bits (FIPS 186-5 §6.4.1) and derives k deterministically (RFC 6979, HMAC-DRBG on the curve's own hash).
 * DER signatures (RFC 3279 §2.2.3).
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { EC_SCALAR_LENGTH, ecdsaDerToRaw, ecdsaRawToDer, isEcKeyType, type EcKeyType } from '../der.js';
import { CryptoError, type EcdsaHash, type PrivateKeyHandle, type PublicKeyHandle } from '../provider.js';
import { NoblePrivateKey, NoblePublicKey } from './signature.js';

const CURVE: Readonly<Record<EcKeyType, typeof p256>> = { 'ec-p256': p256, 'ec-p384': p384, 'ec-p521': p521 };
const HASH: Readonly<Record<EcdsaHash, (data: Uint8Array) => Uint8Array>> = { sha256, sha384, sha512 };

/** Signs `data` with ECDSA and `hash` (applied here) whatever the key's curve; low-S, DER. */
export function nobleEcdsaSign(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!(key instanceof NoblePrivateKey)) throw new CryptoError('not a noble private key');
  const keyType = key.keyType;
  if (!isEcKeyType(keyType)) throw new CryptoError(`ECDSA with ${hash} needs an EC key, not ${keyType}`);
  return ecdsaRawToDer(
    CURVE[keyType].sign(HASH[hash](data), key.key, { prehash: false, lowS: true, format: 'compact' }),
  );
}

/** True when `signature` is a valid ECDSA signature with `hash` of `data`; false for anything malformed or a key that is not EC. */
export function nobleEcdsaVerify(
  hash: EcdsaHash,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(key instanceof NoblePublicKey)) throw new CryptoError('not a noble public key');
  const keyType = key.keyType;
  if (!isEcKeyType(keyType)) return false;
  try {
    const raw = ecdsaDerToRaw(signature, EC_SCALAR_LENGTH[keyType]);
    // lowS: false, since OpenSSL and others produce high-S signatures half the time.
    return CURVE[keyType].verify(raw, HASH[hash](data), key.key, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}
