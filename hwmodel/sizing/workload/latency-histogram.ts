/**
 * A per-record latency distribution in logarithmic bins of 1% width (from
 * 0.1 ns to about 17 s), so millions of records cost a fixed 2,600 counts
 * and a quantile is read to within 1% (the bin's upper edge: never below
 * the true value).
 */
const FLOOR_NS = 0.1;
const GROWTH = 1.01;
const BINS = 2600;
const LOG_GROWTH = Math.log(GROWTH);

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
    const rank = Math.ceil(q * this.#count);
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#max, FLOOR_NS * GROWTH ** i);
    }
    return this.#max;
  }
}
