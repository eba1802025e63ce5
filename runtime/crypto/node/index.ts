import { randomBytes } from 'node:crypto';
import { composeProvider } from '../compose.js';
import type { CryptoProvider } from '../provider.js';
import { nodeAead } from './aead.js';
import { nodeCreateHash, nodeDigest, nodeHkdfExpand, nodeHkdfExtract, nodeHmac } from './hash.js';
import { NODE_KEY_EXCHANGE_GROUPS, nodeGenerateKeyShare, nodeKeyShareFromPrivate } from './key-exchange.js';
import { nodeMask } from './mask.js';
import {
  NODE_SIGNATURE_ALGORITHMS,
  nodeEcdsaSign,
  nodeEcdsaVerify,
  nodeImportPrivateKey,
  nodeImportPublicKey,
  nodeSign,
  nodeVerify,
} from './signature.js';

/** The `node` provider: node:crypto, with OpenSSL underneath. Supports every algorithm dtls13 uses. */
export const nodeProvider: CryptoProvider = composeProvider({
  name: 'node',
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
  keyExchangeGroups: NODE_KEY_EXCHANGE_GROUPS,
  generateKeyShare: nodeGenerateKeyShare,
  keyShareFromPrivate: nodeKeyShareFromPrivate,
  signatureAlgorithms: NODE_SIGNATURE_ALGORITHMS,
  importPublicKey: nodeImportPublicKey,
  importPrivateKey: nodeImportPrivateKey,
  sign: nodeSign,
  verify: nodeVerify,
  ecdsaSign: nodeEcdsaSign,
  ecdsaVerify: nodeEcdsaVerify,
});
