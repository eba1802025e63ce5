/** Key and signature formats the crypto providers read strictly and write; malformed input throws CryptoError. */
import { concatBytes } from '../wire/bytes.js';
import { decodeOid, decodeSmallInteger, decodeUnsignedMagnitude, DerReader } from '../wire/der-reader.js';
import { DER_TAG, derInteger, derSequence, derTlv } from '../wire/der-writer.js';
import { DecodeError } from '../wire/errors.js';
import { CryptoError } from './provider.js';

/** Key types dtls13 signs and verifies with. */
export type SignatureKeyType = 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519' | 'ed448' | 'rsa' | 'rsa-pss';
/** Key types used only for key agreement (RFC 8410 §3). */
export type AgreementKeyType = 'x25519' | 'x448';
export type KeyType = SignatureKeyType | AgreementKeyType;

/** `t` as a key that signs; a CryptoError for an X25519/X448 key, which only agrees. */
export function signatureKeyType(t: KeyType): SignatureKeyType {
  if (t === 'x25519' || t === 'x448') throw new CryptoError(`${t} keys cannot sign`);
  return t;
}

export interface SubjectPublicKeyInfo {
  readonly keyType: KeyType;
  /** The subjectPublicKey BIT STRING contents (a SEC1 point for EC, the raw key for RFC 8410 keys, RSAPublicKey DER for RSA). */
  readonly publicKey: Uint8Array;
}

export interface PrivateKeyInfo {
  /** 0 (PKCS#8 v1) or 1 (OneAsymmetricKey v2). */
  readonly version: number;
  readonly keyType: KeyType;
  /** The ECPrivateKey octets (the curve order's length) for EC, the inner OCTET STRING for RFC 8410, RSAPrivateKey DER. */
  readonly privateKey: Uint8Array;
}

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

const CURVES: Readonly<Record<string, KeyType>> = {
  [OID.prime256v1]: 'ec-p256',
  [OID.secp384r1]: 'ec-p384',
  [OID.secp521r1]: 'ec-p521',
};

const RFC8410: Readonly<Record<string, KeyType>> = {
  [OID.x25519]: 'x25519',
  [OID.x448]: 'x448',
  [OID.ed25519]: 'ed25519',
  [OID.ed448]: 'ed448',
};

/** Field element (and private scalar) length in bytes of each EC key type (SEC 1 §2.3.5). */
export const EC_SCALAR_LENGTH = { 'ec-p256': 32, 'ec-p384': 48, 'ec-p521': 66 } as const;
export type EcKeyType = keyof typeof EC_SCALAR_LENGTH;

export const RAW_KEY_LENGTH = { x25519: 32, x448: 56, ed25519: 32, ed448: 57 } as const;
export type RawKeyType = keyof typeof RAW_KEY_LENGTH;

export function isEcKeyType(t: string): t is EcKeyType {
  return t === 'ec-p256' || t === 'ec-p384' || t === 'ec-p521';
}

export function isRawKeyType(t: string): t is RawKeyType {
  return t === 'x25519' || t === 'x448' || t === 'ed25519' || t === 'ed448';
}

function fail(reason: string): never {
  throw new CryptoError(`malformed DER: ${reason}`);
}

/** Runs `read`, reporting the DER reader's {@link DecodeError} as the providers' {@link CryptoError}. */
function converted<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DecodeError) fail(`${e.path}: ${e.reason}`);
    throw e;
  }
}

const readOid = (r: DerReader, what: string): string => decodeOid(r, r.read(DER_TAG.objectIdentifier, what), what);
const readSmallInteger = (r: DerReader, what: string): number =>
  decodeSmallInteger(r, r.read(DER_TAG.integer, what), what);

function only(bytes: Uint8Array, tag: number, what: string): Uint8Array {
  const r = new DerReader(bytes, what);
  const v = r.read(tag, '').contents;
  r.end('');
  return v;
}

