/** Object identifiers of the X.509 profile dtls13 writes and checks (RFC 5280, 5758, 4055, 8410). */
export const PKI_OID = {
  // Name attributes (RFC 5280 Appendix A.1).
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1', // PKCS #9; RFC 5280 §4.1.2.6 (legacy e-mail in a subject)
  // Certificate extensions (RFC 5280 §4.2.1).
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  // Extended key purposes (RFC 5280 §4.2.1.12).
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  // Signature algorithms.
  ecdsaWithSha256: '1.2.840.10045.4.3.2', // RFC 5758 §3.2
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112', // RFC 8410 §3
  ed448: '1.3.101.113',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11', // RFC 4055 §5
  sha384WithRsaEncryption: '1.2.840.113549.1.1.12',
  sha512WithRsaEncryption: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10', // RFC 4055 §3.1
  mgf1: '1.2.840.113549.1.1.8', // RFC 4055 §2.2
  sha256: '2.16.840.1.101.3.4.2.1', // RFC 4055 §2.1
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

/** KeyUsage bit numbers (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BIT = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** A KeyUsage bit by its RFC 5280 name. */
export type KeyUsageName = keyof typeof KEY_USAGE_BIT;

/** Certificate signature algorithms the verifier accepts: TLS 1.3's signature_algorithms_cert without SHA-1. */
export const ACCEPTED_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set([
  PKI_OID.ecdsaWithSha256,
  PKI_OID.ecdsaWithSha384,
  PKI_OID.ecdsaWithSha512,
  PKI_OID.ed25519,
  PKI_OID.ed448,
  PKI_OID.sha256WithRsaEncryption,
  PKI_OID.sha384WithRsaEncryption,
  PKI_OID.sha512WithRsaEncryption,
  PKI_OID.rsassaPss,
]);
