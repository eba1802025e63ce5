/**
 * The flow model's arrival sampling: a train's length (geometric) and
 * the sessions' popularity (Zipf), seeded through the run's streams.
 */
import type { SeededRandom } from '../../kernel/index.js';

/** A geometric count with mean `mean` (≥ 1). */
export function geometric(r: SeededRandom, mean: number): number {
  const p = 1 / mean;
  return 1 + Math.floor(Math.log(1 - r.next()) / Math.log(1 - p));
}

const zipfCache = new Map<string, Float64Array>();

/** The cumulative Zipf distribution over `n` sessions with exponent `s`. */
export function zipfTable(n: number, s: number): Float64Array {
  const key = `${n}:${s}`;
  const hit = zipfCache.get(key);
  if (hit !== undefined) return hit;
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cdf[i] = sum += 1 / (i + 1) ** s;
  for (let i = 0; i < n; i++) cdf[i]! /= sum;
  zipfCache.set(key, cdf);
  return cdf;
}
