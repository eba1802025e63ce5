/** Signatures over node:crypto for the RFC 8446 §4.2.3 schemes, and DTLS 1.2's ECDSA with any hash on any curve. */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
  type SignKeyObjectInput,
} from 'node:crypto';
import {
  EC_SCALAR_LENGTH,
  ecdsaDerToRaw,
  isEcKeyType,
  parsePrivateKeyInfo,
  parseSubjectPublicKeyInfo,
  signatureKeyType,
  type SignatureKeyType,
} from '../der.js';
import {
  CryptoError,
  type EcdsaHash,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type SignatureAlgorithm,
} from '../provider.js';
import {
  SIGNATURE_ALGORITHMS,
  SIGNATURE_SCHEMES as SCHEMES,
  type SignatureScheme as Scheme,
} from '../signature-schemes.js';

/** node:crypto makes every scheme. */
export const NODE_SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = SIGNATURE_ALGORITHMS;

const HASH_LENGTH = { sha256: 32, sha384: 48, sha512: 64 } as const;

/** node's asymmetricKeyType for each key type, to cross-check what OpenSSL parsed. */
const NODE_KEY_TYPE: Readonly<Record<SignatureKeyType, string>> = {
  'ec-p256': 'ec',
  'ec-p384': 'ec',
  'ec-p521': 'ec',
  ed25519: 'ed25519',
  ed448: 'ed448',
  rsa: 'rsa',
  'rsa-pss': 'rsa-pss',
};

class NodePublicKey implements PublicKeyHandle {
  readonly keyType: SignatureKeyType;
  readonly key: KeyObject;
  readonly pssHash: string | undefined;

  constructor(keyType: SignatureKeyType, key: KeyObject) {
    this.keyType = keyType;
    this.key = key;
    this.pssHash = pssHashOf(keyType, key);
  }
}

/** The hash an RSASSA-PSS key's parameters restrict it to, as OpenSSL reports it. */
function pssHashOf(keyType: SignatureKeyType, key: KeyObject): string | undefined {
  return keyType === 'rsa-pss' ? key.asymmetricKeyDetails?.hashAlgorithm : undefined;
}

/** A private key as a node KeyObject; OpenSSL owns the key bytes, so release() can only drop the reference. */
class NodePrivateKey implements PrivateKeyHandle {
  readonly keyType: SignatureKeyType;
  readonly pssHash: string | undefined;
  private current: KeyObject | undefined;

  constructor(keyType: SignatureKeyType, key: KeyObject) {
    this.keyType = keyType;
    this.current = key;
    this.pssHash = pssHashOf(keyType, key);
  }

  get key(): KeyObject {
    if (!this.current) throw new CryptoError('private key has been released');
    return this.current;
  }

  release(): void {
    this.current = undefined;
  }
}

/** The KeyObject of a node provider's private key (throws once it is released), or undefined for another provider's. */
export function nodePrivateKeyObject(key: PrivateKeyHandle): KeyObject | undefined {
  return key instanceof NodePrivateKey ? key.key : undefined;
}

function checkParsed(keyType: SignatureKeyType, key: KeyObject): void {
  if (key.asymmetricKeyType !== NODE_KEY_TYPE[keyType])
    throw new CryptoError(`key parsed as ${key.asymmetricKeyType ?? 'unknown'}, expected ${keyType}`);
}

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.length);

const base64url = (b: Uint8Array): string => asBuffer(b).toString('base64url');

/** JWK names (RFC 7518 §6.2.1.1, RFC 8037 §2) of the curves whose keys import faster as JWK than as DER. */
const JWK_CURVE: Partial<Readonly<Record<SignatureKeyType, string>>> = {
  'ec-p256': 'P-256',
  'ec-p384': 'P-384',
  'ec-p521': 'P-521',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
};

/** The SPKI's key as a JWK when equivalent (an uncompressed EC point, a raw EdDSA key): OpenSSL 3's DER path is 2x slower. */
function publicJwk(keyType: SignatureKeyType, raw: Uint8Array): JsonWebKey | undefined {
  const crv = JWK_CURVE[keyType];
  if (crv === undefined) return undefined;
  if (!isEcKeyType(keyType)) return { kty: 'OKP', crv, x: base64url(raw) };
  const size = EC_SCALAR_LENGTH[keyType];
  if (raw.length !== 1 + 2 * size || raw[0] !== 0x04) return undefined; // compressed or malformed: let the DER decoder judge
  return { kty: 'EC', crv, x: base64url(raw.subarray(1, 1 + size)), y: base64url(raw.subarray(1 + size)) };
}

