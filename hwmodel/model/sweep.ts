import type { HostParams } from './host.js';
import { simulate, type SimulationOptions, type SimulationResult } from './simulate.js';

/** One point of a sweep: its label (the swept value as written) and the device parameters it sets. */
export interface SweepPoint {
  readonly label: string;
  readonly device: HostParams;
}

/** A figure over the replications: mean, 95% confidence half-width (Student t; 0 for one run or equal values: see {@link SweepRow.identical}), and each run's value. */
export interface Interval {
  readonly mean: number;
  readonly halfWidth: number;
  readonly values: readonly number[];
}

/** What one sweep point measured over its replications. */
export interface SweepRow {
  readonly label: string;
  readonly goodputBitsPerSecond: Interval;
  readonly recordsPerSecond: Interval;
  /** Application bits delivered over the whole run (bit/s): in a burst, what a shallow buffer's drops cost, and how soon the burst drains. */
  readonly runGoodputBitsPerSecond: Interval;
  /** Median handshake latency (µs) of each run. */
  readonly handshakeP50Us: Interval;
  /** Records delivered to the device's application, per run (fewer than sent when the device dropped some: DTLS does not retransmit data). */
  readonly delivered: Interval;
  /** The 99th percentile of the connections' completion (opened to last byte delivered, µs) per run: the tail, which a burst's drain time sets. */
  readonly completionP99Us: Interval;
  /** Datagrams dropped at the device's full buffers (the RX ring), and arrivals held back at full ones (pipeline slots, the crypto intake), per run. */
  readonly dropped: Interval;
  readonly heldBack: Interval;
  /** The resource most often the bottleneck over the replications (ties: the first seen), with its utilization (a buffer's: its occupancy) in each run's steady window. */
  readonly bottleneck: string | null;
  readonly bottleneckUtilization: Interval;
  /** Every device module's utilization. */
  readonly utilization: Readonly<Record<string, Interval>>;
  /**
   * Two or more replications whose reports are identical, figure for
   * figure: nothing in the run's timing drew on the seed (no --rate
   * arrivals, no loss or jitter), so the intervals' zero width measures
   * nothing; say so rather than show them.
   */
  readonly identical: boolean;
  /** The caller's own figures of each run (`runSweep`'s `figures`: power and area, say), by name. */
  readonly figures: Readonly<Record<string, Interval>>;
}

/** t(0.975, df) for df = 1..30; 1.96 beyond. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Mean and 95% confidence interval half-width of `values` (Student t with n − 1 degrees of freedom). */
export function interval(values: readonly number[]): Interval {
  const n = values.length;
  const mean = n === 0 ? NaN : values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, halfWidth: 0, values };
  // Equal values have no spread: not a rounding error's worth of one.
  if (values.every((v) => v === values[0])) return { mean: values[0]!, halfWidth: 0, values };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const t = T975[n - 2] ?? 1.96;
  return { mean, halfWidth: (t * Math.sqrt(variance)) / Math.sqrt(n), values };
}

/**
 * Runs `base` at every point, `replications` times each with seeds
 * `base.seed`, `base.seed + 1`, … (the same seeds at every point: common
 * random numbers, so differences between points are the parameter's, not
 * the draw's). `onRun` hears of each finished run (progress).
 */
export function runSweep(
  base: SimulationOptions,
  points: readonly SweepPoint[],
  replications: number,
  onRun?: (point: SweepPoint, replication: number, result: SimulationResult) => void,
  figures?: (result: SimulationResult, device: HostParams) => Readonly<Record<string, number>>,
): SweepRow[] {
  const seed0 = base.seed ?? 1;
  return points.map((point) => {
    const runs: SimulationResult[] = [];
    const own: Readonly<Record<string, number>>[] = [];
    for (let r = 0; r < replications; r++) {
      const device = mergeDevice(base.device, point.device);
      const result = simulate({ ...base, seed: seed0 + r, device });
      runs.push(result);
      if (figures !== undefined) own.push(figures(result, device));
      onRun?.(point, r, result);
    }
    const bottlenecks = runs.map((x) => x.report.bottleneck?.module ?? null);
    const counts = new Map<string | null, number>();
    for (const b of bottlenecks) counts.set(b, (counts.get(b) ?? 0) + 1);
    let bottleneck: string | null = null;
    let most = 0;
    for (const [b, c] of counts) if (c > most) [bottleneck, most] = [b, c];
    const names = runs[0]?.report.modules.map((m) => m.name) ?? [];
    // A module's utilization, or a buffer's occupancy, in the run's steady window.
    const util = (x: SimulationResult, name: string | null): number =>
      x.report.bottleneck?.module === name
        ? x.report.bottleneck.utilization
        : (x.report.modules.find((m) => m.name === name)?.utilization ?? 0);
    return {
      label: point.label,
      goodputBitsPerSecond: interval(runs.map((x) => x.report.throughput.goodputBytesPerSecond * 8)),
      recordsPerSecond: interval(runs.map((x) => x.report.throughput.recordsPerSecond)),
      runGoodputBitsPerSecond: interval(runs.map((x) => x.report.throughput.runGoodputBytesPerSecond * 8)),
      handshakeP50Us: interval(runs.map((x) => x.report.handshakes.latencyUs?.p50 ?? NaN)),
      delivered: interval(runs.map((x) => x.report.throughput.records)),
      completionP99Us: interval(runs.map((x) => x.report.tail?.completionUs.p99 ?? NaN)),
      dropped: interval(runs.map((x) => x.report.buffers.reduce((n, b) => n + b.dropped, 0))),
      heldBack: interval(runs.map((x) => x.report.buffers.reduce((n, b) => n + b.blocked, 0))),
      bottleneck,
      bottleneckUtilization: interval(runs.map((x) => util(x, bottleneck))),
      utilization: Object.fromEntries(names.map((n) => [n, interval(runs.map((x) => util(x, n)))])),
      identical: identicalRuns(runs),
      figures: Object.fromEntries(Object.keys(own[0] ?? {}).map((k) => [k, interval(own.map((f) => f[k] ?? NaN))])),
    };
  });
}

/** Two or more runs with the same report, every figure alike (the report holds no wall-clock time). */
export function identicalRuns(runs: readonly Pick<SimulationResult, 'report'>[]): boolean {
  if (runs.length < 2) return false;
  const first = JSON.stringify(runs[0]!.report);
  return runs.every((x) => JSON.stringify(x.report) === first);
}

function mergeDevice(a: HostParams | undefined, b: HostParams): HostParams {
  const out: Record<string, object> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = { ...(out[k] ?? {}), ...(v as object) };
  return out as HostParams;
}
