import { nobleMlKem768 } from './noble/ml-kem.js';
import {
  UnsupportedAlgorithmError,
  type Capability,
  type CryptoProvider,
  type KeyExchangeGroup,
  type KeyShare,
  type SignatureAlgorithm,
} from './provider.js';
import { generateX25519MlKem768Share, X25519_MLKEM768, x25519MlKem768ShareFromPrivate } from './x25519-mlkem768.js';

/** The Diffie-Hellman groups: a provider's own shares, of which {@link composeProvider} builds x25519mlkem768. */
export type DhGroup = Exclude<KeyExchangeGroup, typeof X25519_MLKEM768>;

/** What a provider implements; {@link composeProvider} adds the capability query, its guards and the hybrid group. */
export type ProviderParts = Omit<CryptoProvider, 'supports' | 'generateKeyShare' | 'keyShareFromPrivate'> & {
  readonly keyExchangeGroups: readonly KeyExchangeGroup[];
  readonly signatureAlgorithms: readonly SignatureAlgorithm[];
  generateKeyShare(group: DhGroup): KeyShare;
  keyShareFromPrivate(group: DhGroup, privateKey: Uint8Array): KeyShare;
};

/** A CryptoProvider from its parts: `supports` from the declared groups and algorithms, guards for the rest. */
export function composeProvider(parts: ProviderParts): CryptoProvider {
  const supports = (c: Capability): boolean => {
    switch (c.kind) {
      case 'aead':
      case 'hash':
      case 'mask':
        return true;
      case 'keyExchange':
        return parts.keyExchangeGroups.includes(c.group);
      case 'signature':
        return parts.signatureAlgorithms.includes(c.algorithm);
    }
  };
  const need = (c: Capability): void => {
    if (!supports(c)) throw new UnsupportedAlgorithmError(parts.name, c);
  };
  return {
    name: parts.name,
    supports,
    randomBytes: parts.randomBytes,
    digest: parts.digest,
    createHash: parts.createHash,
    hmac: parts.hmac,
    hkdfExtract: parts.hkdfExtract,
    hkdfExpand: parts.hkdfExpand,
    aead: parts.aead,
    mask: parts.mask,
    // x25519mlkem768: the provider's X25519 with ML-KEM-768 from @noble/post-quantum (node 20's OpenSSL 3.0 has none).
    generateKeyShare: (group) => {
      need({ kind: 'keyExchange', group });
      if (group !== X25519_MLKEM768) return parts.generateKeyShare(group);
      return generateX25519MlKem768Share(parts.generateKeyShare('x25519'), nobleMlKem768, parts.randomBytes);
    },
    keyShareFromPrivate: (group, privateKey) => {
      need({ kind: 'keyExchange', group });
      if (group !== X25519_MLKEM768) return parts.keyShareFromPrivate(group, privateKey);
      return x25519MlKem768ShareFromPrivate(privateKey, nobleMlKem768, (raw) =>
        parts.keyShareFromPrivate('x25519', raw),
      );
    },
    importPublicKey: parts.importPublicKey,
    importPrivateKey: parts.importPrivateKey,
    sign: (algorithm, key, data) => {
      need({ kind: 'signature', algorithm });
      return parts.sign(algorithm, key, data);
    },
    verify: (algorithm, key, data, signature) =>
      supports({ kind: 'signature', algorithm }) && parts.verify(algorithm, key, data, signature),
    ...(parts.ecdsaSign ? { ecdsaSign: parts.ecdsaSign } : {}),
    ...(parts.ecdsaVerify ? { ecdsaVerify: parts.ecdsaVerify } : {}),
  };
}