export function nodeImportPublicKey(spki: Uint8Array): PublicKeyHandle {
  const info = parseSubjectPublicKeyInfo(spki);
  const keyType = signatureKeyType(info.keyType);
  let key: KeyObject;
  try {
    const jwk = publicJwk(keyType, info.publicKey);
    key = jwk
      ? createPublicKey({ key: jwk, format: 'jwk' })
      : createPublicKey({ key: asBuffer(spki), format: 'der', type: 'spki' });
  } catch {
    throw new CryptoError(`invalid ${keyType} public key`);
  }
  checkParsed(keyType, key);
  return new NodePublicKey(keyType, key);
}

export function nodeImportPrivateKey(pkcs8: Uint8Array): PrivateKeyHandle {
  const keyType = signatureKeyType(parsePrivateKeyInfo(pkcs8).keyType);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: asBuffer(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new CryptoError(`invalid ${keyType} private key`);
  }
  checkParsed(keyType, key);
  return new NodePrivateKey(keyType, key);
}

function options(scheme: Scheme, key: KeyObject): SignKeyObjectInput {
  if (scheme.padding === 'pss' && scheme.hash) {
    return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[scheme.hash] };
  }
  if (scheme.padding === 'pkcs1') return { key, padding: constants.RSA_PKCS1_PADDING };
  if (isEcKeyType(scheme.keyType)) return { key, dsaEncoding: 'der' };
  return { key };
}

export function nodeSign(algorithm: SignatureAlgorithm, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!(key instanceof NodePrivateKey)) throw new CryptoError('not a node private key');
  const scheme = SCHEMES[algorithm];
  if (key.keyType !== scheme.keyType)
    throw new CryptoError(`${algorithm} needs a ${scheme.keyType} key, not ${key.keyType}`);
  return signWith(algorithm, scheme, key, data);
}

export function nodeVerify(
  algorithm: SignatureAlgorithm,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(key instanceof NodePublicKey)) throw new CryptoError('not a node public key');
  const scheme = SCHEMES[algorithm];
  return key.keyType === scheme.keyType && verifyWith(scheme, key, data, signature);
}

/** ECDSA with a hash chosen apart from the curve, as DTLS 1.2 allows (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10); DER. */
export function nodeEcdsaSign(hash: EcdsaHash, key: PrivateKeyHandle, data: Uint8Array): Uint8Array {
  if (!(key instanceof NodePrivateKey)) throw new CryptoError('not a node private key');
  if (!isEcKeyType(key.keyType)) throw new CryptoError(`ECDSA with ${hash} needs an EC key, not ${key.keyType}`);
  return signWith(`ECDSA with ${hash}`, { keyType: key.keyType, hash }, key, data);
}

export function nodeEcdsaVerify(
  hash: EcdsaHash,
  key: PublicKeyHandle,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(key instanceof NodePublicKey)) throw new CryptoError('not a node public key');
  return isEcKeyType(key.keyType) && verifyWith({ keyType: key.keyType, hash }, key, data, signature);
}

/** `scheme`'s signature of `data` (`what` names it when OpenSSL fails). */
function signWith(what: string, scheme: Scheme, key: NodePrivateKey, data: Uint8Array): Uint8Array {
  try {
    const s = sign(scheme.hash, data, options(scheme, key.key));
    return new Uint8Array(s.buffer, s.byteOffset, s.length);
  } catch (e) {
    throw e instanceof CryptoError ? e : new CryptoError(`${what} signing failed`);
  }
}

function verifyWith(scheme: Scheme, key: NodePublicKey, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    // The same strict DER parser as the noble provider decides which ECDSA encodings are acceptable.
    if (isEcKeyType(scheme.keyType)) ecdsaDerToRaw(signature, EC_SCALAR_LENGTH[scheme.keyType]);
    return verify(scheme.hash, data, options(scheme, key.key), signature);
  } catch {
    return false;
  }
}
