/**
 * Building a profile from measurements (what `dtls13 simulate --calibrate`
 * produces): measured software figures replace the base profile's, the rest
 * is kept and listed in `metadata.notes`.
 */
import { ConfigError } from '../../runtime/config-error.js';
import type { CryptoCostOverrides, CryptoCostTable, LinearCost } from './crypto-table.js';
import { DEFAULT_PROFILE } from './default-profile.js';
import { checkProfile } from './profile.js';
import type { ProcessingCosts, TimingProfile } from './profile.js';

/** Measured figures: µs per operation and ns per byte, keyed like the cost table. */
export interface Measurements {
  readonly machine: string;
  /** ISO 8601; when measured. */
  readonly date: string;
  /** Crypto provider measured (`node`, `noble`). */
  readonly provider: string;
  /** Measured software costs; anything absent keeps the base profile's figure. */
  readonly crypto: CryptoCostOverrides;
  /** Software lanes (cores given to crypto). */
  readonly lanes?: number;
  /** Measured per-message and per-record CPU time (software platform); absent figures keep the base profile's. */
  readonly processing?: Partial<ProcessingCosts>;
  readonly loadFactor?: number;
}

/** One timing sample: `us` µs for an operation on `bytes` bytes. */
export interface CostSample {
  readonly bytes: number;
  readonly us: number;
}

/**
 * A calibrated profile: `base` (the built-in defaults unless given) with the
 * measured entries put in; checked like a loaded profile (ConfigError naming
 * the field path of a bad measurement).
 */
export function profileFromMeasurements(m: Measurements, base: TimingProfile = DEFAULT_PROFILE): TimingProfile {
  const table = mergeTable(base.crypto.software.table, m.crypto);
  const kept = unmeasured(base.crypto.software.table, m.crypto);
  for (const k of ['messageUs', 'recordUs'] as const) if (m.processing?.[k] === undefined) kept.push(`processing.${k}`);
  const notes =
    kept.length === 0
      ? 'All crypto and processing figures measured.'
      : `Not measured, base figures kept: ${kept.join(', ')}.`;
  return checkProfile({
    ...base,
    metadata: { machine: m.machine, date: m.date, provider: m.provider, source: 'calibrated', notes },
    crypto: { software: { lanes: m.lanes ?? base.crypto.software.lanes, table }, accelerated: base.crypto.accelerated },
    processing: { ...base.processing, ...m.processing },
    loadFactor: m.loadFactor ?? base.loadFactor,
  });
}

/**
 * Least-squares fit of `us = setupUs + perByteNs/1000 × bytes` to samples at
 * two or more distinct sizes; negative fitted terms are clamped to 0.
 */
export function fitLinearCost(samples: readonly CostSample[]): LinearCost {
  const n = samples.length;
  const meanX = samples.reduce((s, p) => s + p.bytes, 0) / n;
  const meanY = samples.reduce((s, p) => s + p.us, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of samples) {
    sxx += (p.bytes - meanX) ** 2;
    sxy += (p.bytes - meanX) * (p.us - meanY);
  }
  if (n < 2 || sxx === 0 || !Number.isFinite(sxy))
    throw new ConfigError('samples', 'need finite samples at two or more distinct sizes');
  const slope = Math.max(0, sxy / sxx);
  return { setupUs: Math.max(0, meanY - slope * meanX), perByteNs: slope * 1000 };
}

type Section = keyof CryptoCostTable;
const SECTIONS: readonly Section[] = ['aead', 'mask', 'hash', 'hmac', 'hkdf', 'keyExchange', 'signature'];

function mergeTable(base: CryptoCostTable, measured: CryptoCostOverrides): CryptoCostTable {
  const out: Record<string, unknown> = {};
  for (const s of SECTIONS) out[s] = { ...base[s], ...measured[s] };
  return out as unknown as CryptoCostTable;
}

function unmeasured(base: CryptoCostTable, measured: CryptoCostOverrides): string[] {
  const kept: string[] = [];
  for (const s of SECTIONS) {
    const m: object = measured[s] ?? {};
    for (const k of Object.keys(base[s])) if (!(k in m)) kept.push(`${s}.${k}`);
  }
  return kept;
}
