import { releaseOwnTicketKeys } from '../session/ticket-key-cache.js';
import type { ConnectionOptions } from '../connection/connection.js';
import { DtlsConnection } from '../connection/connection.js';
import { ConfigError } from '../config-error.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import { antiReplayWaitLimits } from '../node/anti-replay-wait.js';
import type { TypedOptions } from '../option-row.js';
import { hostPrefixes } from '../node/host-key.js';
import { LISTEN_OPTION_NAMES, type Filled } from './option-names.js';

/** The listener's own options (their rows in option-names.ts) beside the connection's, and what `listen` sets. */
export interface UdpServerOptions
  extends
    Omit<ConnectionOptions, 'antiReplay' | 'amplificationLimit'>,
    TypedOptions<Pick<typeof LISTEN_OPTION_NAMES, ServerOwnOption>> {
  /** The DTLS 1.2 suites, in preference order (from `ciphers`; default: runtime/dtls12/config.ts's). */
  readonly cipherSuites12?: readonly Dtls12CipherSuite[];
  /** DTLS 1.2: refuse a client without extended_master_secret (RFC 7627; default true). */
  readonly requireExtendedMasterSecret?: boolean;
}

/** The listener's own options, passed on by `listen` under their names. */
type ServerOwnOption =
  'antiReplay' | 'antiReplayWait' | 'cookies' | 'idleTimeoutMs' | 'ipv4HostPrefix' | 'ipv6HostPrefix';

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
