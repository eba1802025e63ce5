/** The certificate signature algorithm for an issuer's private key (RFC 5280 §4.1.1.2) and the node:crypto call. */
import { constants, sign, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config-error.js';
import { copyOf } from '../wire/bytes.js';
import { derExplicit, derInteger, derNull, derOid, derSequence } from '../wire/der-writer.js';
import { PKI_OID } from './oids.js';

/** How an issuer signs: the AlgorithmIdentifier encoding and the signing function. */
export interface CertificateSigner {
  /** AlgorithmIdentifier DER, for both TBSCertificate.signature and Certificate.signatureAlgorithm. */
  readonly algorithmIdentifier: Uint8Array;
  /** The signatureValue bits over the TBSCertificate DER. */
  sign(tbsCertificate: Uint8Array): Uint8Array;
}

const ECDSA = {
  prime256v1: { oid: PKI_OID.ecdsaWithSha256, hash: 'sha256' },
  secp384r1: { oid: PKI_OID.ecdsaWithSha384, hash: 'sha384' },
  secp521r1: { oid: PKI_OID.ecdsaWithSha512, hash: 'sha512' },
} as const;

export const PSS_HASHES = {
  sha256: { oid: PKI_OID.sha256, length: 32 },
  sha384: { oid: PKI_OID.sha384, length: 48 },
  sha512: { oid: PKI_OID.sha512, length: 64 },
} as const;

/** RSASSA-PSS-params (RFC 4055 §3.1) as TLS 1.3 uses them: hash, MGF1 with it, a digest-long salt. */
export function pssParameters(hash: keyof typeof PSS_HASHES, hashParameters: 'null' | 'absent' = 'null'): Uint8Array {
  const h = derSequence(
    hashParameters === 'null' ? [derOid(PSS_HASHES[hash].oid), derNull()] : [derOid(PSS_HASHES[hash].oid)],
  );
  return derSequence([
    derExplicit(0, h),
    derExplicit(1, derSequence([derOid(PKI_OID.mgf1), h])),
    derExplicit(2, derInteger(BigInt(PSS_HASHES[hash].length))),
  ]);
}

/** The signer for `privateKey`; throws {@link ConfigError} (option `issuer.privateKey`) for other key types. */
export function certificateSigner(privateKey: KeyObject): CertificateSigner {
  if (privateKey.type !== 'private')
    throw new ConfigError('issuer.privateKey', `must be a private key, got a ${privateKey.type} key`);
  const type = privateKey.asymmetricKeyType;
  switch (type) {
    case 'ec': {
      const curve = privateKey.asymmetricKeyDetails?.namedCurve;
      const alg = curve === 'prime256v1' || curve === 'secp384r1' || curve === 'secp521r1' ? ECDSA[curve] : undefined;
      if (alg === undefined)
        throw new ConfigError('issuer.privateKey', `EC curve ${String(curve)} is not P-256, P-384 or P-521`);
      return {
        algorithmIdentifier: derSequence([derOid(alg.oid)]),
        sign: (tbs) => copyOf(sign(alg.hash, tbs, { key: privateKey, dsaEncoding: 'der' })),
      };
    }
    case 'ed25519':
    case 'ed448': {
      const oid = type === 'ed25519' ? PKI_OID.ed25519 : PKI_OID.ed448;
      return { algorithmIdentifier: derSequence([derOid(oid)]), sign: (tbs) => copyOf(sign(null, tbs, privateKey)) };
    }
    case 'rsa':
      return {
        algorithmIdentifier: derSequence([derOid(PKI_OID.sha256WithRsaEncryption), derNull()]),
        sign: (tbs) => copyOf(sign('sha256', tbs, { key: privateKey, padding: constants.RSA_PKCS1_PADDING })),
      };
    case 'rsa-pss': {
      // A key bound to a hash by its own parameters (RFC 4055) signs with that hash only.
      const bound = privateKey.asymmetricKeyDetails?.hashAlgorithm;
      const hash = bound === 'sha384' || bound === 'sha512' ? bound : 'sha256';
      return {
        algorithmIdentifier: derSequence([derOid(PKI_OID.rsassaPss), pssParameters(hash)]),
        sign: (tbs) =>
          copyOf(
            sign(hash, tbs, {
              key: privateKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: PSS_HASHES[hash].length,
            }),
          ),
      };
    }
    default:
      throw new ConfigError('issuer.privateKey', `key type ${String(type)} cannot sign certificates here`);
  }
}
