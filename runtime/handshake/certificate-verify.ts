import type { CryptoProvider, PrivateKeyHandle, PublicKeyHandle, SignatureAlgorithm } from '../crypto/provider.js';

const SERVER_CONTEXT = 'TLS 1.3, server CertificateVerify';
const CLIENT_CONTEXT = 'TLS 1.3, client CertificateVerify';

/**
 * The content a CertificateVerify signs (RFC 8446 §4.4.3; unchanged in DTLS
 * 1.3): 64 spaces, the context string of the signer's side, a zero byte, and
 * the transcript hash up to and including Certificate.
 */
export function certificateVerifyContent(side: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  const context = new TextEncoder().encode(side === 'server' ? SERVER_CONTEXT : CLIENT_CONTEXT);
  const out = new Uint8Array(64 + context.length + 1 + transcriptHash.length);
  out.fill(0x20, 0, 64);
  out.set(context, 64);
  out.set(transcriptHash, 64 + context.length + 1);
  return out;
}

/** Signature schemes a key type can make (RFC 8446 §4.2.3); rsa_pkcs1_* never sign a CertificateVerify. */
export const SCHEMES_BY_KEY_TYPE: Readonly<Record<string, readonly SignatureAlgorithm[]>> = {
  'ec-p256': ['ecdsa_secp256r1_sha256'],
  'ec-p384': ['ecdsa_secp384r1_sha384'],
  'ec-p521': ['ecdsa_secp521r1_sha512'],
  ed25519: ['ed25519'],
  ed448: ['ed448'],
  rsa: ['rsa_pss_rsae_sha256', 'rsa_pss_rsae_sha384', 'rsa_pss_rsae_sha512'],
  'rsa-pss': ['rsa_pss_pss_sha256', 'rsa_pss_pss_sha384', 'rsa_pss_pss_sha512'],
};

/**
 * The CertificateVerify schemes a key can make: by its type, and for an
 * RSASSA-PSS key bound to one hash by its parameters, only that hash's scheme.
 */
export function schemesForKey(key: { readonly keyType: string; readonly pssHash?: string | undefined }): readonly SignatureAlgorithm[] {
  const all = SCHEMES_BY_KEY_TYPE[key.keyType] ?? [];
  return key.keyType === 'rsa-pss' && key.pssHash !== undefined ? all.filter((s) => s.endsWith(`_${key.pssHash}`)) : all;
}

/** Signs a CertificateVerify for `side`. */
export function signCertificateVerify(
  provider: CryptoProvider,
  side: 'server' | 'client',
  algorithm: SignatureAlgorithm,
  key: PrivateKeyHandle,
  transcriptHash: Uint8Array,
): Uint8Array {
  return provider.sign(algorithm, key, certificateVerifyContent(side, transcriptHash));
}

/** True when `signature` is the peer's valid CertificateVerify signature with a scheme its key type can make. */
export function verifyCertificateVerify(
  provider: CryptoProvider,
  side: 'server' | 'client',
  algorithm: SignatureAlgorithm,
  key: PublicKeyHandle,
  transcriptHash: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!schemesForKey(key).includes(algorithm)) return false;
  return provider.verify(algorithm, key, certificateVerifyContent(side, transcriptHash), signature);
}
