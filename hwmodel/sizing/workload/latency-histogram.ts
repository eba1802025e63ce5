/**
 * A per-record latency distribution in logarithmic bins of 1% width (from
 * 0.1 ns to about 17 s), so millions of records cost a fixed 2,600 counts
 * and a quantile is read to within 1% (the bin's upper edge: never below
 * the true value); `Merged` reads several (a run's phases) as one, with the
 * records never delivered at +∞. `pooled` adds several runs' histograms into
 * one, and `atRank` reads its r-th smallest record: the upper edge of the
 * bin holding it, so never below that record and less than 1% above it
 * (the bins share their edges, so pooling loses nothing more).
 */
const FLOOR_NS = 0.1;
const GROWTH = 1.01;
const BINS = 2600;
const LOG_GROWTH = Math.log(GROWTH);

/** A histogram as plain data: its bins' counts, and its records' count, sum and largest (ns). */
export interface HistogramParts {
  readonly counts: Float64Array;
  readonly count: number;
  readonly sum: number;
  readonly max: number;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(BINS);
  #count = 0;
  #sum = 0;
  #max = 0;

  get count(): number {
    return this.#count;
  }

  get meanNs(): number {
    return this.#count === 0 ? NaN : this.#sum / this.#count;
  }

  get maxNs(): number {
    return this.#max;
  }

  add(ns: number): void {
    const i = ns <= FLOOR_NS ? 0 : Math.min(BINS - 1, Math.ceil(Math.log(ns / FLOOR_NS) / LOG_GROWTH));
    this.#counts[i]! += 1;
    this.#count++;
    this.#sum += ns;
    if (ns > this.#max) this.#max = ns;
  }

  /** The `q` quantile (0 < q ≤ 1), ns: the upper edge of the bin holding it (at most the largest seen); NaN when empty. */
  quantile(q: number): number {
    if (!(q > 0 && q <= 1)) throw new RangeError(`quantile must be in (0, 1], got ${String(q)}`);
    if (this.#count === 0) return NaN;
    return this.atRank(Math.ceil(q * this.#count));
  }

  /**
   * The `rank`-th smallest record (1 ≤ rank ≤ count), ns: the upper edge of the bin holding it, at most the largest
   * seen (the last bin, which holds everything above its lower edge: the largest seen).
   */
  atRank(rank: number): number {
    if (!(Number.isInteger(rank) && rank >= 1 && rank <= this.#count))
      throw new RangeError(`rank must be a whole number from 1 to ${this.#count}, got ${String(rank)}`);
    let seen = 0;
    for (let i = 0; i < BINS - 1; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#max, FLOOR_NS * GROWTH ** i);
    }
    return this.#max;
  }

  /** Its counts and sums as plain data (a run cached or sent from a worker thread, run-encoding.ts). */
  parts(): HistogramParts {
    return { counts: this.#counts.slice(), count: this.#count, sum: this.#sum, max: this.#max };
  }

  /** The histogram `parts` gives, the same to the bit; a RangeError when they are not a histogram's. */
  static fromParts(p: HistogramParts): LatencyHistogram {
    if (!(p.counts instanceof Float64Array) || p.counts.length !== BINS)
      throw new RangeError(`a latency histogram has ${BINS} bins`);
    for (const x of [p.count, p.sum, p.max])
      if (typeof x !== 'number' || !(x >= 0)) throw new RangeError('a latency histogram counts and sums from 0');
    const h = new LatencyHistogram();
    h.#counts.set(p.counts);
    h.#count = p.count;
    h.#sum = p.sum;
    h.#max = p.max;
    return h;
  }

  /** One histogram holding every record of `parts` (several runs' records pooled). */
  static pooled(parts: readonly LatencyHistogram[]): LatencyHistogram {
    const h = new LatencyHistogram();
    for (const p of parts) {
      for (let i = 0; i < BINS; i++) h.#counts[i]! += p.#counts[i]!;
      h.#count += p.#count;
      h.#sum += p.#sum;
      h.#max = Math.max(h.#max, p.#max);
    }
    return h;
  }
}

/** Several phases' histograms read as one, with `lost` records at +∞. */
export class Merged {
  private readonly parts: readonly LatencyHistogram[];
  constructor(parts: readonly LatencyHistogram[]) {
    this.parts = parts;
  }
  mean(): number {
    const n = this.parts.reduce((s, h) => s + h.count, 0);
    return n === 0 ? NaN : this.parts.reduce((s, h) => s + h.meanNs * h.count, 0) / n;
  }
  quantile(q: number, lost: number): number {
    const present = this.parts.filter((h) => h.count > 0);
    const n = present.reduce((s, h) => s + h.count, 0);
    if (n + lost === 0) return NaN;
    const rank = Math.ceil(q * (n + lost));
    if (rank > n) return Infinity;
    if (present.length === 1) return present[0]!.quantile(rank / n);
    // The smallest of the parts' quantiles at which the merged count reaches the rank (each part's quantile is monotone).
    let lo = 0;
    let hi = Math.max(...present.map((h) => h.maxNs));
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      const below = present.reduce((s, h) => s + countBelow(h, mid), 0);
      if (below >= rank) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

/** Records of `h` at or below `ns`, by bisection on its quantiles. */
function countBelow(h: LatencyHistogram, ns: number): number {
  let lo = 0;
  let hi = h.count;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (h.quantile(mid / h.count) <= ns) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
