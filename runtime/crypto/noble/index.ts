import { randomBytes } from '@noble/hashes/utils.js';
import { UnsupportedAlgorithmError, type Capability, type CryptoProvider } from '../provider.js';
import { nobleAead } from './aead.js';
import { nobleCreateHash, nobleDigest, nobleHkdfExpand, nobleHkdfExtract, nobleHmac } from './hash.js';
import { NOBLE_KEY_EXCHANGE_GROUPS, nobleGenerateKeyShare, nobleKeyShareFromPrivate } from './key-exchange.js';
import { nobleMask } from './mask.js';
import { NOBLE_SIGNATURE_ALGORITHMS, nobleImportPrivateKey, nobleImportPublicKey, nobleSign, nobleVerify } from './signature.js';

function supports(c: Capability): boolean {
  switch (c.kind) {
    case 'aead':
    case 'hash':
    case 'mask':
      return true;
    case 'keyExchange':
      return NOBLE_KEY_EXCHANGE_GROUPS.includes(c.group);
    case 'signature':
      return NOBLE_SIGNATURE_ALGORITHMS.includes(c.algorithm);
  }
}

function require(c: Capability): void {
  if (!supports(c)) throw new UnsupportedAlgorithmError('noble', c);
}

/**
 * The `noble` provider: @noble/ciphers, @noble/curves and @noble/hashes,
 * pure JavaScript (runs in browsers and the hardware model alike). It has no
 * RSA: `supports` says so for every rsa_* signature algorithm.
 */
export const nobleProvider: CryptoProvider = {
  name: 'noble',
  supports,
  randomBytes: (n) => randomBytes(n),
  digest: nobleDigest,
  createHash: nobleCreateHash,
  hmac: nobleHmac,
  hkdfExtract: nobleHkdfExtract,
  hkdfExpand: nobleHkdfExpand,
  aead: nobleAead,
  mask: nobleMask,
  generateKeyShare: (group) => {
    require({ kind: 'keyExchange', group });
    return nobleGenerateKeyShare(group);
  },
  keyShareFromPrivate: (group, privateKey) => {
    require({ kind: 'keyExchange', group });
    return nobleKeyShareFromPrivate(group, privateKey);
  },
  importPublicKey: nobleImportPublicKey,
  importPrivateKey: nobleImportPrivateKey,
  sign: (algorithm, key, data) => {
    require({ kind: 'signature', algorithm });
    return nobleSign(algorithm, key, data);
  },
  verify: (algorithm, key, data, signature) => supports({ kind: 'signature', algorithm }) && nobleVerify(algorithm, key, data, signature),
};
