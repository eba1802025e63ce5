/** Signatures over @noble/curves (ECDSA, EdDSA, DTLS 1.2's ECDSA); rsa_* throws {@link UnsupportedAlgorithmError}. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import {
  EC_SCALAR_LENGTH,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  isEcKeyType,
  parsePrivateKeyInfo,
  parseSubjectPublicKeyInfo,
  signatureKeyType,
  type EcKeyType,
  type SignatureKeyType,
} from '../der.js';
import {
  CryptoError,
  UnsupportedAlgorithmError,
  type EcdsaHash,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type SignatureAlgorithm,
} from '../provider.js';
import { copyOf } from '../../wire/bytes.js';
import { SIGNATURE_ALGORITHMS, SIGNATURE_SCHEMES } from '../signature-schemes.js';

type NobleAlgorithm =
  'ecdsa_secp256r1_sha256' | 'ecdsa_secp384r1_sha384' | 'ecdsa_secp521r1_sha512' | 'ed25519' | 'ed448';
type NobleKeyType = Exclude<SignatureKeyType, 'rsa' | 'rsa-pss'>;

/** The schemes without RSA; noble's p256/p384/p521 prehash with SHA-256/384/512, as the ECDSA schemes name. */
const isNobleAlgorithm = (a: SignatureAlgorithm): a is NobleAlgorithm =>
  Object.hasOwn(SIGNATURE_SCHEMES, a) && SIGNATURE_SCHEMES[a].padding === undefined;

export const NOBLE_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = SIGNATURE_ALGORITHMS.filter(isNobleAlgorithm);

const keyTypeOf = (algorithm: NobleAlgorithm): NobleKeyType => SIGNATURE_SCHEMES[algorithm].keyType as NobleKeyType;

const ECDSA: Readonly<Record<EcKeyType, typeof p256>> = { 'ec-p256': p256, 'ec-p384': p384, 'ec-p521': p521 };
const EDDSA = { ed25519, ed448 } as const;
const HASH: Readonly<Record<EcdsaHash, (data: Uint8Array) => Uint8Array>> = { sha256, sha384, sha512 };

/** A public key: the SEC1 point (EC) or raw RFC 8410 key (EdDSA); for RSA, only its type. */
class NoblePublicKey implements PublicKeyHandle {
  readonly keyType: SignatureKeyType;
  readonly key: Uint8Array;

  constructor(keyType: SignatureKeyType, key: Uint8Array) {
    this.keyType = keyType;
    this.key = key;
  }
}

/** A private key: the scalar (EC) or seed (EdDSA) bytes, which release() zeroes; for RSA, only its type. */
class NoblePrivateKey implements PrivateKeyHandle {
  readonly keyType: SignatureKeyType;
  private readonly bytes: Uint8Array;
  private released = false;

  constructor(keyType: SignatureKeyType, bytes: Uint8Array) {
    this.keyType = keyType;
    this.bytes = bytes;
  }

  get key(): Uint8Array {
    if (this.released) throw new CryptoError('private key has been released');
    return this.bytes;
  }

  release(): void {
    this.bytes.fill(0);
    this.released = true;
  }
}

/** Imports a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), checking that an EC or EdDSA key is a valid point. */
export function nobleImportPublicKey(spki: Uint8Array): PublicKeyHandle {
  const info = parseSubjectPublicKeyInfo(spki);
  const keyType = signatureKeyType(info.keyType);
  const key = copyOf(info.publicKey);
  try {
    if (isEcKeyType(keyType)) ECDSA[keyType].Point.fromBytes(key).assertValidity();
    else if (keyType === 'ed25519' || keyType === 'ed448') EDDSA[keyType].Point.fromBytes(key);
  } catch {
    throw new CryptoError(`invalid ${keyType} public key`);
  }
  return new NoblePublicKey(keyType, key);
}

/** Imports a DER PKCS#8 PrivateKeyInfo (RFC 5208 §5), checking that an EC scalar is in range. */
export function nobleImportPrivateKey(pkcs8: Uint8Array): PrivateKeyHandle {
  const info = parsePrivateKeyInfo(pkcs8);
  const keyType = signatureKeyType(info.keyType);
  if (keyType === 'rsa' || keyType === 'rsa-pss') return new NoblePrivateKey(keyType, new Uint8Array(0));
  const key = copyOf(info.privateKey);
  if (isEcKeyType(keyType) && !ECDSA[keyType].utils.isValidSecretKey(key)) {
    key.fill(0);
    throw new CryptoError(`invalid ${keyType} private key`);
  }
  return new NoblePrivateKey(keyType, key);
}

function unsupported(algorithm: SignatureAlgorithm): never {
  throw new UnsupportedAlgorithmError('noble', { kind: 'signature', algorithm });
}

export function nobleSign(algorithm: SignatureAlgorithm, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!isNobleAlgorithm(algorithm)) unsupported(algorithm);
  if (!(key instanceof NoblePrivateKey)) throw new CryptoError('not a noble private key');
  const keyType = keyTypeOf(algorithm);
  if (key.keyType !== keyType) throw new CryptoError(`${algorithm} needs a ${keyType} key, not ${key.keyType}`);
  if (isEcKeyType(keyType)) {
    // Deterministic k (RFC 6979), low-S: every verifier accepts that.
    return ecdsaRawToDer(ECDSA[keyType].sign(data, key.key, { prehash: true, lowS: true, format: 'compact' }));
  }
  return EDDSA[keyType].sign(data, key.key);
}

export function nobleVerify(
  algorithm: SignatureAlgorithm,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!isNobleAlgorithm(algorithm)) unsupported(algorithm);
  if (!(key instanceof NoblePublicKey)) throw new CryptoError('not a noble public key');
  const keyType = keyTypeOf(algorithm);
  if (key.keyType !== keyType) return false;
  try {
    if (isEcKeyType(keyType)) {
      const raw = ecdsaDerToRaw(signature, EC_SCALAR_LENGTH[keyType]);
      // lowS: false, since OpenSSL and others produce high-S signatures half the time.
      return ECDSA[keyType].verify(raw, data, key.key, { prehash: true, lowS: false, format: 'compact' });
    }
    // zip215: false is RFC 8032 §5.1.7 verification, as OpenSSL does it.
    return EDDSA[keyType].verify(signature, data, key.key, { zip215: false });
  } catch {
    return false;
  }
}

/** DTLS 1.2's ECDSA with any hash: the digest made here, truncated by noble (FIPS 186-5 §6.4.1), k per RFC 6979. */
export function nobleEcdsaSign(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!(key instanceof NoblePrivateKey)) throw new CryptoError('not a noble private key');
  const keyType = key.keyType;
  if (!isEcKeyType(keyType)) throw new CryptoError(`ECDSA with ${hash} needs an EC key, not ${keyType}`);
  return ecdsaRawToDer(
    ECDSA[keyType].sign(HASH[hash](data), key.key, { prehash: false, lowS: true, format: 'compact' }),
  );
}

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
    return ECDSA[keyType].verify(raw, HASH[hash](data), key.key, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}
