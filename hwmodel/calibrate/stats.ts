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
  if (!(fraction >= 0 && fraction < 0.5)) throw new ConfigError('fraction', `must be in [0, 0.5), got ${String(fraction)}`);
  const s = [...values].sort((a, b) => a - b);
  const cut = Math.floor(s.length * fraction);
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}
