/**
 * Reruns a `dtls13 size --json` answer's knobs on longer runs than the ones
 * that accepted it: the same traffic at the sizing load (× (1 + margin)),
 * SEEDS seeds × WINDOW µs of steady window (default 3 × 10,000), and prints
 * each seed's records offered, dropped and the drops' episodes, the
 * per-episode 95% bound over all of them, the seeds (a burst each) that
 * had an episode (episode-bound.ts, the rule that
 * accepts, an episode these runs do not see taken as large as the one the
 * answer's search took; the binomial bound over the records beside it), and whether
 * that meets the answer's drop SLO (and the burst's, when it has one): met, not met (even
 * the lower end, from the episodes' sizes and printed when there are episodes, past it) or not resolved (too few
 * records to tell); with episodes on two seeds or more, whether they fall over the seeds as independent ones would
 * (episode-bound.ts seedSpread). A steady window with no episode whose answer
 * took an unseen one to lose one record (none seen anywhere: an assumption) also prints the bound at the bursts'
 * largest episode (the answer's unseen burst episode, or these runs' largest), as the SLO row does. Last, what held
 * the intake's head when the drops fell (the flow model's charge, summed over the seeds) and the units' busy fractions
 * in the steady window (the seeds' mean).
 * FIRST_SEED (default 101) keeps the seeds apart from the search's (seeds 1
 * up to run-plan.ts MAX_REPLICATIONS, 100), whose runs share their first
 * microseconds with any longer run of the same seed.
 *
 *   npx tsx scripts/size-rerun.ts a.json [SEEDS] [WINDOW] [FIRST_SEED]
 */
import { clopperPearsonUpper } from '../hwmodel/sizing/workload/binomial-bound.js';
import {
  assumedEpisode,
  assumedEpisodeText,
  dropEvidence,
  episodeBound,
  isAssumed,
  NONE_SEEN,
  seedSpread,
} from '../hwmodel/sizing/workload/episode-bound.js';
import { KNOBS } from '../hwmodel/sizing/workload/device.js';
import { replicate } from '../hwmodel/sizing/workload/replicate.js';
import { SLO_CONFIDENCE } from '../hwmodel/sizing/workload/slo.js';
import { scaleTraffic } from '../hwmodel/sizing/workload/traffic.js';
import { readAnswer } from './size-answer.js';

const [file, seedsText, windowText, seedText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: npx tsx scripts/size-rerun.ts ANSWER.json [SEEDS] [WINDOW_US]');
const { a, knobs, costs } = readAnswer(file);
const seeds = Number(seedsText ?? 3);
const windowUs = Number(windowText ?? 10_000);
const first = Number(seedText ?? 101);
const load = scaleTraffic(a.traffic, 1 + a.slos.margin);
const r = replicate(load, knobs, costs, {
  warmupUs: a.run.warmupUs ?? 50,
  windowUs,
  replications: seeds,
  seed: first,
});
/** The episodes over the seeds against the bound's assumption (episode-bound.ts seedSpread). */
const spreadText = (runs: readonly { offered: number; episodes: number }[]): string => {
  if (runs.length < 2) return '';
  const s = seedSpread(runs, SLO_CONFIDENCE);
  const of = `${s.episodes[s.seed]} of ${s.episodes.reduce((x, y) => x + y, 0)} episodes`;
  return s.consistent
    ? `; over the seeds, as independent episodes would fall (seed ${first + s.seed}: ${of}, p ${s.p.toPrecision(2)})`
    : `; over the seeds, clustered: seed ${first + s.seed} has ${of} (p ${s.p.toExponential(2)}, Bonferroni over ${runs.length} seeds)`;
};
const line = (phase: 'steady' | 'burst', limit: number | undefined): void => {
  const runs = r.runs.map((x) => x[phase]).filter((x) => x !== undefined);
  if (runs.length === 0) return;
  const e = dropEvidence(runs);
  const unseen = a.plan?.unseen?.[phase] ?? NONE_SEEN[phase];
  const b = episodeBound(e, SLO_CONFIDENCE, unseen.records);
  const status = limit === undefined ? '' : b.upper <= limit ? 'met' : b.lower > limit ? 'NOT MET' : 'not resolved';
  // A steady window with no episode, sized by the one-record assumption: the bound at the bursts' largest episode too.
  const bursts = a.plan?.unseen?.burst ?? NONE_SEEN.burst;
  const burstEpisode = Math.max(
    isAssumed(bursts) ? 0 : bursts.records,
    ...r.runs.map((x) => x.burst?.largestEpisode ?? 0),
  );
  const assumed =
    phase === 'steady' && limit !== undefined && e.episodes === 0 && isAssumed(unseen)
      ? `; ${assumedEpisodeText(assumedEpisode(e, limit, SLO_CONFIDENCE, burstEpisode), limit)}`
      : '';
  process.stdout.write(
    `${phase}: ${runs.map((x) => `${x.dropped} of ${x.offered} in ${x.episodes} episodes`).join(', ')} dropped; ` +
      `${e.dropped} of ${e.records} in ${e.episodes} episodes (largest ${e.largestEpisode}; ${runs.filter((x) => x.episodes > 0).length} of ${runs.length} seeds with one): per-episode bound ${b.upper.toExponential(2)} at ${b.perEpisode} records an episode (unseen: ${unseen.source})` +
      `${limit === undefined ? '' : ` against ${limit}: ${status}`} (records taken as independent: ${clopperPearsonUpper(e.dropped, e.records, SLO_CONFIDENCE).toExponential(2)})${e.episodes === 0 ? '' : `; lower end from the episodes' sizes ${b.lower.toExponential(2)}${spreadText(runs)}`}${assumed}\n`,
  );
};
process.stdout.write(
  `${file}: ${seeds} seeds from ${seedText ?? 101} × ${windowUs} µs at the sizing load (× ${1 + a.slos.margin}), knobs ${JSON.stringify(knobs)}\n`,
);
line('steady', a.slos.dropProbability);
line('burst', a.slos.burstDropProbability);
// What held the intake's head when the drops fell (summed over the seeds), and the units' busy fractions.
const by = (phase: 'steadyDropsBy' | 'burstDropsBy'): string =>
  KNOBS.map((k) => [k, r.runs.reduce((n, x) => n + x[phase][k], 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';
const busy = (['lanes', 'pkLanes', 'dmaChannels', 'memChannels'] as const)
  .map((k) => `${k} ${((r.runs.reduce((n, x) => n + x.utilization[k], 0) / r.runs.length) * 100).toFixed(1)}%`)
  .join(', ');
process.stdout.write(
  `drops by what held the intake's head: steady ${by('steadyDropsBy')}; burst ${by('burstDropsBy')}; busy in the steady window: ${busy}\n`,
);
process.stdout.write(
  `p99 to the wire ${r.metrics.p99Us.values.map((v) => v.toFixed(2)).join(', ')} µs (limit ${a.slos.p99Us ?? 'none'})\n`,
);
