import type { X509Certificate } from 'node:crypto';
import type { CertificateFields } from './certificate-fields.js';

/** A certificate parsed twice over: by OpenSSL (via node) and by the strict DER parser (certificate-fields.ts). */
export interface ParsedCertificate {
  /** `chain[3]` or `trustAnchors[0]`, for reasons. */
  readonly label: string;
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  readonly fields: CertificateFields;
}