/** AlgorithmIdentifier (RFC 5280 §4.1.1.2) → key type, checking the parameters each algorithm allows. */
function decodeAlgorithm(bytes: Uint8Array): KeyType {
  const r = new DerReader(bytes, 'AlgorithmIdentifier');
  const oid = readOid(r, 'algorithm');
  let keyType: KeyType | undefined;
  if (oid === OID.ecPublicKey) {
    // RFC 5480 §2.1.1: namedCurve is the only form allowed.
    const curve = readOid(r, 'EC curve');
    keyType = CURVES[curve];
    if (keyType === undefined) fail(`unsupported EC curve ${curve}`);
  } else if (oid === OID.rsaEncryption) {
    // RFC 3279 §2.3.1: parameters NULL (tolerated absent).
    if (!r.done && r.read(DER_TAG.null, 'RSA parameters').contents.length !== 0)
      fail('RSA parameters: NULL with contents');
    keyType = 'rsa';
  } else if (oid === OID.rsassaPss) {
    // RFC 4055 §3.1: absent, or RSASSA-PSS-params (restrictions enforced by the signer, not here).
    if (!r.done) r.read(DER_TAG.sequence, 'RSASSA-PSS parameters');
    keyType = 'rsa-pss';
  } else {
    // RFC 8410 §3: parameters MUST be absent.
    keyType = RFC8410[oid];
    if (keyType === undefined) fail(`unsupported key algorithm ${oid}`);
  }
  r.end('');
  return keyType;
}

function bitStringBytes(v: Uint8Array, what: string): Uint8Array {
  if (v.length === 0) fail(`${what}: empty BIT STRING`);
  if (v[0] !== 0) fail(`${what}: BIT STRING with unused bits`);
  return v.subarray(1);
}

