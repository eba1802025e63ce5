/**
 * A distribution-free upper confidence bound on a latency quantile from
 * the records of every seed's run pooled: the r-th smallest of the n
 * records, r the smallest rank with P[Bin(n, q) < r] ≥ confidence. Of n
 * independent records from any continuous distribution, the number below
 * its q-quantile is Bin(n, q), so the r-th smallest lies at or above the
 * quantile with probability P[Bin(n, q) ≤ r − 1] ≥ confidence, whatever
 * the distribution. A run with too few records has no such rank (the
 * largest record is a bound only when 1 − q^n ≥ confidence: at least
 * recordsToResolve(1 − q) records) and leaves the quantile not resolved.
 *
 * The records are read from their latency histograms (latency-histogram.ts):
 * the r-th smallest at the upper edge of its 1% bin, never below the record
 * and less than 1% above it, so the bound only grows by the reading.
 * Records never delivered rank above every delivered one (+∞).
 *
 * The bound takes the records as independent draws; records of one run
 * are correlated through the queues they share, so the n records carry
 * less information than n independent ones (the same assumption the drop
 * rows avoid by counting episodes, not records).
 */
import { incompleteBeta } from './binomial-bound.js';
import type { LatencyHistogram } from './latency-histogram.js';

/**
 * The smallest rank r (1 ≤ r ≤ n) whose r-th smallest of `n` records bounds the `q` quantile from above at
 * `confidence`, P[Bin(n, q) ≤ r − 1] ≥ confidence; undefined when even the largest does not (n too small).
 */
export function upperOrderRank(n: number, q: number, confidence: number): number | undefined {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`records must be a whole number, got ${String(n)}`);
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${String(q)}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  // P[Bin(n, q) ≥ r] = I_q(r, n − r + 1), falling as r grows: the smallest r at which it is at most 1 − confidence.
  const above = (r: number): number => (r === n ? q ** n : incompleteBeta(q, r, n - r + 1));
  const alpha = 1 - confidence;
  if (n === 0 || above(n) > alpha) return undefined;
  let lo = Math.max(1, Math.floor(n * q)); // the mean: P[Bin ≥ r] there is about 1/2 or more, above alpha < 1/2
  if (above(lo) <= alpha) lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (above(mid) <= alpha) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A quantile's bound from pooled records, and what it rests on. */
export interface QuantileBound {
  /** The records pooled (delivered, and those never delivered at +∞). */
  readonly records: number;
  /** The rank read (undefined: too few records, not resolved). */
  readonly rank: number | undefined;
  /** The bound, ns: the rank-th smallest record at its bin's upper edge (+∞ if a record never delivered; NaN: no rank). */
  readonly boundNs: number;
  /** The point estimate, ns: the record at rank ⌈q n⌉ (what a screening run reads). */
  readonly pointNs: number;
}

/** The `q` quantile's upper bound at `confidence` over `pooled`'s records and `lost` never delivered. */
export function quantileBound(pooled: LatencyHistogram, lost: number, q: number, confidence: number): QuantileBound {
  const n = pooled.count + lost;
  const read = (rank: number): number => (rank > pooled.count ? Infinity : pooled.atRank(rank));
  const rank = upperOrderRank(n, q, confidence);
  return {
    records: n,
    rank,
    boundNs: rank === undefined ? NaN : read(rank),
    pointNs: n === 0 ? NaN : read(Math.max(1, Math.ceil(q * n))),
  };
}
