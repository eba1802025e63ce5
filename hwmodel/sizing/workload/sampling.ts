/**
 * The flow model's arrival sampling: a train's length (geometric), a uniform session index and the sessions'
 * popularity (Zipf), seeded through the run's streams. `Geometric` and `UniformInt` draw exactly the numbers
 * `geometric` and SeededRandom's `int` draw from the same stream, with what depends only on their parameter worked
 * out once rather than at every draw (a `Math.log`; a remainder of doubles, which v8 computes slowly).
 */
import type { SeededRandom } from '../../kernel/index.js';

/** A geometric count with mean `mean` (≥ 1). */
export function geometric(r: SeededRandom, mean: number): number {
  const p = 1 / mean;
  return 1 + Math.floor(Math.log(1 - r.next()) / Math.log(1 - p));
}

/** `geometric(r, mean)` for one `mean`. */
export class Geometric {
  readonly #logQ: number;
  constructor(mean: number) {
    const p = 1 / mean;
    this.#logQ = Math.log(1 - p);
  }
  draw(r: SeededRandom): number {
    return 1 + Math.floor(Math.log(1 - r.next()) / this.#logQ);
  }
}

/** `r.int(n)` for one `n` (an integer in 1..2^32, else RangeError): the same draws, rejected as it rejects them. */
export class UniformInt {
  readonly #n: number;
  readonly #limit: number;
  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000)
      throw new RangeError(`random.int(n): n must be an integer in 1..2^32, got ${String(n)}`);
    this.#n = n;
    this.#limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
  }
  draw(r: SeededRandom): number {
    let x = r.nextUint32();
    while (x >= this.#limit) x = r.nextUint32();
    // x % n: below 2^32, x / n is never rounded across a whole number (its error is under 1 / n), so the quotient's
    // floor is exact, and so is the product and the difference (whole numbers below 2^53).
    return x - Math.floor(x / this.#n) * this.#n;
  }
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
