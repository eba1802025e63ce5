/**
 * More evidence for an answer the trims left "not resolved". The trims
 * may see a larger episode than the kept configuration was accepted for;
 * it is then run again on runs sized for that episode (workload-search.ts),
 * and when those runs show an episode or two, a drop row can be left "not
 * resolved": its bound is past the limit, its lower end within it. No
 * larger device resolves that row (the same records give the same bound),
 * only more records. So instead of ending, the search asks for them: a
 * further look, sized (run-plan.ts) so that as many episodes as the last
 * look showed would still meet the row, with more bursts (a seed each, up
 * to MAX_REPLICATIONS) for the burst row and a longer steady window (up to
 * the question's `--max-window`) for the steady row. Each look runs on
 * fresh seeds, none shared with an earlier look, and is judged on its own
 * runs; a row it finds "not met" ends the search, as does a look no run up
 * to those caps could resolve, or MORE_EVIDENCE_LOOKS looks. Every look
 * is a further chance to accept a device that misses its SLO: with L looks
 * at 95% each, at most L × 5% (Bonferroni), which the answer states.
 */
import type { AcceptancePlan } from './run-plan.js';
import type { Replicated, RunSettings } from './replicate.js';
import type { SloVerdict } from './slo.js';

/** The further looks the search takes at most, after the one the trims' episode asked for. */
export const MORE_EVIDENCE_LOOKS = 2;

/** A further look's seeds start this far past the last look's (1,001 on for the first with the default seed 1), apart from the search's (up to 100) and size-rerun.ts's (101 on). */
export const LOOK_SEED_STRIDE = 1000;

/** Episodes a phase: what a look's drop rows saw. */
export interface PhaseEpisodes {
  readonly steady: number;
  readonly burst: number;
}

/** One acceptance of the kept configuration: the plan it was sized by, its runs and their verdict. */
export interface Look {
  readonly plan: AcceptancePlan;
  readonly rep: Replicated;
  readonly verdict: SloVerdict;
}

/** What the further looks came to, and each look said plainly (for the search's steps and the answer's caveats). */
export type Evidence =
  | { readonly met: true; readonly look: Look; readonly looks: readonly string[] }
  | { readonly met: false; readonly why: string; readonly looks: readonly string[] };

/** The episodes the drop rows of `v` saw. */
export function episodesSeen(v: SloVerdict): PhaseEpisodes {
  const of = (m: string): number => v.rows.find((r) => r.metric === m)?.episodes ?? 0;
  return { steady: of('dropProbability'), burst: of('burstDropProbability') };
}

/**
 * Further looks after `first` while its only failing rows are "not resolved": each sized by `planFor` for the
 * episodes the last look saw, run by `run` (which notes their episodes) on seeds from `seedBase` + look ×
 * LOOK_SEED_STRIDE, and judged by `judge` (at the unseen episodes the search knows by then).
 */
export function moreEvidence(
  first: Look,
  x: {
    readonly planFor: (episodes: PhaseEpisodes) => AcceptancePlan;
    readonly run: (s: RunSettings) => Replicated;
    readonly judge: (rep: Replicated) => SloVerdict;
    readonly seedBase: number;
    readonly onLook?: (look: Look, text: string) => void;
  },
): Evidence {
  let last = first;
  const looks: string[] = [];
  const stop = (why: string): Evidence => ({ met: false, why, looks });
  for (let i = 1; ; i++) {
    if (last.verdict.met) return { met: true, look: last, looks };
    const open = last.verdict.rows.filter((r) => !r.met);
    const failed = open.find((r) => r.status !== 'not resolved');
    if (failed !== undefined) return stop(`${failed.metric} ${failed.status}`);
    const names = open.map((r) => r.metric).join(', ');
    if (i > MORE_EVIDENCE_LOOKS) return stop(`${names} not resolved after ${MORE_EVIDENCE_LOOKS} further looks`);
    const k = episodesSeen(last.verdict);
    const p = x.planFor(k);
    if (p.unresolvable !== undefined) return stop(`${names} not resolved: ${p.unresolvable.why}`);
    const accept: RunSettings = { ...p.accept, seed: x.seedBase + i * LOOK_SEED_STRIDE };
    const rep = x.run(accept);
    const verdict = x.judge(rep);
    const text =
      `look ${i + 2}: ${names} not resolved with ${k.steady} steady and ${k.burst} burst episodes seen; run again on ` +
      `${accept.replications} × ${accept.windowUs.toLocaleString('en-US')} µs (seeds ${accept.seed} to ` +
      `${accept.seed + accept.replications - 1}), sized for as many: ${verdict.met ? 'met' : `${verdict.limiting.metric} ${verdict.limiting.status}`}`;
    looks.push(text);
    last = { plan: { ...p, accept }, rep, verdict };
    x.onLook?.(last, text);
  }
}

/** What the looks cost the answer's confidence, said plainly (none: accepted without a further look). */
export function looksCaveat(looks: readonly string[]): string[] {
  if (looks.length === 0) return [];
  const n = looks.length + 2;
  return [
    `accepted on look ${n} of the kept configuration (look 1 its acceptance; the trims then saw an episode larger than ` +
      `it was sized for, and look 2, sized for that episode, left a drop row not resolved; each later look on fresh ` +
      `seeds, judged on its own runs): with ${n} looks at 95% each, a device that misses its SLO is accepted with ` +
      `probability up to ${n * 5}% (Bonferroni), not 5%; ${looks.join('; ')}`,
  ];
}
