import { nobleProvider } from '../../runtime/crypto/noble/index.js';
import {
  CryptoError,
  type CryptoProvider,
  type KeyExchangeGroup,
  type PrivateKeyHandle,
} from '../../runtime/crypto/provider.js';

/** A source of uniformly random 32-bit integers (the kernel's seeded random source fits). */
export interface Uint32Source {
  nextUint32(): number;
}

/** ECDSA keys imported through any seeded provider → the same key in noble, which signs deterministically. Shared: connections share imported keys. */
const ecdsaKeys = new WeakMap<PrivateKeyHandle, PrivateKeyHandle>();

/** Private key lengths (bytes) per group: RFC 7748 scalars, SEC 1 field-size scalars. */
const PRIVATE_LENGTH: Readonly<Record<KeyExchangeGroup, number>> = {
  x25519: 32,
  x448: 56,
  secp256r1: 32,
  secp384r1: 48,
  secp521r1: 66,
  x25519mlkem768: 96,
};

/**
 * Wraps `inner` so that its randomness comes from `source`: `randomBytes`,
 * fresh key shares (a seeded private key through `keyShareFromPrivate`), and
 * ECDSA signatures, which are made deterministic (RFC 6979, by the noble
 * provider; Ed25519 is deterministic already). A whole handshake is then a
 * function of the seed, which is what makes simulations reproducible and
 * lets the hardware model and the in-memory harness be compared byte for
 * byte. RSA-PSS signatures stay randomized (their salt). For simulation and
 * tests only: a seeded generator is no source of secrets.
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
    importPrivateKey: (pkcs8) => {
      const key = inner.importPrivateKey(pkcs8);
      if (key.keyType.startsWith('ec-') && inner !== nobleProvider)
        ecdsaKeys.set(key, nobleProvider.importPrivateKey(pkcs8));
      return key;
    },
    sign: (algorithm, key, data) => {
      const deterministic = algorithm.startsWith('ecdsa_') ? ecdsaKeys.get(key) : undefined;
      return deterministic ? nobleProvider.sign(algorithm, deterministic, data) : inner.sign(algorithm, key, data);
    },
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
