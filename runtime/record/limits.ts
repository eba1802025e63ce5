import type { AeadAlgorithm } from '../crypto/provider.js';

/**
 * Per-key AEAD usage limits (RFC 8446 §5.5; RFC 9147 §4.5.3, Appendix B): records protected (confidentiality) and
 * records that may fail authentication (integrity) under one key. CCM-8's 2^7 (Appendix B.3) has no safe and
 * DoS-resistant value: 1.3 rekeys early and rate-limits the rest; 1.2 does what `limits.integrityPolicy12` says
 * (docs/security/ccm8.md).
 */
export interface AeadLimits {
  readonly confidentiality: number;
  readonly integrity: number;
}

export const DEFAULT_AEAD_LIMITS: Readonly<Record<AeadAlgorithm, AeadLimits>> = {
  'aes-128-gcm': { confidentiality: Math.floor(2 ** 24.5), integrity: 2 ** 36 },
  'aes-256-gcm': { confidentiality: Math.floor(2 ** 24.5), integrity: 2 ** 36 },
  'chacha20-poly1305': { confidentiality: 2 ** 48, integrity: 2 ** 36 },
  'aes-128-ccm': { confidentiality: 2 ** 23, integrity: Math.floor(2 ** 23.5) },
  'aes-128-ccm-8': { confidentiality: 2 ** 23, integrity: 2 ** 7 },
};

/** Fraction of the current read key's integrity limit at which 1.3 asks for new keys (RFC 9147 §4.5.3): 16 of CCM-8's 2^7. */
export const INTEGRITY_KEY_UPDATE_THRESHOLD = 1 / 8;

/**
 * Fraction of a 1.3 read key's integrity limit from which its failures are rate-limited (96 of CCM-8's 2^7). Below it
 * every record opens, so a forger cannot hold records back without spending the key; the 80 failures after the
 * KeyUpdate request give the update time to land at full speed (80 ms at 1,000 forgeries a second), and the last quarter
 * lasts at least 32 s. At 1/2 the KeyUpdate lost that race: 0.1 % of genuine records delivered against 80 % at 3/4
 * (`npm run bench -- attacks`).
 */
export const INTEGRITY_RATE_THRESHOLD = 3 / 4;

/** Read keys with an integrity limit at most this (CCM-8's 2^7) take one failed record a datagram. */
export const PACED_INTEGRITY_LIMIT = 2 ** 16;

/** Fraction of the confidentiality limit at which a KeyUpdate is signalled as due (so it completes before the limit). */
export const KEY_UPDATE_THRESHOLD = 0.75;
