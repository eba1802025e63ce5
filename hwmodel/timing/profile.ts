/**
 * `TimingProfile`: the figures every timing model takes, as one versioned
 * JSON document (format `dtls13-timing-profile`, version 2: the
 * accelerator in cycles; the network and memory figures are the spec/hw
 * modules' parameters, not the profile's). Field by field:
 * hwmodel/DESIGN.md, "Timing and trace".
 */
import { ConfigError } from '../../runtime/config-error.js';
import { checkAcceleratedCrypto, checkSoftwareCrypto } from './crypto-table-check.js';
import type { CryptoProfile } from './crypto-model.js';
import { join, number, object, onlyKeys, string } from './validate.js';

/** The `format` value of every profile. */
export const PROFILE_FORMAT = 'dtls13-timing-profile';
/** The profile version this code reads and writes. */
export const PROFILE_VERSION = 2;

/** Where a profile's figures come from. */
export const PROFILE_SOURCES = ['default', 'calibrated', 'manual'] as const;

/** Who measured what, where and when. */
export interface ProfileMetadata {
  /** The machine measured (CPU model, cores), or a description for hand-written figures. */
  readonly machine: string;
  /** When measured, ISO 8601. */
  readonly date: string;
  /** The crypto provider measured (`node`, `noble`), or `none`. */
  readonly provider: string;
  readonly source: (typeof PROFILE_SOURCES)[number];
  readonly notes?: string;
}

/**
 * CPU time of the protocol work outside the costed crypto operations, on the
 * software platform (hwmodel/DESIGN.md, "Binding the real core"): parsing,
 * building and dispatching messages, the charts, the record framing, key
 * setup (`aead_key`, `key_import`, `random` are not costed on their own).
 */
export interface ProcessingCosts {
  /** µs per handshake message received or sent. */
  readonly messageUs: number;
  /** µs per record received or datagram sent. */
  readonly recordUs: number;
  /**
   * µs of the host's socket path per datagram sent or received (system
   * calls, the event loop, the UDP endpoint's dispatch), charged only by a
   * software-platform run with `sockets` (a UDP server); absent or 0 in an
   * in-memory calibration, which hands datagrams across. Fitted by
   * `npm run bench -- hwmodel` on one real-UDP configuration.
   */
  readonly datagramUs?: number;
  /**
   * µs of the server's socket path per datagram sent or received, when it
   * differs from a client's: a server drains its socket in batches
   * (recvmmsg, runtime/node/datagram-io.ts), a client reads one datagram per
   * event. Absent: `datagramUs` for both. Charged like `datagramUs`, by the
   * server host only. Measured, not fitted, by
   * `DTLS13_BENCH_HWMODEL_PART=sockets npm run bench -- hwmodel` (each end's
   * socket path on its own, in two processes); the validation does not use
   * it (see hwmodel/DESIGN.md).
   */
  readonly serverDatagramUs?: number;
  /**
   * µs to create one connection (DtlsConnection.client or .server: its
   * configuration, chart and record layer), charged by a software host with
   * the connection's first call (a client's connect, a server's first
   * datagram); absent or 0: not charged. Measured by the calibration
   * (creating a handshake's two connections, over two).
   */
  readonly connectionUs?: number;
  /**
   * µs each end of a connection pays over sockets beyond creating the
   * DtlsConnection (a client's UDP socket, bound and closed; a server's
   * entry for the new peer; the endpoint's timers and promises), charged
   * like `connectionUs`, with the connection's first call, by a software
   * run with `sockets` only. Unlike `datagramUs` it comes at a
   * connection's start, before its handshake's first datagram: a burst of
   * clients pays it all before any completes. Fitted by
   * `npm run bench -- hwmodel` with `datagramUs`, on one real-UDP
   * configuration's throughput and mean latency.
   */
  readonly endpointUs?: number;
}

/** Every figure the timing models take. */
export interface TimingProfile {
  readonly format: typeof PROFILE_FORMAT;
  readonly version: typeof PROFILE_VERSION;
  readonly metadata: ProfileMetadata;
  readonly crypto: CryptoProfile;
  /** Per-message and per-record CPU time of the software platform. */
  readonly processing: ProcessingCosts;
  /** Multiplier on compute (crypto) costs for background load; 1 = idle. */
  readonly loadFactor: number;
}

