import { CryptoError, type CryptoProvider, type KeyExchangeGroup } from '../../runtime/crypto/provider.js';

/** A source of uniformly random 32-bit integers (the kernel's seeded random source fits). */
export interface Uint32Source {
  nextUint32(): number;
}

/** Private key lengths (bytes) per group: RFC 7748 scalars, SEC 1 field-size scalars. */
const PRIVATE_LENGTH: Readonly<Record<KeyExchangeGroup, number>> = { x25519: 32, x448: 56, secp256r1: 32, secp384r1: 48, secp521r1: 66 };

/**
 * Wraps `inner` so that its randomness comes from `source`: `randomBytes`
 * and fresh key shares (a seeded private key through `keyShareFromPrivate`).
 * Everything else is the inner provider's. With a deterministic signer
 * (Ed25519, or noble's RFC 6979 ECDSA) a whole handshake is then a function
 * of the seed, which is what lets the hardware model and the in-memory
 * harness be compared byte for byte. For simulation and tests only: a seeded
 * generator is no source of secrets.
 */
export function seededProvider(inner: CryptoProvider, source: Uint32Source): CryptoProvider {
  const bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const r = source.nextUint32();
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (r >>> (8 * j)) & 0xff;
    }
    return out;
  };
  return {
    ...inner,
    name: `${inner.name}+seeded`,
    supports: (c) => inner.supports(c),
    randomBytes: bytes,
    generateKeyShare: (group) => {
      for (let attempt = 0; attempt < 8; attempt++) {
        const priv = bytes(PRIVATE_LENGTH[group]);
        if (group === 'secp521r1') priv[0]! &= 0x01; // a 521-bit scalar in 66 bytes
        try {
          return inner.keyShareFromPrivate(group, priv);
        } catch (e) {
          if (!(e instanceof CryptoError)) throw e; // a scalar out of range: draw again
        }
      }
      throw new CryptoError(`no valid ${group} private key from the seeded source in 8 draws`);
    },
  };
}
