/** A failed certificate check: its TLS alert and a reason; peer input never throws out of the validator. */

/** The alerts certificate validation ends with (RFC 8446 §6.2). */
export type CertificateAlert =
  'bad_certificate' | 'unsupported_certificate' | 'certificate_expired' | 'unknown_ca' | 'certificate_unknown';

/** A failed validation: the alert to send and why, for logs. */
export interface CertificateFailure {
  readonly ok: false;
  readonly alert: CertificateAlert;
  readonly reason: string;
}

export const fail = (alert: CertificateAlert, reason: string): CertificateFailure => ({ ok: false, alert, reason });

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
