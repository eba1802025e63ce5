/**
 * A configuration run over several seeds (the same seeds for every
 * configuration: common random numbers, so a difference between two is
 * the configuration's, not the draw's), and the per-run metrics the SLOs
 * are written in.
 */
import { interval, type Interval } from '../../model/sweep.js';
import type { DeviceCosts, DeviceKnobs } from './device.js';
import type { FlowRun } from './flow-run.js';
import { sequentialRunner, type FlowRunner } from './flow-runner.js';
import type { Traffic } from './traffic.js';

/** The metrics an SLO may bound. */
export type MetricName = 'dropProbability' | 'p99Us' | 'p999Us' | 'handshakesPerSecond' | 'burstDropProbability';

/** How long each run is and how many there are. */
export interface RunSettings {
  readonly warmupUs: number;
  readonly windowUs: number;
  readonly replications: number;
  readonly seed: number;
}

/** A latency that never came (records still inside at the end) as a finite figure: 1 s. */
export const NEVER_US = 1e6;

export interface Replicated {
  readonly knobs: DeviceKnobs;
  readonly runs: readonly FlowRun[];
  /** Each metric over the runs (95% Student-t interval), and each run's value in seed order. */
  readonly metrics: Readonly<Record<MetricName, Interval>>;
}

/** A run's value of each metric. */
export function metricsOf(run: FlowRun, traffic: Traffic): Record<MetricName, number> {
  const finite = (us: number): number => (Number.isFinite(us) ? Math.min(us, NEVER_US) : NEVER_US);
  const hs = run.handshakes;
  return {
    dropProbability: run.steady.dropProbability,
    // To the wire: a sealed record's latency includes the TX ring and the egress link's queue.
    p99Us: finite(run.steady.wireP99Us),
    p999Us: finite(run.steady.wireP999Us),
    // The rate offered times the share of the window's handshakes taken in that completed (those dropped at the full intake
    // count in the drop probability), at most the public-key lanes' capacity: an open-loop queue past its capacity grows
    // without end, which a window shorter than its filling would not show.
    handshakesPerSecond: Math.min(
      hs.capacityPerSecond,
      hs.offered - hs.dropped <= 0
        ? traffic.handshakesPerSecond
        : (traffic.handshakesPerSecond * hs.completed) / (hs.offered - hs.dropped),
    ),
    burstDropProbability: run.burst?.dropProbability ?? 0,
  };
}

/** Runs `knobs` under `traffic` at seeds `seed`, `seed + 1`, ... (by `runner`: in this thread, on workers, cached). */
export function replicate(
  traffic: Traffic,
  knobs: DeviceKnobs,
  costs: DeviceCosts,
  s: RunSettings,
  runner: FlowRunner = sequentialRunner,
): Replicated {
  return replicateAll([{ traffic, knobs, costs, s }], runner)[0]!;
}

/** Several configurations replicated, their runs asked of `runner` at once (a pool runs them side by side). */
export function replicateAll(
  items: readonly { traffic: Traffic; knobs: DeviceKnobs; costs: DeviceCosts; s: RunSettings }[],
  runner: FlowRunner = sequentialRunner,
): Replicated[] {
  const jobs = items.flatMap(({ traffic, knobs, costs, s }) =>
    Array.from({ length: s.replications }, (_, i) => ({
      traffic,
      knobs,
      costs,
      plan: { warmupUs: s.warmupUs, windowUs: s.windowUs, seed: s.seed + i },
    })),
  );
  const all = runner.runs(jobs);
  let at = 0;
  return items.map(({ traffic, knobs, s }) => {
    const runs = all.slice(at, (at += s.replications));
    const per = runs.map((r) => metricsOf(r, traffic));
    const names: MetricName[] = ['dropProbability', 'p99Us', 'p999Us', 'handshakesPerSecond', 'burstDropProbability'];
    const metrics = Object.fromEntries(names.map((n) => [n, interval(per.map((m) => m[n]))])) as Record<
      MetricName,
      Interval
    >;
    return { knobs, runs, metrics };
  });
}
