/**
 * (EC)DHE key shares over node:crypto (RFC 8446 §4.2.8, §7.4). Fresh X25519/X448 shares are random bytes imported as
 * the key (RFC 7748 §5: any bytes are a uniform share), never `generateKeyPair`: node 20's job can deadlock on the key's
 * mutex when collected during a JWK export (tests/crypto/no-hang.test.ts).
 */
import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomBytes,
  type ECDH,
  type KeyObject,
} from 'node:crypto';
import type { DhGroup } from '../compose.js';
import { rawPrivateKeyToPkcs8 } from '../der.js';
import { CryptoError, KEY_EXCHANGE_GROUPS, type KeyExchangeGroup, type KeyShare } from '../provider.js';

/** Every group: x25519mlkem768 is node's X25519 with noble's ML-KEM-768 (compose.ts). */
export const NODE_KEY_EXCHANGE_GROUPS: readonly KeyExchangeGroup[] = KEY_EXCHANGE_GROUPS;

type NistGroup = 'secp256r1' | 'secp384r1' | 'secp521r1';
type MontgomeryGroup = 'x25519' | 'x448';

/** OpenSSL curve name and field element length (bytes) of each NIST group. */
const NIST: Readonly<Record<NistGroup, { readonly curve: string; readonly size: number }>> = {
  secp256r1: { curve: 'prime256v1', size: 32 },
  secp384r1: { curve: 'secp384r1', size: 48 },
  secp521r1: { curve: 'secp521r1', size: 66 },
};

const MONTGOMERY_LENGTH: Readonly<Record<MontgomeryGroup, number>> = { x25519: 32, x448: 56 };

/** RFC 8037 §2 curve names. */
const JWK_CURVE: Readonly<Record<MontgomeryGroup, string>> = { x25519: 'X25519', x448: 'X448' };

const view = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const base64url = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

const isNist = (g: KeyExchangeGroup): g is NistGroup => g in NIST;

function released(group: KeyExchangeGroup): never {
  throw new CryptoError(`${group} key share has been released`);
}

/** A NIST-curve share; OpenSSL holds the private scalar (node cannot zero it, so release() drops it). */
class NodeEcdhShare implements KeyShare {
  readonly group: NistGroup;
  readonly publicKey: Uint8Array;
  private ecdh: ECDH | undefined;

  constructor(group: NistGroup, ecdh: ECDH) {
    this.group = group;
    this.ecdh = ecdh;
    this.publicKey = view(ecdh.getPublicKey());
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    const ecdh = this.ecdh ?? released(this.group);
    const { size } = NIST[this.group];
    // RFC 8446 §4.2.8.2: only the uncompressed form is allowed.
    if (peer.length !== 1 + 2 * size || peer[0] !== 0x04)
      throw new CryptoError(`${this.group} peer public value is not an uncompressed point`);
    let secret: Uint8Array;
    try {
      secret = view(ecdh.computeSecret(peer));
    } catch {
      throw new CryptoError(`${this.group} peer public value is not a valid point`);
    }
    if (secret.length !== size) throw new CryptoError(`${this.group} shared secret has unexpected length`);
    return secret;
  }

  release(): void {
    this.ecdh = undefined;
  }
}

/** An X25519/X448 share held as a KeyObject (node cannot zero it, so release() drops it). */
class NodeMontgomeryShare implements KeyShare {
  readonly group: MontgomeryGroup;
  readonly publicKey: Uint8Array;
  private privateKey: KeyObject | undefined;

  constructor(group: MontgomeryGroup, privateKey: KeyObject) {
    this.group = group;
    this.privateKey = privateKey;
    // The raw public value through JWK: OpenSSL 3's DER encoder costs about twice the key generation.
    const x = createPublicKey(privateKey).export({ format: 'jwk' }).x;
    if (x === undefined) throw new CryptoError(`${group} public key could not be exported`);
    this.publicKey = new Uint8Array(Buffer.from(x, 'base64url'));
    if (this.publicKey.length !== MONTGOMERY_LENGTH[group])
      throw new CryptoError(`${group} public key has unexpected length`);
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    const privateKey = this.privateKey ?? released(this.group);
    if (peer.length !== MONTGOMERY_LENGTH[this.group])
      throw new CryptoError(`${this.group} peer public value must be ${MONTGOMERY_LENGTH[this.group]} bytes`);
    let secret: Uint8Array;
    try {
      // A raw-key JWK (RFC 8037 §2) imports without OpenSSL 3's DER decoder, which costs more than the key agreement itself.
      const publicKey = createPublicKey({
        key: { kty: 'OKP', crv: JWK_CURVE[this.group], x: base64url(peer) },
        format: 'jwk',
      });
      secret = view(diffieHellman({ privateKey, publicKey }));
    } catch {
      // OpenSSL itself refuses low-order points (its all-zero result).
      throw new CryptoError(`${this.group} peer public value gives no shared secret`);
    }
    if (secret.every((b) => b === 0)) throw new CryptoError(`${this.group} shared secret is all zero`);
    return secret;
  }

  release(): void {
    this.privateKey = undefined;
  }
}

export function nodeGenerateKeyShare(group: DhGroup): KeyShare {
  if (isNist(group)) {
    const ecdh = createECDH(NIST[group].curve);
    ecdh.generateKeys();
    return new NodeEcdhShare(group, ecdh);
  }
  const raw = randomBytes(MONTGOMERY_LENGTH[group]);
  try {
    return new NodeMontgomeryShare(group, importMontgomeryPrivate(group, raw));
  } finally {
    raw.fill(0);
  }
}

/** A KeyObject for a raw X25519/X448 private key: a JWK (ten times cheaper than PKCS#8), else PKCS#8. */
function importMontgomeryPrivate(group: MontgomeryGroup, raw: Uint8Array): KeyObject {
  if (raw.length !== MONTGOMERY_LENGTH[group])
    throw new CryptoError(`${group} private key must be ${MONTGOMERY_LENGTH[group]} bytes`);
  try {
    return createPrivateKey({ key: { kty: 'OKP', crv: JWK_CURVE[group], d: base64url(raw), x: '' }, format: 'jwk' });
  } catch {
    // Falls through to the DER form below.
  }
  const der = rawPrivateKeyToPkcs8(group, raw);
  const pkcs8 = Buffer.from(der.buffer, der.byteOffset, der.length);
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw new CryptoError(`${group} private key was rejected`);
  } finally {
    pkcs8.fill(0);
  }
}

/** A key share from a known private key: the big-endian scalar for NIST curves, the raw RFC 7748 string otherwise. */
export function nodeKeyShareFromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare {
  if (isNist(group)) {
    const { curve, size } = NIST[group];
    if (privateKey.length !== size) throw new CryptoError(`${group} private key must be ${size} bytes`);
    const ecdh = createECDH(curve);
    try {
      ecdh.setPrivateKey(privateKey);
    } catch {
      throw new CryptoError(`${group} private key is out of range`);
    }
    return new NodeEcdhShare(group, ecdh);
  }
  return new NodeMontgomeryShare(group, importMontgomeryPrivate(group, privateKey));
}
