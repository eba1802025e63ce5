import type { SignatureKeyType } from './der.js';
import type { SignatureAlgorithm } from './provider.js';

/** What one signature scheme needs: the key type, the hash it applies (null: EdDSA, which hashes inside) and the RSA padding. */
export interface SignatureScheme {
  readonly keyType: SignatureKeyType;
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  readonly padding?: 'pss' | 'pkcs1';
}

/** The signature schemes by their RFC 8446 §4.2.3 names: the one table the providers and CertificateVerify read. */
export const SIGNATURE_SCHEMES: Readonly<Record<SignatureAlgorithm, SignatureScheme>> = {
  ecdsa_secp256r1_sha256: { keyType: 'ec-p256', hash: 'sha256' },
  ecdsa_secp384r1_sha384: { keyType: 'ec-p384', hash: 'sha384' },
  ecdsa_secp521r1_sha512: { keyType: 'ec-p521', hash: 'sha512' },
  rsa_pss_rsae_sha256: { keyType: 'rsa', hash: 'sha256', padding: 'pss' },
  rsa_pss_rsae_sha384: { keyType: 'rsa', hash: 'sha384', padding: 'pss' },
  rsa_pss_rsae_sha512: { keyType: 'rsa', hash: 'sha512', padding: 'pss' },
  rsa_pss_pss_sha256: { keyType: 'rsa-pss', hash: 'sha256', padding: 'pss' },
  rsa_pss_pss_sha384: { keyType: 'rsa-pss', hash: 'sha384', padding: 'pss' },
  rsa_pss_pss_sha512: { keyType: 'rsa-pss', hash: 'sha512', padding: 'pss' },
  ed25519: { keyType: 'ed25519', hash: null },
  ed448: { keyType: 'ed448', hash: null },
  rsa_pkcs1_sha256: { keyType: 'rsa', hash: 'sha256', padding: 'pkcs1' },
  rsa_pkcs1_sha384: { keyType: 'rsa', hash: 'sha384', padding: 'pkcs1' },
  rsa_pkcs1_sha512: { keyType: 'rsa', hash: 'sha512', padding: 'pkcs1' },
};

export const SIGNATURE_ALGORITHMS = Object.keys(SIGNATURE_SCHEMES) as SignatureAlgorithm[];
