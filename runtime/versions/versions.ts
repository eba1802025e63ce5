/** The `minVersion` / `maxVersion` options (node:tls's names): by default DTLSv1.2..DTLSv1.3, both offered. */
import { ConfigError, described } from '../config-error.js';

export type DtlsVersionName = 'DTLSv1.2' | 'DTLSv1.3';

/** Oldest first; `connect` and `listen` negotiate every one. */
export const DTLS_VERSIONS: readonly DtlsVersionName[] = ['DTLSv1.2', 'DTLSv1.3'];

export const DEFAULT_MIN_VERSION: DtlsVersionName = 'DTLSv1.2';
export const DEFAULT_MAX_VERSION: DtlsVersionName = 'DTLSv1.3';

export interface VersionRange {
  readonly minVersion: DtlsVersionName;
  readonly maxVersion: DtlsVersionName;
  /** The versions offered (client) or accepted (server): those of the range, newest first. */
  readonly enabled: readonly DtlsVersionName[];
}

function versionOption(
  option: 'minVersion' | 'maxVersion',
  value: unknown,
  fallback: DtlsVersionName,
): DtlsVersionName {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (DTLS_VERSIONS as readonly string[]).includes(value))
    return value as DtlsVersionName;
  const tls = typeof value === 'string' ? /^TLSv(1\.[23])$/.exec(value) : null;
  const hint = tls ? ` (node:tls's '${value}' is 'DTLSv${tls[1]!}' in DTLS)` : '';
  throw new ConfigError(option, `must be 'DTLSv1.2' or 'DTLSv1.3', got ${described(value)}${hint}`);
}

/** Each range worked out once (there are three), shared by every configuration that names it. */
const RANGES = new Map<string, VersionRange>();

/** Validates `minVersion` and `maxVersion`: the versions the range enables. @throws ConfigError naming the option. */
export function resolveVersionRange(minVersion: unknown, maxVersion: unknown): VersionRange {
  const min = versionOption('minVersion', minVersion, DEFAULT_MIN_VERSION);
  const max = versionOption('maxVersion', maxVersion, DEFAULT_MAX_VERSION);
  const key = `${min}..${max}`;
  const known = RANGES.get(key);
  if (known !== undefined) return known;
  const lo = DTLS_VERSIONS.indexOf(min);
  const hi = DTLS_VERSIONS.indexOf(max);
  if (lo > hi) throw new ConfigError('minVersion', `${min} is above maxVersion ${max}`);
  const range = { minVersion: min, maxVersion: max, enabled: DTLS_VERSIONS.slice(lo, hi + 1).reverse() };
  RANGES.set(key, range);
  return range;
}
