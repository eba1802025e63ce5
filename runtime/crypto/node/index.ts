import { randomBytes } from 'node:crypto';
import { UnsupportedAlgorithmError, type Capability, type CryptoProvider } from '../provider.js';
import { nodeAead } from './aead.js';
import { nodeCreateHash, nodeDigest, nodeHkdfExpand, nodeHkdfExtract, nodeHmac } from './hash.js';
import { NODE_KEY_EXCHANGE_GROUPS, nodeGenerateKeyShare, nodeKeyShareFromPrivate } from './key-exchange.js';
import { nodeMask } from './mask.js';
import { NODE_SIGNATURE_ALGORITHMS, nodeImportPrivateKey, nodeImportPublicKey, nodeSign, nodeVerify } from './signature.js';

function supports(c: Capability): boolean {
  switch (c.kind) {
    case 'aead':
    case 'hash':
    case 'mask':
      return true;
    case 'keyExchange':
      return NODE_KEY_EXCHANGE_GROUPS.includes(c.group);
    case 'signature':
      return NODE_SIGNATURE_ALGORITHMS.includes(c.algorithm);
  }
}

function require(c: Capability): void {
  if (!supports(c)) throw new UnsupportedAlgorithmError('node', c);
}

/** The `node` provider: node:crypto, with OpenSSL underneath. Supports every algorithm dtls13 uses. */
export const nodeProvider: CryptoProvider = {
  name: 'node',
  supports,
  randomBytes: (n) => {
    const b = randomBytes(n);
    return new Uint8Array(b.buffer, b.byteOffset, n);
  },
  digest: nodeDigest,
  createHash: nodeCreateHash,
  hmac: nodeHmac,
  hkdfExtract: nodeHkdfExtract,
  hkdfExpand: nodeHkdfExpand,
  aead: nodeAead,
  mask: nodeMask,
  generateKeyShare: (group) => {
    require({ kind: 'keyExchange', group });
    return nodeGenerateKeyShare(group);
  },
  keyShareFromPrivate: (group, privateKey) => {
    require({ kind: 'keyExchange', group });
    return nodeKeyShareFromPrivate(group, privateKey);
  },
  importPublicKey: nodeImportPublicKey,
  importPrivateKey: nodeImportPrivateKey,
  sign: (algorithm, key, data) => {
    require({ kind: 'signature', algorithm });
    return nodeSign(algorithm, key, data);
  },
  verify: (algorithm, key, data, signature) => supports({ kind: 'signature', algorithm }) && nodeVerify(algorithm, key, data, signature),
};
