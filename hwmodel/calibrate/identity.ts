/**
 * A throwaway PKI for the in-memory handshakes of the calibration and the
 * timing validation: a self-signed CA and a server leaf of the same key
 * type, valid around the given wall-clock time.
 */
import { createCertificate, generateKeyPair } from '../../runtime/pki/certificate-builder.js';
import type { SignatureAlgorithm } from '../../runtime/crypto/provider.js';

/** The certificate key types the calibration measures, by the CertificateVerify scheme they sign with (RFC 8446 §4.2.3). */
export const CERTIFICATE_KINDS = { ecdsa_secp256r1_sha256: 'p256', ed25519: 'ed25519' } as const;

/** A signature scheme the calibration has certificates for. */
export type CalibrationScheme = keyof typeof CERTIFICATE_KINDS;

/** The server name every calibration certificate is issued to. */
export const SERVER_NAME = 'calibrate.test';

/** A CA (trust anchor) and a server chain with its private key. */
export interface ServerIdentity {
  readonly scheme: CalibrationScheme & SignatureAlgorithm;
  readonly trustAnchor: Uint8Array;
  readonly chain: readonly Uint8Array[];
  readonly privateKey: Uint8Array;
}

/** Makes a CA and a leaf for `scheme`, valid for a year either side of `now` (ms since the epoch). */
export function serverIdentity(scheme: CalibrationScheme, now: number): ServerIdentity {
  const kind = CERTIFICATE_KINDS[scheme];
  const year = 365 * 24 * 3600 * 1000;
  const validity = { notBefore: new Date(now - year), notAfter: new Date(now + year) };
  const ca = generateKeyPair(kind);
  const caCert = createCertificate({ subjectCommonName: 'dtls13 calibration CA', subjectPublicKey: ca.publicKey, issuer: { selfSigned: true, privateKey: ca.privateKey }, isCa: true, ...validity });
  const leaf = generateKeyPair(kind);
  const cert = createCertificate({
    subjectCommonName: SERVER_NAME, subjectPublicKey: leaf.publicKey, issuer: { certificateDer: caCert.der, privateKey: ca.privateKey }, dnsNames: [SERVER_NAME], ...validity,
  });
  return { scheme, trustAnchor: caCert.der, chain: [cert.der], privateKey: leaf.pkcs8Der };
}
