/**
 * ECDSA with a hash chosen apart from the curve, over node:crypto: what a DTLS 1.2 SignatureAndHashAlgorithm of "ecdsa"
 * with sha256, sha384 or sha512 asks of a P-256, P-384 or P-521 key (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10). OpenSSL cuts
 * a digest longer than the curve's order to its leftmost bits (FIPS 186-5 §6.4.1). DER signatures (RFC 3279 §2.2.3).
 */
import { sign, verify } from 'node:crypto';
import { EC_SCALAR_LENGTH, ecdsaDerToRaw, isEcKeyType } from '../der.js';
import { CryptoError, type EcdsaHash, type PrivateKeyHandle, type PublicKeyHandle } from '../provider.js';
import { NodePrivateKey, NodePublicKey } from './signature.js';

/** Signs `data` with ECDSA and `hash` (applied here) whatever the key's curve; the signature is DER. */
export function nodeEcdsaSign(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!(key instanceof NodePrivateKey)) throw new CryptoError('not a node private key');
  if (!isEcKeyType(key.keyType)) throw new CryptoError(`ECDSA with ${hash} needs an EC key, not ${key.keyType}`);
  try {
    const s = sign(hash, data, { key: key.key, dsaEncoding: 'der' });
    return new Uint8Array(s.buffer, s.byteOffset, s.length);
  } catch (e) {
    throw e instanceof CryptoError ? e : new CryptoError(`ECDSA with ${hash} signing failed`);
  }
}

/** True when `signature` is a valid ECDSA signature with `hash` of `data`; false for anything malformed or a key that is not EC. */
export function nodeEcdsaVerify(
  hash: EcdsaHash,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(key instanceof NodePublicKey)) throw new CryptoError('not a node public key');
  if (!isEcKeyType(key.keyType)) return false;
  try {
    // The strict DER parser the other ECDSA checks use decides which encodings are acceptable.
    ecdsaDerToRaw(signature, EC_SCALAR_LENGTH[key.keyType]);
    return verify(hash, data, { key: key.key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
