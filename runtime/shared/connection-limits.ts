import { ConfigError, integerOption } from '../config-error.js';
import { DEFAULT_INTEGRITY_BUDGET_SECONDS } from '../record/integrity-monitor.js';
import {
  DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
  DEFAULT_MAX_RECORDS_PER_DATAGRAM,
} from '../record/record-reader.js';

/**
 * What one connection may hold for its peer at most. Each cap bounds memory a peer (or someone spoofing it) can make us
 * keep; every one is an option (`limits`) with the default below.
 */
export interface ConnectionLimits {
  /** Bytes of handshake fragments buffered for reassembly, over all pending messages (default 65,536). */
  readonly maxReassemblyBytes: number;
  /** Bytes of records kept until their keys exist, plus early application data held until the handshake ends (default 16,384). */
  readonly maxDeferredBytes: number;
  /** Record numbers remembered for the next ACK (default 32: an ACK of 32 fits any datagram). */
  readonly maxAckRecords: number;
  /** Application read epochs retained at once: current, previous (reordered records), and unused updates (default 4). */
  readonly maxReadEpochs: number;
  /**
   * Records read from one datagram at most (default 128); the rest is dropped unread. A 65,507-byte datagram holds over
   * 3,000 minimal records, each a decryption attempt.
   */
  readonly maxRecordsPerDatagram: number;
  /**
   * Records that may fail authentication (AEAD open) per second (default 100); past it, until the second ends, a
   * datagram's records are not opened after its first failure. Bounds the CPU a forged-record flood costs to one
   * decryption a datagram, without stopping the peer's own records from opening.
   */
  readonly maxFailedAuthenticationsPerSecond: number;
  /**
   * Seconds of forgery the rate-limited part of a read key's integrity limit (RFC 9147 §4.5.3) lasts at least (default
   * 128; 0: no bound): past part / this failures in a second, the key's records are dropped untried until it ends. DTLS
   * 1.3 rate-limits the limit's last quarter (AES-128-CCM-8: 96 failures, then one a second); DTLS 1.2 all of it under
   * `integrityPolicy12: 'rate'`.
   */
  readonly integrityBudgetSeconds: number;
  /**
   * What a DTLS 1.2 session, which cannot rekey, does as records fail authentication (docs/security/ccm8.md): 'count'
   * (default) counts them, never closing (a forgery succeeds with probability ≤ 2^-64 per try with CCM-8); 'rate'
   * spends the integrity limit over `integrityBudgetSeconds` (a forger stalls the session); 'close' ends it with
   * bad_record_mac at the limit (RFC 9147 §4.5.3; 2^7 forgeries end a CCM-8 session).
   */
  readonly integrityPolicy12: IntegrityPolicy12;
}

/** `limits.integrityPolicy12`: what a DTLS 1.2 session does as records fail authentication under its key. */
export type IntegrityPolicy12 = 'count' | 'rate' | 'close';

const INTEGRITY_POLICIES_12: readonly IntegrityPolicy12[] = ['count', 'rate', 'close'];

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxReassemblyBytes: 65_536,
  maxDeferredBytes: 16_384,
  maxAckRecords: 32,
  maxReadEpochs: 4,
  maxRecordsPerDatagram: DEFAULT_MAX_RECORDS_PER_DATAGRAM,
  maxFailedAuthenticationsPerSecond: DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
  integrityBudgetSeconds: DEFAULT_INTEGRITY_BUDGET_SECONDS,
  integrityPolicy12: 'count',
};

/** Checks `limits` options (ConfigError naming `limits.<name>`) and fills in the defaults. */
export function resolveLimits(given: Partial<ConnectionLimits> | undefined): ConnectionLimits {
  if (given !== undefined && (typeof given !== 'object' || given === null))
    throw new ConfigError('limits', 'must be an object');
  const d = DEFAULT_CONNECTION_LIMITS;
  if (given === undefined) return d; // one object for every configuration without limits of its own
  const g = given;
  return {
    maxReassemblyBytes: integerOption(
      'limits.maxReassemblyBytes',
      g.maxReassemblyBytes ?? d.maxReassemblyBytes,
      4_096,
      16_777_216,
    ),
    maxDeferredBytes: integerOption('limits.maxDeferredBytes', g.maxDeferredBytes ?? d.maxDeferredBytes, 0, 16_777_216),
    maxAckRecords: integerOption('limits.maxAckRecords', g.maxAckRecords ?? d.maxAckRecords, 1, 1_000),
    maxReadEpochs: integerOption('limits.maxReadEpochs', g.maxReadEpochs ?? d.maxReadEpochs, 2, 64),
    maxRecordsPerDatagram: integerOption(
      'limits.maxRecordsPerDatagram',
      g.maxRecordsPerDatagram ?? d.maxRecordsPerDatagram,
      1,
      65_535,
    ),
    maxFailedAuthenticationsPerSecond: integerOption(
      'limits.maxFailedAuthenticationsPerSecond',
      g.maxFailedAuthenticationsPerSecond ?? d.maxFailedAuthenticationsPerSecond,
      1,
      1_000_000,
    ),
    integrityBudgetSeconds: integerOption(
      'limits.integrityBudgetSeconds',
      g.integrityBudgetSeconds ?? d.integrityBudgetSeconds,
      0,
      86_400,
    ),
    integrityPolicy12: integrityPolicy12(g.integrityPolicy12 ?? d.integrityPolicy12),
  };
}

function integrityPolicy12(value: unknown): IntegrityPolicy12 {
  if (INTEGRITY_POLICIES_12.includes(value as IntegrityPolicy12)) return value as IntegrityPolicy12;
  throw new ConfigError(
    'limits.integrityPolicy12',
    `must be 'count', 'rate' or 'close', got ${JSON.stringify(value) ?? String(value)}`,
  );
}
