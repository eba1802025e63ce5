import { ConfigError } from '../config-error.js';
import { integer, option, resolveRows, type RowType } from '../option-row.js';
import { DEFAULT_INTEGRITY_BUDGET_SECONDS } from '../record/integrity-monitor.js';
import {
  DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
  DEFAULT_MAX_RECORDS_PER_DATAGRAM,
} from '../record/record-reader.js';

/** `limits.integrityPolicy12`: what a DTLS 1.2 session does as records fail authentication under its key. */
export type IntegrityPolicy12 = 'count' | 'rate' | 'close';

/**
 * What one connection may hold for its peer at most, a row each (runtime/option-row.ts). Each cap bounds memory a peer
 * (or someone spoofing it) can make us keep; every one is an option (`limits`) with its row's default.
 */
export const LIMIT_OPTIONS = {
  /** Bytes of handshake fragments buffered for reassembly, over all pending messages (default 65,536). */
  maxReassemblyBytes: integer({ min: 4_096, max: 16_777_216, default: 65_536 }),
  /** Bytes of records kept until their keys exist, plus early application data held until the handshake ends (default 16,384). */
  maxDeferredBytes: integer({ min: 0, max: 16_777_216, default: 16_384 }),
  /** Record numbers remembered for the next ACK (default 32: an ACK of 32 fits any datagram). */
  maxAckRecords: integer({ min: 1, max: 1_000, default: 32 }),
  /** Application read epochs retained at once: current, previous (reordered records), and unused updates (default 4). */
  maxReadEpochs: integer({ min: 2, max: 64, default: 4 }),
  /**
   * Records read from one datagram at most (default 128); the rest is dropped unread. A 65,507-byte datagram holds over
   * 3,000 minimal records, each a decryption attempt.
   */
  maxRecordsPerDatagram: integer({ min: 1, max: 65_535, default: DEFAULT_MAX_RECORDS_PER_DATAGRAM }),
  /**
   * Records that may fail authentication (AEAD open) per second (default 100); past it, until the second ends, a
   * datagram's records are not opened after its first failure. Bounds the CPU a forged-record flood costs to one
   * decryption a datagram, without stopping the peer's own records from opening.
   */
  maxFailedAuthenticationsPerSecond: integer({
    min: 1,
    max: 1_000_000,
    default: DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
  }),
  /**
   * Seconds of forgery the rate-limited part of a read key's integrity limit (RFC 9147 §4.5.3) lasts at least (default
   * 128; 0: no bound): past part / this failures in a second, the key's records are dropped untried until it ends. DTLS
   * 1.3 rate-limits the limit's last quarter (AES-128-CCM-8: 96 failures, then one a second); DTLS 1.2 all of it under
   * `integrityPolicy12: 'rate'`.
   */
  integrityBudgetSeconds: integer({ min: 0, max: 86_400, default: DEFAULT_INTEGRITY_BUDGET_SECONDS }),
  /**
   * What a DTLS 1.2 session, which cannot rekey, does as records fail authentication (docs/security/ccm8.md): 'count'
   * (default) counts them, never closing (a forgery succeeds with probability ≤ 2^-64 per try with CCM-8); 'rate'
   * spends the integrity limit over `integrityBudgetSeconds` (a forger stalls the session); 'close' ends it with
   * bad_record_mac at the limit (RFC 9147 §4.5.3; 2^7 forgeries end a CCM-8 session).
   */
  integrityPolicy12: option<IntegrityPolicy12>({ oneOf: ['count', 'rate', 'close'], default: 'count' }),
};

/** What one connection may hold for its peer at most: every row of {@link LIMIT_OPTIONS}, resolved. */
export type ConnectionLimits = { readonly [K in keyof typeof LIMIT_OPTIONS]-?: RowType<(typeof LIMIT_OPTIONS)[K]> };

/** Every limit at its row's default. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = resolveRows(LIMIT_OPTIONS, {});

/** Checks `limits` options (ConfigError naming `limits.<name>`) and fills in the defaults. */
export function resolveLimits(given: Partial<ConnectionLimits> | undefined): ConnectionLimits {
  if (given !== undefined && (typeof given !== 'object' || given === null))
    throw new ConfigError('limits', 'must be an object');
  // one object for every configuration without limits of its own
  return given === undefined ? DEFAULT_CONNECTION_LIMITS : resolveRows(LIMIT_OPTIONS, given, 'limits.');
}
