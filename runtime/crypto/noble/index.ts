import { randomBytes } from '@noble/hashes/utils.js';
import { composeProvider } from '../compose.js';
import type { CryptoProvider } from '../provider.js';
import { nobleAead } from './aead.js';
import { nobleCreateHash, nobleDigest, nobleHkdfExpand, nobleHkdfExtract, nobleHmac } from './hash.js';
import { NOBLE_KEY_EXCHANGE_GROUPS, nobleGenerateKeyShare, nobleKeyShareFromPrivate } from './key-exchange.js';
import { nobleMask } from './mask.js';
import {
  NOBLE_SIGNATURE_ALGORITHMS,
  nobleEcdsaSign,
  nobleEcdsaVerify,
  nobleImportPrivateKey,
  nobleImportPublicKey,
  nobleSign,
  nobleVerify,
} from './signature.js';

/** The `noble` provider: pure JavaScript on @noble/ciphers, curves and hashes; no RSA (`supports` says so). */
export const nobleProvider: CryptoProvider = composeProvider({
  name: 'noble',
  randomBytes: (n) => randomBytes(n),
  digest: nobleDigest,
  createHash: nobleCreateHash,
  hmac: nobleHmac,
  hkdfExtract: nobleHkdfExtract,
  hkdfExpand: nobleHkdfExpand,
  aead: nobleAead,
  mask: nobleMask,
  keyExchangeGroups: NOBLE_KEY_EXCHANGE_GROUPS,
  generateKeyShare: nobleGenerateKeyShare,
  keyShareFromPrivate: nobleKeyShareFromPrivate,
  signatureAlgorithms: NOBLE_SIGNATURE_ALGORITHMS,
  importPublicKey: nobleImportPublicKey,
  importPrivateKey: nobleImportPrivateKey,
  sign: nobleSign,
  verify: nobleVerify,
  ecdsaSign: nobleEcdsaSign,
  ecdsaVerify: nobleEcdsaVerify,
});
