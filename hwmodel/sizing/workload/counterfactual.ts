/**
 * Bottlenecks proven by growing them. The run's own evidence (drops and
 * head-of-line blocking at the intake, charged to what held the head; then
 * utilization) only orders the suspects; each is then grown one step and
 * run again on the same seeds, and the limiting metric's paired change
 * says whether it moved. The bottleneck named is the resource whose growth
 * moved the limiting metric most; none moved: nothing of the device's
 * knobs limits it.
 */
import { interval, type Interval } from '../../model/sweep.js';
import { growKnob, KNOB_LIMITS, KNOBS, type DeviceKnobs, type KnobName } from './device.js';
import type { MetricName, Replicated } from './replicate.js';
import { lowerIsBetter } from './slo.js';

/** One suspect grown one step, and what the failing metrics did. */
export interface Growth {
  readonly knob: KnobName;
  readonly from: number;
  readonly to: number;
  /** The failing metric this step improved most, its value after the step, and its improvement per seed (relative: 0.1 is 10% better). */
  readonly metric: MetricName;
  readonly after: Interval;
  readonly improvement: Interval;
  /** The mean improvements of every failing metric, summed: the tie-break between equal best moves. */
  readonly overall: number;
  /** Improved by at least 1% on average, and worse on no seed. */
  readonly moved: boolean;
}

export interface BottleneckProof {
  /** The failing metrics, the limiting one first. */
  readonly metrics: readonly MetricName[];
  /** The suspects in the order the evidence ranks them, with each one's evidence. */
  readonly suspects: readonly { readonly knob: KnobName; readonly evidence: string }[];
  readonly growths: readonly Growth[];
  /** The knob whose growth moved the limiting metric most (undefined: none moved). */
  readonly named: KnobName | undefined;
  /** The runs it was made on, how they were sized and the bound that holds on them (proof-runs.ts), as printed. */
  readonly method?: string;
}

/** Smallest relative improvement that counts as a move. */
export const MOVE_THRESHOLD = 0.01;

/**
 * The suspects of `r`, most suspected first: drops charged to a resource
 * (steady and burst), then the intake's blocked time charged to it, then
 * utilization (key slots by their miss ratio).
 */
export function suspects(r: Replicated): { knob: KnobName; evidence: string }[] {
  const mean = (f: (run: Replicated['runs'][number]) => number): number =>
    r.runs.reduce((s, x) => s + f(x), 0) / r.runs.length;
  const scored = KNOBS.map((knob) => {
    const drops = mean((x) => x.steadyDropsBy[knob] + x.burstDropsBy[knob]);
    const blocked = mean((x) => x.blockedUs[knob]);
    const u = mean((x) => (knob === 'keySlots' ? 1 - x.utilization.keySlots : x.utilization[knob]));
    const evidence = `${drops.toFixed(0)} drops, intake blocked ${blocked.toFixed(1)} µs, ${knob === 'keySlots' ? 'miss ratio' : 'busy'} ${(u * 100).toFixed(0)}%`;
    return { knob, drops, blocked, u, evidence };
  });
  scored.sort((a, b) => b.drops - a.drops || b.blocked - a.blocked || b.u - a.u);
  return scored.map(({ knob, evidence }) => ({ knob, evidence }));
}

/**
 * Grows each suspect of `before` one step (all of them: the one that moves
 * a failing metric most is named, so every suspect is tried), the grown
 * configurations run by `run` at once (a pool runs them side by side), and
 * names the bottleneck. `metrics` are the failing SLOs' metrics, the
 * limiting first (a metric stuck at its worst, such as no handshake
 * completing behind a blocked intake, may not move for one step of the
 * cause while the drops do). `only` restricts the suspects.
 */
export function proveBottleneck(
  before: Replicated,
  metrics: readonly MetricName[],
  run: (ks: readonly DeviceKnobs[]) => Replicated[],
  only: readonly KnobName[] = KNOBS,
): BottleneckProof {
  const ranked = suspects(before).filter((s) => only.includes(s.knob));
  const growths: Growth[] = [];
  const perMetric: Growth[][] = [];
  const grown = ranked
    .map((s) => ({ knob: s.knob, knobs: growKnob(before.knobs, s.knob) }))
    .filter((g) => g.knobs[g.knob] <= KNOB_LIMITS[g.knob]);
  const afters = run(grown.map((g) => g.knobs));
  for (const [i, g] of grown.entries()) {
    const each = metrics.map((m) => compare(before, afters[i]!, m, g.knob));
    // The metric this step moved most (a move before a mere change).
    perMetric.push(each);
  }
  // The limiting metric first: the knob that moved it most (ties: the one that moved every failing metric more); only when
  // no knob moves it, the next failing metric.
  let named: KnobName | undefined;
  for (let m = 0; m < metrics.length && named === undefined; m++) {
    const movers = perMetric
      .map((each) => ({ g: each[m]!, overall: each.reduce((n, x) => n + x.improvement.mean, 0) }))
      .filter((x) => x.g.moved);
    named = movers.reduce<(typeof movers)[number] | undefined>(
      (a, x) =>
        a === undefined ||
        x.g.improvement.mean > a.g.improvement.mean ||
        (x.g.improvement.mean === a.g.improvement.mean && x.overall > a.overall)
          ? x
          : a,
      undefined,
    )?.g.knob;
  }
  // Each growth as reported: the metric it moved most.
  for (const each of perMetric) {
    const best = each.reduce((a, g) =>
      Number(g.moved) > Number(a.moved) || (g.moved === a.moved && g.improvement.mean > a.improvement.mean) ? g : a,
    );
    growths.push({ ...best, overall: each.reduce((n, g) => n + g.improvement.mean, 0) });
  }
  return { metrics, suspects: ranked, growths, named };
}

/** The paired change of `metric` from `before` to `after` (grown at `knob`). */
export function compare(before: Replicated, after: Replicated, metric: MetricName, knob: KnobName): Growth {
  const { improvement, moved } = pairedChange(
    before.metrics[metric].values,
    after.metrics[metric].values,
    lowerIsBetter(metric),
  );
  return {
    knob,
    from: before.knobs[knob],
    to: after.knobs[knob],
    metric,
    after: after.metrics[metric],
    improvement,
    overall: improvement.mean,
    moved,
  };
}

/**
 * The paired change of one metric from `before` to `after` (a value per
 * seed, the same seeds in both): each seed's relative improvement (0.1 is
 * 10% better; the larger of the two values is the scale), and whether it
 * moved: better by `threshold` on average and worse on no seed (a sign
 * test on paired runs; a seed already at the best, such as no drop, ties).
 */
export function pairedChange(
  before: readonly number[],
  after: readonly number[],
  lowerBetter: boolean,
  threshold = MOVE_THRESHOLD,
): { readonly improvement: Interval; readonly moved: boolean } {
  const rel = before.map((x, i) => {
    const y = after[i] ?? x;
    if (x === y) return 0;
    const scale = Math.max(Math.abs(x), Math.abs(y), Number.MIN_VALUE);
    return (lowerBetter ? x - y : y - x) / scale;
  });
  const improvement = interval(rel);
  return { improvement, moved: improvement.mean >= threshold && rel.every((x) => x >= 0) };
}
