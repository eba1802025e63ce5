import type { AeadAlgorithm } from '../crypto/provider.js';

/**
 * Per-key AEAD usage limits. Confidentiality: records protected with one key (RFC 8446 §5.5; RFC 9147 §4.5.3 and
 * Appendix B for CCM). Integrity: records that may fail authentication under one key; past it the connection should
 * close (RFC 9147 §4.5.3: counted per key, so per read epoch).
 *
 * AES-128-CCM-8 has no integrity limit that is both safe and resistant to denial of service: RFC 9147 Appendix B.3
 * derives v <= 2^7 forgery attempts from its 64-bit tag (v / 2^64 <= 2^-57) and says the suite MUST NOT be used without
 * additional safeguards against forgery. The default is that 2^7 per key. DTLS 1.3 asks for new keys at
 * {@link INTEGRITY_KEY_UPDATE_THRESHOLD} of it and, from {@link INTEGRITY_RATE_THRESHOLD} of it, spends the rest at a
 * bounded rate (`limits.integrityBudgetSeconds`), so forgeries make it rekey rather than close or stall; DTLS 1.2,
 * which cannot rekey, does what `limits.integrityPolicy12` says (docs/security/ccm8.md).
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
 * Fraction of the current read key's integrity limit at which a DTLS 1.3 endpoint asks the peer for new keys (a
 * KeyUpdate with update_requested): RFC 9147 §4.5.3 lets it update before the limit; 16 of AES-128-CCM-8's 2^7. DTLS
 * 1.2 cannot rekey.
 */
export const INTEGRITY_KEY_UPDATE_THRESHOLD = 1 / 8;

/**
 * Fraction of a DTLS 1.3 read key's integrity limit from which its failures are rate-limited
 * (`limits.integrityBudgetSeconds`; IntegrityMonitor): 96 of AES-128-CCM-8's 2^7. Below it every record is opened and
 * counted, so a forger cannot hold the peer's records back without spending the key. The 80 failures between the
 * KeyUpdate asked for at {@link INTEGRITY_KEY_UPDATE_THRESHOLD} and here are the time the update has to land at full
 * speed: the peer's KeyUpdate and its records under the old key still open while they last (at 1,000 forgeries a
 * second, 80 ms: one and a half round trips of 50 ms). The quarter past it lasts at least 32 s (one failure a second at
 * least), time for the KeyUpdate's retransmissions however fast forgeries come: a burst cannot spend the whole limit
 * before the update lands. (At 1/2, the KeyUpdate of a 50 ms round trip lost that race at 1,000 forgeries a second: 0.1
 * % of genuine records delivered, against 80 % at 3/4; `npm run bench -- attacks`.)
 */
export const INTEGRITY_RATE_THRESHOLD = 3 / 4;

/**
 * Read keys whose integrity limit is at most this take one failed record a datagram (IntegrityMonitor): AES-128-CCM-8's
 * 2^7, or a limit set as low. The records after a datagram's first failure are dropped untried, so a datagram of forged
 * records spends one of the key's few forgeries, not a second's CPU budget (`limits.maxFailedAuthenticationsPerSecond`,
 * 100) at once. The other AEADs' limits (2^23.5, 2^36) are far above it.
 */
export const PACED_INTEGRITY_LIMIT = 2 ** 16;

/** Fraction of the confidentiality limit at which a KeyUpdate is signalled as due (so it completes before the limit). */
export const KEY_UPDATE_THRESHOLD = 0.75;
