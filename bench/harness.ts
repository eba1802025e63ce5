/**
 * A small rate meter: runs a function in timed rounds after a warm-up and
 * reports the median rate. Results flow into a sink so the optimizer can't
 * drop the work.
 */

let sink = 0;

/** Fold a result into the sink (cheaply) so the call can't be optimized away. */
export function consume(x: unknown): void {
  sink = (sink + (x === undefined ? 0 : 1)) | 0;
}

export interface Rate {
  readonly name: string;
  /** Operations per second (median of the rounds). */
  readonly opsPerSec: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One timed round: calls `fn` in batches of 1000 for `ms` milliseconds; returns ops/s. */
function round(fn: () => unknown, ms: number): number {
  let ops = 0;
  const t0 = performance.now();
  let t1 = t0;
  while (t1 - t0 < ms) {
    for (let i = 0; i < 1000; i++) consume(fn());
    ops += 1000;
    t1 = performance.now();
  }
  return (ops * 1000) / (t1 - t0);
}

function warm(fn: () => unknown, ms: number): void {
  round(fn, ms);
}

export function measure(name: string, fn: () => unknown, options: { rounds?: number; roundMs?: number } = {}): Rate {
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 200;
  warm(fn, roundMs);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(round(fn, roundMs));
  return { name, opsPerSec: median(rates) };
}

/**
 * Rates of `fn` and of a `baseline` measured in alternating rounds, so drift
 * in machine speed hits both alike; `ratio` is the median of the per-round
 * ratios fn/baseline.
 */
export function compare(
  fn: () => unknown,
  baseline: () => unknown,
  options: { rounds?: number; roundMs?: number } = {},
): { rate: number; baseline: number; ratio: number } {
  const rounds = options.rounds ?? 9;
  const roundMs = options.roundMs ?? 150;
  warm(fn, roundMs);
  warm(baseline, roundMs);
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(round(fn, roundMs));
    b.push(round(baseline, roundMs));
    ratios.push(a[r]! / b[r]!);
  }
  return { rate: median(a), baseline: median(b), ratio: median(ratios) };
}

/** The sink's value, printed at the end so it is observably used. */
export function sinkValue(): number {
  return sink;
}

export function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M/s`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k/s`;
  return `${r.toFixed(0)} /s`;
}
