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

export function measure(name: string, fn: () => unknown, options: { rounds?: number; roundMs?: number } = {}): Rate {
  const rounds = options.rounds ?? 7;
  const roundMs = options.roundMs ?? 200;
  // Warm-up: let the JIT settle before timing.
  const warmEnd = performance.now() + roundMs;
  while (performance.now() < warmEnd) for (let i = 0; i < 1000; i++) consume(fn());
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = performance.now();
    let t1 = t0;
    while (t1 - t0 < roundMs) {
      for (let i = 0; i < 1000; i++) consume(fn());
      ops += 1000;
      t1 = performance.now();
    }
    rates.push((ops * 1000) / (t1 - t0));
  }
  rates.sort((a, b) => a - b);
  return { name, opsPerSec: rates[Math.floor(rates.length / 2)]! };
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
