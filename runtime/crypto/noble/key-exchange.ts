/** (EC)DHE key shares over @noble/curves, with the node provider's wire forms and secrets (RFC 8446 §4.2.8, §7.4). */
import { x25519 } from '@noble/curves/ed25519.js';
import { x448 } from '@noble/curves/ed448.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { DhGroup } from '../compose.js';
import { CryptoError, KEY_EXCHANGE_GROUPS, type KeyExchangeGroup, type KeyShare } from '../provider.js';
import { copyOf } from '../../wire/bytes.js';

/** Every group: x25519mlkem768 is built on x25519 and ML-KEM (compose.ts). */
export const NOBLE_KEY_EXCHANGE_GROUPS: readonly KeyExchangeGroup[] = KEY_EXCHANGE_GROUPS;

interface Group {
  readonly secretLength: number;
  readonly publicLength: number;
  randomSecret(): Uint8Array;
  publicKey(secret: Uint8Array): Uint8Array;
  sharedSecret(secret: Uint8Array, peer: Uint8Array): Uint8Array;
}

type Weierstrass = typeof p256;
type Montgomery = typeof x25519;

function nist(curve: Weierstrass, size: number): Group {
  return {
    secretLength: size,
    publicLength: 1 + 2 * size,
    randomSecret: () => curve.utils.randomSecretKey(),
    publicKey: (secret) => curve.getPublicKey(secret, false),
    sharedSecret: (secret, peer) => {
      // RFC 8446 §4.2.8.2: only the uncompressed form is allowed (noble would also take a compressed point).
      if (peer[0] !== 0x04) throw new CryptoError('peer public value is not an uncompressed point');
      return curve.getSharedSecret(secret, peer, true).slice(1);
    },
  };
}

function montgomery(curve: Montgomery, size: number): Group {
  return {
    secretLength: size,
    publicLength: size,
    randomSecret: () => curve.utils.randomSecretKey(),
    publicKey: (secret) => curve.getPublicKey(secret),
    // noble rejects low-order points itself; the caller still checks for zeros.
    sharedSecret: (secret, peer) => curve.getSharedSecret(secret, peer),
  };
}

const GROUPS: Readonly<Record<DhGroup, Group>> = {
  x25519: montgomery(x25519, 32),
  x448: montgomery(x448, 56),
  secp256r1: nist(p256, 32),
  secp384r1: nist(p384, 48),
  secp521r1: nist(p521, 66),
};

/** A key share holding its private key bytes, which release() zeroes. */
class NobleKeyShare implements KeyShare {
  readonly group: DhGroup;
  readonly publicKey: Uint8Array;
  private readonly secret: Uint8Array;
  private released = false;

  constructor(group: DhGroup, secret: Uint8Array) {
    this.group = group;
    this.secret = secret;
    try {
      this.publicKey = GROUPS[group].publicKey(secret);
    } catch {
      secret.fill(0);
      throw new CryptoError(`${group} private key is out of range`);
    }
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    if (this.released) throw new CryptoError(`${this.group} key share has been released`);
    const g = GROUPS[this.group];
    if (peer.length !== g.publicLength)
      throw new CryptoError(`${this.group} peer public value must be ${g.publicLength} bytes`);
    let secret: Uint8Array;
    try {
      secret = g.sharedSecret(this.secret, peer);
    } catch {
      throw new CryptoError(`${this.group} peer public value is invalid`);
    }
    if (secret.every((b) => b === 0)) throw new CryptoError(`${this.group} shared secret is all zero`);
    return secret;
  }

  release(): void {
    this.secret.fill(0);
    this.released = true;
  }
}

export function nobleGenerateKeyShare(group: DhGroup): KeyShare {
  return new NobleKeyShare(group, GROUPS[group].randomSecret());
}

/** A key share from a known private key (copied): the big-endian scalar for NIST curves, the raw RFC 7748 string otherwise. */
export function nobleKeyShareFromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare {
  const { secretLength } = GROUPS[group];
  if (privateKey.length !== secretLength) throw new CryptoError(`${group} private key must be ${secretLength} bytes`);
  return new NobleKeyShare(group, copyOf(privateKey));
}
