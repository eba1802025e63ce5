/**
 * The end-of-run report: handshake latency percentiles, goodput, record
 * rate, per-module utilization and queue depths, and the bottleneck, as a
 * JSON object with stable field names (documented in hwmodel/DESIGN.md,
 * "Timing and trace") and as a text table for the terminal.
 */
import { SEC, US } from '../kernel/time.js';
import type { SimTime } from '../kernel/time.js';
import { summarize } from './percentile.js';
import type { Summary } from './percentile.js';

/** Per-module figures the report takes (an {@link ModuleStats} from the activity monitor fits). */
export interface ModuleFigures {
  readonly name: string;
  readonly capacity: number;
  readonly busyTime: SimTime;
  readonly utilization: number;
  readonly queue: { readonly max: number; readonly mean: number; readonly timeWeightedMean: number };
  /** The lane pool's counters: requests, waitPs, servicePs, admissionWaitPs (hwmodel/model/lanes.ts). */
  readonly counters?: Readonly<Record<string, number>>;
}

/** What a simulation run measured. */
export interface RunResult {
  /** Simulated time the figures cover (ps); rates are per second of it. */
  readonly duration: SimTime;
  /** One latency (ps) per completed handshake: the client opening the connection (building its ClientHello) to handshake complete. */
  readonly handshakeLatencies: readonly SimTime[];
  readonly handshakesFailed?: number;
  /** Application data bytes delivered to the receiving application. */
  readonly applicationBytes: number;
  /** Records processed. */
  readonly records: number;
  readonly modules: readonly ModuleFigures[];
}

/** Utilization at or above which the bottleneck is called saturated. */
export const SATURATION = 0.9;

/** The bottleneck rule, as the report states it. */
export const BOTTLENECK_RULE =
  'the module with the highest utilization (busy lane-time / (lanes × duration)); ties go to the larger time-weighted queue depth, then the name first in alphabetical order; none when no module was busy';

/** The report as JSON (format `dtls13-simulation-report`, version 1). Times in µs, rates per simulated second. */
export interface SimulationReport {
  readonly format: 'dtls13-simulation-report';
  readonly version: 1;
  readonly durationUs: number;
  readonly handshakes: {
    readonly completed: number;
    readonly failed: number;
    /** Nearest-rank percentiles; null when none completed. */
    readonly latencyUs: Summary | null;
  };
  readonly throughput: {
    readonly applicationBytes: number;
    readonly records: number;
    readonly goodputBytesPerSecond: number;
    readonly recordsPerSecond: number;
  };
  /** Sorted by name. */
  readonly modules: readonly {
    readonly name: string;
    readonly lanes: number;
    readonly utilization: number;
    readonly busyTimeUs: number;
    readonly queueMax: number;
    readonly queueMean: number;
    readonly queueTimeWeightedMean: number;
    /** Requests served, and the time they spent: waiting for a lane, being served, held back before acceptance (back-pressure), all µs. */
    readonly requests: number;
    readonly waitUs: number;
    readonly serviceUs: number;
    readonly admissionWaitUs: number;
  }[];
  readonly bottleneck: { readonly module: string; readonly utilization: number; readonly saturated: boolean; readonly rule: string } | null;
}

/** Builds the JSON report from a run's result. */
export function buildReport(run: RunResult): SimulationReport {
  if (!Number.isSafeInteger(run.duration) || run.duration < 0)
    throw new RangeError(`run duration must be a non-negative integer number of ps, got ${String(run.duration)}`);
  const seconds = run.duration / SEC;
  const latency = summarize(run.handshakeLatencies.map((t) => t / US));
  const modules = [...run.modules]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => ({
      name: m.name,
      lanes: m.capacity,
      utilization: m.utilization,
      busyTimeUs: m.busyTime / US,
      queueMax: m.queue.max,
      queueMean: m.queue.mean,
      queueTimeWeightedMean: m.queue.timeWeightedMean,
      requests: m.counters?.['requests'] ?? 0,
      waitUs: (m.counters?.['waitPs'] ?? 0) / US,
      serviceUs: (m.counters?.['servicePs'] ?? 0) / US,
      admissionWaitUs: (m.counters?.['admissionWaitPs'] ?? 0) / US,
    }));
  const top = findBottleneck(run.modules);
  return {
    format: 'dtls13-simulation-report',
    version: 1,
    durationUs: run.duration / US,
    handshakes: { completed: run.handshakeLatencies.length, failed: run.handshakesFailed ?? 0, latencyUs: latency ?? null },
    throughput: {
      applicationBytes: run.applicationBytes,
      records: run.records,
      goodputBytesPerSecond: seconds === 0 ? 0 : run.applicationBytes / seconds,
      recordsPerSecond: seconds === 0 ? 0 : run.records / seconds,
    },
    modules,
    bottleneck: top === undefined ? null : { module: top.name, utilization: top.utilization, saturated: top.utilization >= SATURATION, rule: BOTTLENECK_RULE },
  };
}

/** The bottleneck by {@link BOTTLENECK_RULE}, or undefined. */
export function findBottleneck<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of modules) {
    if (!(m.utilization > 0)) continue;
    if (best === undefined) best = m;
    else if (m.utilization !== best.utilization) best = m.utilization > best.utilization ? m : best;
    else if (m.queue.timeWeightedMean !== best.queue.timeWeightedMean) best = m.queue.timeWeightedMean > best.queue.timeWeightedMean ? m : best;
    else if (m.name < best.name) best = m;
  }
  return best;
}