/** Parses a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). The returned key bytes alias the input. */
export function parseSubjectPublicKeyInfo(der: Uint8Array): SubjectPublicKeyInfo {
  return converted(() => {
    const r = new DerReader(only(der, DER_TAG.sequence, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
    const keyType = decodeAlgorithm(r.read(DER_TAG.sequence, 'AlgorithmIdentifier').contents);
    const publicKey = bitStringBytes(r.read(DER_TAG.bitString, 'subjectPublicKey').contents, 'subjectPublicKey');
    r.end('');
    if (isRawKeyType(keyType) && publicKey.length !== RAW_KEY_LENGTH[keyType])
      fail(`${keyType} public key has wrong length`);
    if (publicKey.length === 0) fail('empty public key');
    return { keyType, publicKey };
  });
}

/** Parses a DER PKCS#8 PrivateKeyInfo (RFC 5208 §5, RFC 5958 §2); the key bytes alias the input (a short EC key: a copy). */
export function parsePrivateKeyInfo(der: Uint8Array): PrivateKeyInfo {
  return converted(() => {
    const r = new DerReader(only(der, DER_TAG.sequence, 'PrivateKeyInfo'), 'PrivateKeyInfo');
    const version = readSmallInteger(r, 'version');
    if (version !== 0 && version !== 1) fail(`unsupported PrivateKeyInfo version ${version}`);
    const keyType = decodeAlgorithm(r.read(DER_TAG.sequence, 'AlgorithmIdentifier').contents);
    const inner = r.read(DER_TAG.octetString, 'privateKey').contents;
    // attributes [0] and (v2 only) publicKey [1] may follow; they are not needed.
    if (r.peekTag() === 0xa0) r.next('attributes');
    if (version === 1 && r.peekTag() === 0x81) r.next('publicKey');
    r.end('');

    let privateKey: Uint8Array;
    if (isEcKeyType(keyType)) {
      privateKey = ecPrivateKey(inner, keyType);
    } else if (keyType === 'rsa' || keyType === 'rsa-pss') {
      only(inner, DER_TAG.sequence, 'RSAPrivateKey');
      privateKey = inner;
    } else {
      // RFC 8410 §7: CurvePrivateKey ::= OCTET STRING.
      privateKey = only(inner, DER_TAG.octetString, 'CurvePrivateKey');
      if (privateKey.length !== RAW_KEY_LENGTH[keyType]) fail(`${keyType} private key has wrong length`);
    }
    return { version, keyType, privateKey };
  });
}

/** ECPrivateKey (RFC 5915 §3) → the private key octets, as long as the curve order. */
function ecPrivateKey(bytes: Uint8Array, keyType: EcKeyType): Uint8Array {
  const size = EC_SCALAR_LENGTH[keyType];
  const r = new DerReader(only(bytes, DER_TAG.sequence, 'ECPrivateKey'), 'ECPrivateKey');
  if (readSmallInteger(r, 'ECPrivateKey version') !== 1) fail('ECPrivateKey version is not 1');
  const key = r.read(DER_TAG.octetString, 'ECPrivateKey privateKey').contents;
  // parameters [0], if present, must name the PKCS#8 algorithm's curve; publicKey [1] is not needed.
  if (r.peekTag() === 0xa0) {
    const parameters = new DerReader(r.next('ECPrivateKey parameters').contents, 'ECPrivateKey parameters');
    const curve = readOid(parameters, 'namedCurve');
    parameters.end('');
    if (CURVES[curve] !== keyType) fail('ECPrivateKey parameters name another curve');
  }
  if (r.peekTag() === 0xa1) r.next('ECPrivateKey publicKey');
  r.end('');
  if (key.length === 0 || key.length > size) fail('EC private key has wrong length');
  if (key.length === size) return key;
  const padded = new Uint8Array(size);
  padded.set(key, size - key.length);
  return padded;
}

/** An Ecdsa-Sig-Value (RFC 3279 §2.2.3) as r||s, each positive and left-padded to `size` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array {
  return converted(() => {
    const r = new DerReader(only(der, DER_TAG.sequence, 'ECDSA signature'), 'ECDSA signature');
    const out = new Uint8Array(2 * size);
    for (const [i, what] of ['r', 's'].entries()) {
      const mag = decodeUnsignedMagnitude(r, r.read(DER_TAG.integer, what), what);
      if (mag.length === 0) fail(`${what} is zero`);
      if (mag.length > size) fail(`${what} is too large`);
      out.set(mag, (i + 1) * size - mag.length);
    }
    r.end('');
    return out;
  });
}

/** Fixed-size r||s → the DER Ecdsa-Sig-Value (RFC 3279 §2.2.3). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0)
    throw new CryptoError('ECDSA raw signature must be r||s of equal sizes');
  const half = raw.length / 2;
  return derSequence([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
}

/** The last arc of the RFC 8410 §7 algorithm OID of raw X25519/X448/Ed25519/Ed448 keys. */
const RFC8410_ARC: Readonly<Record<RawKeyType, number>> = { x25519: 110, x448: 111, ed25519: 112, ed448: 113 };

/** PKCS#8 PrivateKeyInfo (v1) for a raw RFC 8410 private key (RFC 8410 §7). The caller should zero it after use. */
export function rawPrivateKeyToPkcs8(keyType: RawKeyType, raw: Uint8Array): Uint8Array {
  if (raw.length !== RAW_KEY_LENGTH[keyType])
    throw new CryptoError(`${keyType} private key must be ${RAW_KEY_LENGTH[keyType]} bytes`);
  const version = new Uint8Array([DER_TAG.integer, 0x01, 0x00]);
  const algorithm = new Uint8Array([0x30, 0x05, DER_TAG.objectIdentifier, 0x03, 0x2b, 0x65, RFC8410_ARC[keyType]]);
  // Every copy of the key made on the way is zeroed: no derSequence, whose joined children could not be.
  const curveKey = derTlv(DER_TAG.octetString, raw);
  const octets = derTlv(DER_TAG.octetString, curveKey);
  curveKey.fill(0);
  const body = concatBytes([version, algorithm, octets]);
  octets.fill(0);
  const out = derTlv(DER_TAG.sequence, body);
  body.fill(0);
  return out;
}
