import {
  UnsupportedAlgorithmError,
  type Capability,
  type CryptoProvider,
  type KeyExchangeGroup,
  type SignatureAlgorithm,
} from './provider.js';

/** What a provider implements; {@link composeProvider} adds the capability query and its guards. */
export type ProviderParts = Omit<CryptoProvider, 'supports'> & {
  readonly keyExchangeGroups: readonly KeyExchangeGroup[];
  readonly signatureAlgorithms: readonly SignatureAlgorithm[];
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
    generateKeyShare: (group) => {
      need({ kind: 'keyExchange', group });
      return parts.generateKeyShare(group);
    },
    keyShareFromPrivate: (group, privateKey) => {
      need({ kind: 'keyExchange', group });
      return parts.keyShareFromPrivate(group, privateKey);
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
