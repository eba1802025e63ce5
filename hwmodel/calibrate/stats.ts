/**
 * Summaries of timing samples. Wall-clock samples of single calls have a
 * long upper tail (interrupts, another process on the core): medians and
 * trimmed means. Batches on the CPU clock: means (their tail, the garbage
 * collector, is part of the cost).
 */
import { ConfigError } from '../../runtime/config-error.js';

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new ConfigError('samples', 'need at least one sample');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The arithmetic mean of `values`. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new ConfigError('samples', 'need at least one sample');
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The mean of `values` without the lowest and highest `fraction` of them
 * (each side; 0.1 drops 10 % at either end, 0 is the plain mean).
 */
export function trimmedMean(values: readonly number[], fraction = 0.1): number {
  if (values.length === 0) throw new ConfigError('samples', 'need at least one sample');
  if (!(fraction >= 0 && fraction < 0.5))
    throw new ConfigError('fraction', `must be in [0, 0.5), got ${String(fraction)}`);
  const s = [...values].sort((a, b) => a - b);
  const cut = Math.floor(s.length * fraction);
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/**
 * The `q` quantile of `values` (0: the smallest, 1: the largest; the
 * `(n − 1) × q`th smallest, linearly interpolated).
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new ConfigError('samples', 'need at least one sample');
  if (!(q >= 0 && q <= 1)) throw new ConfigError('quantile', `must be in [0, 1], got ${String(q)}`);
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

/**
 * What times one record, from timed chunks of records: their 10 % quantile.
 * On this shared machine the chunks (about 15 ms each) fall in a fast
 * cluster and a slow one two to three times slower: collections of the
 * calibration's own heap (its samples) and slow spells of the machine,
 * which the CPU clock still shows, made up 40 % of the chunks and at times
 * most of them. A median of a handful landed in either cluster from run to
 * run; the fast cluster itself is tight (within about 5 %) and carries the
 * record's own garbage (scavenges every few hundred records).
 */
export function recordTime(chunkUs: readonly number[]): number {
  return quantile(chunkUs, 0.1);
}
