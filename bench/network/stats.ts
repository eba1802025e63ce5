import { availableParallelism, cpus, loadavg } from 'node:os';

/** The p-th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

/** A figure over rounds as its median and spread: "1.20 (1.05–1.31 over 5 rounds)". */
export function spread(xs: readonly number[], digits = 2): string {
  if (xs.length === 0) return 'not measured';
  return `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)} over ${xs.length} rounds)`;
}

/** Handshake latencies as one line: p50, p99, and the sequential rate (1 / mean). */
export function latencyLine(name: string, ms: readonly number[], note = ''): string {
  if (ms.length === 0) return `  ${name.padEnd(34)} not measured${note ? ` (${note})` : ''}`;
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  const f = (x: number): string => x.toFixed(2).padStart(7);
  return `  ${name.padEnd(34)} p50 ${f(percentile(ms, 50))} ms  p99 ${f(percentile(ms, 99))} ms  max ${f(Math.max(...ms))} ms  ${(1000 / mean).toFixed(0).padStart(4)}/s sequential  (n=${ms.length}${note ? `; ${note}` : ''})`;
}

export const mbit = (bytesPerMs: number): string => `${((bytesPerMs * 8) / 1000).toFixed(0).padStart(5)} Mbit/s`;

/** A count per second, whole, with thousands separators, right-aligned for the goodput rows: "  742,311". */
export const perSecond = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(9);

/** The 1-minute load average and the core count, to judge how noisy the figures are. */
export function loadNote(): string {
  const available = availableParallelism();
  const cores = cpus().length;
  return `load average ${loadavg()[0]!.toFixed(2)} on ${cores} cores${available < cores ? ` (${available} for this process)` : ''}`;
}
