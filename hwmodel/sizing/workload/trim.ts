/**
 * The search's trims: from a configuration that meets every SLO, each knob
 * stepped down while every SLO still holds, the largest area a step first.
 * A candidate is screened (short runs reject what visibly fails), then
 * accepted on the runs that resolve its SLOs; when those leave a drop row
 * "not resolved" (its bound past the limit, its lower end within it), the
 * candidate gets the further looks the kept configuration gets
 * (more-evidence.ts, through `accept`) before it is undone. One whose rows
 * stay not resolved after them (the looks ran out, or no allowed run is
 * long enough) is undone and kept as an unresolved candidate, with what
 * would decide it: the answer names those smaller than itself, since it
 * may not be the smallest device the question has.
 */
import type { BottleneckProof } from './counterfactual.js';
import { KNOBS, shrinkKnob, type DeviceKnobs, type KnobName } from './device.js';
import type { Replicated } from './replicate.js';
import { evaluateSlos, type Slos, type SloVerdict } from './slo.js';
import type { AcceptancePlan } from './run-plan.js';

/** A configuration's acceptance: its runs and verdict, the plan they were sized by, and how it was judged. */
export interface Accepted {
  readonly rep: Replicated;
  readonly verdict: SloVerdict;
  readonly plan: AcceptancePlan;
  readonly how: string;
  /** Its further looks, said plainly (none: judged on its first). */
  readonly looks?: readonly string[];
  /** When its drop rows stayed "not resolved" after every look allowed: what would decide them. */
  readonly open?: string;
}

/** A configuration the search holds: what it was accepted on, and the looks that took. */
export interface Held {
  readonly knobs: DeviceKnobs;
  readonly verdict: SloVerdict;
  readonly rep: Replicated;
  /** The plan its runs were sized by. */
  readonly plan: AcceptancePlan;
  /** Its looks after the first, said plainly (empty: accepted on its first). */
  readonly looks: readonly string[];
}

/** A trim's candidate, smaller than the configuration it was trimmed from, left not resolved and undone. */
export interface UnresolvedCandidate {
  readonly knobs: DeviceKnobs;
  readonly area: number;
  /** Its rows not resolved, each with its bound and limit. */
  readonly rows: string;
  /** Its looks after the first, and what would decide it. */
  readonly looks: readonly string[];
  readonly decide: string;
}

/** A step of the trims, as the search logs it. */
export interface TrimStep {
  readonly knobs: DeviceKnobs;
  readonly verdict: SloVerdict;
  readonly proof: BottleneckProof | undefined;
  readonly area: number;
  readonly action: string;
}

/**
 * Each knob stepped down while every SLO still holds, the largest area a step first: each candidate screened, then
 * accepted (with its further looks) on the runs that resolve the SLOs. A knob of `floored` is never trimmed below
 * `floor`: a unit below its bound at the sizing load is offered more than its rate, which a long enough run would show
 * whatever the buffers; the public-key lanes and (inline) the TX ring below their rules block the intake in episodes
 * too rare for the acceptance runs to see.
 */
export function trim(
  start: Held,
  slos: Slos,
  runs: {
    screen: (k: DeviceKnobs) => Replicated;
    accept: (k: DeviceKnobs, screened: Replicated, screenVerdict: SloVerdict) => Accepted;
    floor: DeviceKnobs;
    floored: readonly KnobName[];
  },
  areaOf: (k: DeviceKnobs) => number,
  budget: number,
  step: (s: TrimStep) => void,
): { readonly best: Held; readonly unresolved: readonly UnresolvedCandidate[] } {
  let best = start;
  let left = budget;
  const unresolved: UnresolvedCandidate[] = [];
  const lowest = (knob: KnobName): number => (runs.floored.includes(knob) ? Math.max(1, runs.floor[knob]) : 1);
  const sized = (k: DeviceKnobs): Accepted | { verdict: SloVerdict; rep: Replicated; how: string } => {
    const s = runs.screen(k);
    const v = evaluateSlos(s, slos, 'screen');
    if (!v.met) return { verdict: v, rep: s, how: 'on the screen' };
    return runs.accept(k, s, v);
  };
  const saving = (knob: KnobName): number => {
    const down = shrinkKnob(best.knobs, knob);
    return down === undefined || down[knob] < lowest(knob) ? 0 : areaOf(best.knobs) - areaOf(down);
  };
  // One candidate run and logged: kept when it meets, else undone (and noted when it was left not resolved).
  const tryKnobs = (k: DeviceKnobs, knob: KnobName): boolean => {
    left--;
    const a = sized(k);
    const { verdict, how } = a;
    const area = areaOf(k);
    step({
      knobs: k,
      verdict,
      proof: undefined,
      area,
      action: verdict.met
        ? `trim ${knob} → ${k[knob]}: still meets, ${how}, kept`
        : `trim ${knob} → ${k[knob]}: ${verdict.limiting.metric} ${verdict.limiting.status}, ${how}, undone`,
    });
    if (!('plan' in a)) return false; // rejected on the screen
    const looks = a.looks ?? [];
    if (verdict.met) best = { knobs: k, verdict, rep: a.rep, plan: a.plan, looks };
    else if (a.open !== undefined) unresolved.push({ knobs: k, area, rows: openRows(verdict), looks, decide: a.open });
    return verdict.met;
  };
  const order = [...KNOBS].sort((a, b) => saving(b) - saving(a));
  for (const knob of order) {
    // The knob at 1 first: when that holds, no step in between need be run.
    const low = lowest(knob);
    if (left > 0 && best.knobs[knob] > low && areaOf({ ...best.knobs, [knob]: low }) < areaOf(best.knobs)) {
      if (tryKnobs({ ...best.knobs, [knob]: low }, knob)) continue;
    }
    while (left > 0) {
      const down = shrinkKnob(best.knobs, knob);
      // The floor just failed above: a step down onto it is not run again.
      if (down === undefined || saving(knob) <= 0 || down[knob] <= low) break;
      if (!tryKnobs(down, knob)) break;
    }
  }
  return { best, unresolved };
}

/** The rows of `v` not resolved, each with its bound and limit. */
function openRows(v: SloVerdict): string {
  return v.rows
    .filter((r) => r.status === 'not resolved')
    .map((r) => `${r.metric} bound ${r.bound.toExponential(2)} against ${r.limit.toExponential(2)}`)
    .join(', ');
}

/** The verdict's tail when smaller candidates were left not resolved (empty when none was). */
export function unresolvedVerdict(c: readonly UnresolvedCandidate[]): string {
  if (c.length === 0) return '';
  return `; ${c.length} smaller candidate${c.length === 1 ? ' was' : 's were'} left not resolved, so it may not be the smallest (caveats)`;
}

/** Each smaller candidate left not resolved, its rows, its looks and what would decide it (`unit`: the area's). */
export function unresolvedCaveat(c: readonly UnresolvedCandidate[], unit: string): string[] {
  return c.map(
    (x) =>
      `may not be the smallest: the trim to ${knobsText(x.knobs)} (${Math.round(x.area).toLocaleString('en-US')} ${unit}) ` +
      `was undone with ${x.rows} not resolved (neither met nor shown to fail)${x.looks.length > 0 ? ` (${x.looks.join('; ')})` : ''}; ` +
      `to decide it: ${x.decide}`,
  );
}

/** Knobs as the steps print them, in order: lanes / pk / dma / pipe / ring / tx / slots / mem / pcie. */
function knobsText(k: DeviceKnobs): string {
  return KNOBS.map((n) => k[n].toLocaleString('en-US')).join(' / ');
}
