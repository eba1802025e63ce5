import { releaseOwnTicketKeys } from '../session/ticket-key-cache.js';
import type { ConnectionOptions } from '../connection/connection.js';
import { DtlsConnection } from '../connection/connection.js';
import { ConfigError } from '../config-error.js';
import type { AntiReplayStore } from '../session/anti-replay.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import { antiReplayWaitLimits, type AntiReplayWaitOptions } from '../node/anti-replay-wait.js';
import { hostPrefixes } from '../node/host-key.js';
import { LISTEN_OPTION_NAMES, type Filled } from './option-names.js';

export interface UdpServerOptions extends Omit<ConnectionOptions, 'antiReplay' | 'amplificationLimit'> {
  /**
   * The 0-RTT anti-replay store (RFC 8446 §8; default: this process's memory); servers sharing `ticketKeys` share it
   * too (`RedisAntiReplay`). With `cookies: false` only a synchronous store can admit early data.
   */
  readonly antiReplay?: AntiReplayStore;
  /** Caps on what is held while an asynchronous `antiReplay` store decides (see {@link AntiReplayWaitOptions}). */
  readonly antiReplayWait?: AntiReplayWaitOptions;
  /** Answer new clients with a stateless cookie HelloRetryRequest (RFC 9147 §5.1) (default true). */
  readonly cookies?: boolean;
  readonly idleTimeoutMs?: number;
  /** Leading bits of an IPv4 source address that name one host for the per-host limits (default 32; 8..32). */
  readonly ipv4HostPrefix?: number;
  /** Leading bits of an IPv6 source address that name one host (default 56, RFC 6177; 16..128). */
  readonly ipv6HostPrefix?: number;
  /** The DTLS 1.2 suites, in preference order (from `ciphers`; default: runtime/dtls12/config.ts's). */
  readonly cipherSuites12?: readonly Dtls12CipherSuite[];
  /** DTLS 1.2: refuse a client without extended_master_secret (RFC 7627; default true). */
  readonly requireExtendedMasterSecret?: boolean;
}

/** The limits listen's option table fills (option-names.ts, rows with `to: 'limits.field'`), checked by serverOptions. */
export type TableLimits = Filled<typeof LISTEN_OPTION_NAMES, 'limits'>;

/** The server's limits, checked. */
export type UdpServerLimits = ReturnType<typeof validateServerOptions>;

/** Checks the server's own options (a ConfigError names the wrong one) and returns its limits, `table`'s among them. */
export function validateServerOptions(options: UdpServerOptions, table: TableLimits) {
  // minVersion and maxVersion: checked by serverOptions (its `ciphers` reads the range first); inspect and cookies by
  // their option-names.ts rows.
  const {
    inspect: _inspect,
    antiReplay,
    minVersion: _minVersion,
    maxVersion: _maxVersion,
    cipherSuites12: _cipherSuites12,
    requireExtendedMasterSecret: _ems,
    ...connectionOptions
  } = options;
  if (
    antiReplay !== undefined &&
    (typeof antiReplay !== 'object' || antiReplay === null || typeof antiReplay.admit !== 'function')
  ) {
    throw new ConfigError(
      'antiReplay',
      'must be a store with admit(key, windowMs) (MemoryAntiReplay, RedisAntiReplay)',
    );
  }
  DtlsConnection.server(connectionOptions); // the connection options, now rather than at the first client (uninspected: it is no connection)
  releaseOwnTicketKeys(connectionOptions); // the random ticket keys that check made for its throwaway options: now, not at a garbage collection
  return {
    ...table,
    // idleTimeoutMs was checked by serverOptions (runtime/api/options.ts), under either of its names.
    idleMs: options.idleTimeoutMs ?? LISTEN_OPTION_NAMES.idleTimeoutMs.default,
    hostPrefixes: hostPrefixes(options.ipv4HostPrefix, options.ipv6HostPrefix),
    antiReplayWait: antiReplayWaitLimits(options.antiReplayWait),
  };
}