/** Checks a parsed JSON value as a profile; ConfigError names the first bad field path. */
export function checkProfile(value: unknown): TimingProfile {
  const v = object(value, 'profile');
  onlyKeys(v, '', ['format', 'version', 'metadata', 'crypto', 'processing', 'loadFactor']);
  if (v['format'] !== PROFILE_FORMAT)
    throw new ConfigError('format', `must be "${PROFILE_FORMAT}", got ${JSON.stringify(v['format']) ?? 'nothing'}`);
  if (v['version'] !== PROFILE_VERSION)
    throw new ConfigError(
      'version',
      `must be ${PROFILE_VERSION} (the version this dtls13 reads), got ${JSON.stringify(v['version']) ?? 'nothing'}`,
    );
  const crypto = object(v['crypto'], 'crypto');
  onlyKeys(crypto, 'crypto', ['software', 'accelerated']);
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    metadata: checkMetadata(v['metadata'], 'metadata'),
    crypto: {
      software: checkSoftwareCrypto(crypto['software'], 'crypto.software'),
      accelerated: checkAcceleratedCrypto(crypto['accelerated'], 'crypto.accelerated'),
    },
    processing: checkProcessing(v['processing'], 'processing'),
    loadFactor: number(v['loadFactor'], 'loadFactor', { min: 0, exclusiveMin: true }),
  };
}

/** Parses and checks profile JSON text (ConfigError `profile` for text that is not JSON). */
export function parseProfile(text: string): TimingProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('profile', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return checkProfile(value);
}

/** The profile as JSON text (two-space indent, trailing newline); `parseProfile` reads it back unchanged. */
export function serializeProfile(profile: TimingProfile): string {
  return `${JSON.stringify(checkProfile(profile), null, 2)}\n`;
}

/** Checks `processing`: both figures finite and non-negative. */
export function checkProcessing(value: unknown, path: string): ProcessingCosts {
  const v = object(value, path);
  onlyKeys(v, path, ['messageUs', 'recordUs', 'datagramUs', 'serverDatagramUs', 'connectionUs', 'endpointUs']);
  return {
    messageUs: number(v['messageUs'], join(path, 'messageUs'), { min: 0 }),
    recordUs: number(v['recordUs'], join(path, 'recordUs'), { min: 0 }),
    ...(v['datagramUs'] === undefined
      ? {}
      : { datagramUs: number(v['datagramUs'], join(path, 'datagramUs'), { min: 0 }) }),
    ...(v['serverDatagramUs'] === undefined
      ? {}
      : { serverDatagramUs: number(v['serverDatagramUs'], join(path, 'serverDatagramUs'), { min: 0 }) }),
    ...(v['connectionUs'] === undefined
      ? {}
      : { connectionUs: number(v['connectionUs'], join(path, 'connectionUs'), { min: 0 }) }),
    ...(v['endpointUs'] === undefined
      ? {}
      : { endpointUs: number(v['endpointUs'], join(path, 'endpointUs'), { min: 0 }) }),
  };
}

function checkMetadata(value: unknown, path: string): ProfileMetadata {
  const v = object(value, path);
  onlyKeys(v, path, ['machine', 'date', 'provider', 'source', 'notes']);
  const source = string(v['source'], join(path, 'source'));
  if (!(PROFILE_SOURCES as readonly string[]).includes(source))
    throw new ConfigError(join(path, 'source'), `must be one of ${PROFILE_SOURCES.join(', ')}, got "${source}"`);
  const date = string(v['date'], join(path, 'date'));
  if (Number.isNaN(Date.parse(date)))
    throw new ConfigError(join(path, 'date'), `must be an ISO 8601 date, got "${date}"`);
  const base = {
    machine: string(v['machine'], join(path, 'machine')),
    date,
    provider: string(v['provider'], join(path, 'provider')),
    source: source as ProfileMetadata['source'],
  };
  return v['notes'] === undefined ? base : { ...base, notes: string(v['notes'], join(path, 'notes')) };
}
