/**
 * More evidence for a configuration whose acceptance left a drop row
 * "not resolved": its bound is past the limit, its lower end within it. It
 * comes two ways: a trim's candidate whose own acceptance runs show an
 * episode or two, and the kept configuration run again on runs sized for a
 * larger episode the trims saw (workload-search.ts). No larger device
 * resolves that row (the same records give the same bound), only more
 * records. So instead of undoing the trim or ending the search, the search
 * asks for them: a
 * further look, sized (run-plan.ts) so that as many episodes as the last
 * look showed would still meet the row, with more bursts (a seed each, up
 * to MAX_REPLICATIONS) for the burst row and a longer steady window (up to
 * the question's `--max-window`) for the steady row. Each look runs on
 * fresh seeds, none shared with an earlier look, and is judged on its own
 * runs; a row it finds "not met" ends the search, as does a look no run up
 * to those caps could resolve, or MORE_EVIDENCE_LOOKS looks. Every look
 * is a further chance to accept a device that misses its SLO: with L looks
 * at 95% each, at most L × 5% (Bonferroni), which the answer states. A
 * look that stops with its rows still "not resolved" says what the next
 * look would run (or what no allowed run reaches), so that the answer can
 * name the smaller candidates it leaves untaken and what would decide them.
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
  | {
      readonly met: false;
      readonly why: string;
      readonly looks: readonly string[];
      /** The rows stayed "not resolved" (more records might meet them), not "not met". */
      readonly open: boolean;
      /** The last look run (`first` when none was). */
      readonly last: Look;
    };

/** The episodes the drop rows of `v` saw. */
export function episodesSeen(v: SloVerdict): PhaseEpisodes {
  const of = (m: string): number => v.rows.find((r) => r.metric === m)?.episodes ?? 0;
  return { steady: of('dropProbability'), burst: of('burstDropProbability') };
}

/**
 * Further looks after `first` (look `firstLook`, 2 by default) while its only failing rows are "not resolved": each
 * sized by `planFor` for the episodes the last look saw, run by `run` (which notes their episodes) on seeds from
 * `seedBase` + look × LOOK_SEED_STRIDE, and judged by `judge` (at the unseen episodes the search knows by then).
 */
export function moreEvidence(
  first: Look,
  x: {
    readonly planFor: (episodes: PhaseEpisodes) => AcceptancePlan;
    readonly run: (s: RunSettings) => Replicated;
    readonly judge: (rep: Replicated) => SloVerdict;
    readonly seedBase: number;
    readonly firstLook?: number;
    readonly onLook?: (look: Look, text: string) => void;
  },
): Evidence {
  let last = first;
  const looks: string[] = [];
  const stop = (why: string, open: boolean): Evidence => ({ met: false, why, looks, open, last });
  const firstLook = x.firstLook ?? 2;
  for (let i = 1; ; i++) {
    if (last.verdict.met) return { met: true, look: last, looks };
    const open = last.verdict.rows.filter((r) => !r.met);
    const failed = open.find((r) => r.status !== 'not resolved');
    if (failed !== undefined) return stop(`${failed.metric} ${failed.status}`, false);
    const names = open.map((r) => r.metric).join(', ');
    const k = episodesSeen(last.verdict);
    const p = x.planFor(k);
    if (p.unresolvable !== undefined) return stop(`${names} not resolved: ${p.unresolvable.why}`, true);
    if (i > MORE_EVIDENCE_LOOKS)
      return stop(
        `${names} not resolved after ${MORE_EVIDENCE_LOOKS} further looks (the next, sized for the ${k.steady} steady ` +
          `and ${k.burst} burst episodes the last saw, would run ${p.accept.replications} × ` +
          `${p.accept.windowUs.toLocaleString('en-US')} µs)`,
        true,
      );
    const accept: RunSettings = { ...p.accept, seed: x.seedBase + i * LOOK_SEED_STRIDE };
    const rep = x.run(accept);
    const verdict = x.judge(rep);
    const text =
      `look ${i + firstLook}: ${names} not resolved with ${k.steady} steady and ${k.burst} burst episodes seen; run again on ` +
      `${accept.replications} × ${accept.windowUs.toLocaleString('en-US')} µs (seeds ${accept.seed} to ` +
      `${accept.seed + accept.replications - 1}), sized for as many: ${verdict.met ? 'met' : `${verdict.limiting.metric} ${verdict.limiting.status}`}`;
    looks.push(text);
    last = { plan: { ...p, accept }, rep, verdict };
    x.onLook?.(last, text);
  }
}

/**
 * What the looks cost the answer's confidence, said plainly: accepted on look `n` of its configuration, `looks` each
 * look after the first (none: accepted on its first look, no caveat).
 */
export function looksCaveat(n: number, looks: readonly string[]): string[] {
  if (n <= 1) return [];
  return [
    `accepted on look ${n} of the kept configuration (look 1 its acceptance; each later look asked for because a drop ` +
      `row was left not resolved, by the look's own episodes or by a larger episode the trims saw, and judged on its ` +
      `own runs): with ${n} looks at 95% each, a device that misses its SLO is accepted with probability up to ` +
      `${n * 5}% (Bonferroni), not 5%; ${looks.join('; ')}`,
  ];
}
