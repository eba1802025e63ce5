/**
 * The sensitivity table at a workload answer (workload-search.ts): each
 * knob one step down and up, and each per-unit cost × 0.8 and × 1.2, under
 * the sizing load on screening runs, with the record latency p99, the drop
 * probability and whether every SLO held at each end; rows by their swing.
 * Its configurations are independent, so they are asked of the runner at
 * once (a pool runs them side by side).
 */
import { growKnob, KNOB_LIMITS, KNOBS, shrinkKnob, UNIT_SCALES } from './device.js';
import type { CostScales, DeviceCosts, DeviceKnobs } from './device.js';
import type { FlowRunner } from './flow-runner.js';
import { replicateAll, type Replicated, type RunSettings } from './replicate.js';
import { evaluateSlos, type Slos, type SloVerdict } from './slo.js';
import type { Traffic } from './traffic.js';

/** The record latency p99 (µs), the drop probability and whether every SLO held, at one end of a sensitivity row. */
export interface SensitivityPoint {
  readonly label: string;
  readonly p99Us: number;
  readonly dropProbability: number;
  readonly met: boolean;
}

/** A row of the sensitivity table: a knob a step down and up, or a cost × 0.8 and × 1.2, at the answer, sizing load. */
export interface SensitivityRow {
  readonly what: string;
  readonly low: SensitivityPoint;
  readonly high: SensitivityPoint;
  /** |p99 low − p99 high| over the answer's p99 (the tornado's bar), plus the drop probabilities' difference. */
  readonly swing: number;
}

/** Each knob a step down and up, each cost × 0.8 and × 1.2, at the answer, sizing load: p99, drops, SLOs met. */
export function sensitivityTable(
  met: { knobs: DeviceKnobs; verdict: SloVerdict; rep: Replicated },
  slos: Slos,
  load: Traffic,
  run: RunSettings,
  costsAt: (s: CostScales) => DeviceCosts,
  runner?: FlowRunner,
): SensitivityRow[] {
  const base = costsAt(UNIT_SCALES);
  const point = (label: string, r: Replicated): SensitivityPoint => ({
    label,
    p99Us: r.metrics.p99Us.mean,
    dropProbability: r.metrics.dropProbability.mean,
    met: evaluateSlos(r, slos, 'screen').met,
  });
  const ref = Math.max(met.rep.metrics.p99Us.mean, 1e-12);
  // Each row's two ends: its label and the configuration and costs it runs.
  const ends: {
    what: string;
    label: [string, string];
    at: [DeviceKnobs, DeviceKnobs];
    costs: [DeviceCosts, DeviceCosts];
  }[] = [];
  for (const knob of KNOBS) {
    const down = shrinkKnob(met.knobs, knob);
    const up = growKnob(met.knobs, knob);
    if (down === undefined || up[knob] > KNOB_LIMITS[knob]) continue;
    ends.push({ what: knob, label: [String(down[knob]), String(up[knob])], at: [down, up], costs: [base, base] });
  }
  for (const cost of Object.keys(UNIT_SCALES) as (keyof CostScales)[])
    ends.push({
      what: cost,
      label: ['× 0.8', '× 1.2'],
      at: [met.knobs, met.knobs],
      costs: [costsAt({ ...UNIT_SCALES, [cost]: 0.8 }), costsAt({ ...UNIT_SCALES, [cost]: 1.2 })],
    });
  const reps = replicateAll(
    ends.flatMap((e) => [0, 1].map((i) => ({ traffic: load, knobs: e.at[i]!, costs: e.costs[i]!, s: run }))),
    runner,
  );
  const rows = ends.map((e, i): SensitivityRow => {
    const low = point(e.label[0], reps[2 * i]!);
    const high = point(e.label[1], reps[2 * i + 1]!);
    return {
      what: e.what,
      low,
      high,
      swing: Math.abs(low.p99Us - high.p99Us) / ref + Math.abs(low.dropProbability - high.dropProbability),
    };
  });
  return rows.sort((a, b) => b.swing - a.swing);
}
