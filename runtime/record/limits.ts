import type { AeadAlgorithm } from '../crypto/provider.js';

/**
 * Per-key AEAD usage limits. Confidentiality: records protected with one key
 * (RFC 8446 §5.5; RFC 9147 §4.5.3 and Appendix B for CCM). Integrity: records
 * that may fail authentication under one key; past it the connection should
 * close (RFC 9147 §4.5.3: counted per key, so per read epoch).
 *
 * AES-128-CCM-8 has no integrity limit that is both safe and resistant to
 * denial of service: RFC 9147 Appendix B.3 derives v <= 2^7 forgery
 * attempts from its 64-bit tag (v / 2^64 <= 2^-57) and says the suite MUST
 * NOT be used without additional safeguards against forgery. The default
 * is that 2^7; the per-key rate (`limits.integrityBudgetSeconds`, one
 * failure a second for it by default) and the KeyUpdate asked for at
 * {@link INTEGRITY_KEY_UPDATE_THRESHOLD} of it keep a forgery burst from
 * reaching it; deployments with other safeguards set `limits` explicitly.
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

/**
 * Fraction of the current read key's integrity limit at which a DTLS 1.3
 * endpoint asks the peer for new keys (a KeyUpdate with update_requested):
 * RFC 9147 §4.5.3 lets it update before the limit, and 1/8 leaves the
 * exchange time to complete while the per-key rate
 * (`limits.integrityBudgetSeconds`) slows what forgeries spend: 16 of
 * AES-128-CCM-8's 2^7. DTLS 1.2 cannot rekey.
 */
export const INTEGRITY_KEY_UPDATE_THRESHOLD = 1 / 8;

/** Fraction of the confidentiality limit at which a KeyUpdate is signalled as due (so it completes before the limit). */
export const KEY_UPDATE_THRESHOLD = 0.75;
