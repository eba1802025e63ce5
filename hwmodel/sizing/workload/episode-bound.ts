/**
 * A drop probability bounded per episode. Drops come in episodes (a queue
 * overflowing for a while loses many records at once), so the records of
 * one run are not independent trials and the binomial bound over them is
 * optimistic by the episodes' size. The unit here is the episode (drops
 * less than EPISODE_GAP_US apart in one run), taken as
 * independent of the others: each record offered may open one, so the
 * episodes seen over every seed bound the episode rate per record by the
 * one-sided Clopper-Pearson bound, and the drop probability is at most
 * that rate times the records an episode loses. An episode not seen is
 * taken to be as large as the largest seen in any run of the same search
 * of a configuration that passed the screen (UnseenEpisode, said with its
 * source in the SLO row), or the largest these runs saw if larger; with
 * none seen anywhere, one record, an assumption the row states, with what
 * the bound then means (the episode rate's) and what it would be at the
 * bursts' largest episode (AssumedEpisode). The runs
 * an acceptance needs scale with it (run-plan.ts).
 *
 * The lower end (for "not met") uses the episodes' sizes. The evidence
 * carries, for each size q of EPISODE_SIZES (1, 2, 4, ... 32,768, fixed
 * in advance), the episodes that lost at least q records (a histogram,
 * summed over seeds). Under the same assumption, each record offered opens
 * an episode that reaches q records with some probability r_q, the same
 * for every record and independent of the others, so those counts are
 * Binomial(n, r_q). A drop is the j-th of its episode for one j, so the
 * drop probability is p = Σ_{j ≥ 1} r_j exactly; r_j falls with j, so for
 * the sizes q_0 = 1 < q_1 < ... < q_m, p ≥ Σ_i (q_i − q_{i−1}) r_{q_i}
 * (q_{−1} = 0): the layers under the tail, a lower Riemann sum. Each
 * r_{q_i} is bounded below by Clopper-Pearson at 1 − (1 − confidence) /
 * (m + 1) (Bonferroni over the fixed sizes), so all hold at once with
 * probability at least `confidence`, and then so does their layered sum:
 * the lower end is exact at its stated confidence, whatever the sizes'
 * distribution. It is at least q × the q-th count's bound for every q of
 * the set (the counts fall with q), so it is never below the best single
 * size. An episode cut by the window's end or a phase's boundary counts
 * what it lost inside, which only lowers the counts. What it assumes is
 * the upper end's: episodes independent, one a record at most; it holds
 * as far as EPISODE_GAP_US outlasts a backlog (below). The seeds are
 * independent runs, so seedSpread checks it across them: given the
 * episodes over every seed, under the assumption each seed's count is
 * binomial in its share of the records.
 */
import { clopperPearsonLower, clopperPearsonUpper, incompleteBeta, recordsToResolve } from './binomial-bound.js';

/**
 * Drops less than this apart (µs, in one run) are one episode: a queue
 * overflowing for a while drops many records, from one cause. Longer than
 * the headline devices (docs/hwmodel-sizing.md, section 10) take to drain
 * their rings and pipelines at their load (a 2,048-entry ring at 85 M
 * records a second: some 25 µs), so an episode's backlog is gone before
 * the next opens; a device whose buffers hold more than this of its
 * traffic would need a longer gap.
 */
export const EPISODE_GAP_US = 100;

/** The episode sizes the lower end counts (records lost, at least), fixed before any run: 1, 2, 4, ... 32,768. */
export const EPISODE_SIZES: readonly number[] = Array.from({ length: 16 }, (_, i) => 2 ** i);

/** The index of `drops` in EPISODE_SIZES, or −1: an episode's count grows past a size when its drops reach it. */
export function episodeSizeIndex(drops: number): number {
  return drops >= 1 && drops <= EPISODE_SIZES[EPISODE_SIZES.length - 1]! && (drops & (drops - 1)) === 0
    ? Math.log2(drops)
    : -1;
}

/** The episodes of `sizes` (records each lost) that lost at least each of EPISODE_SIZES. */
export function episodesAtLeast(sizes: readonly number[]): number[] {
  return EPISODE_SIZES.map((q) => sizes.filter((x) => x >= q).length);
}

/** What a phase's runs show of its drops, summed (the largest: over every seed). */
export interface DropEvidence {
  readonly records: number;
  readonly dropped: number;
  readonly episodes: number;
  readonly largestEpisode: number;
  /** The episodes that lost at least each of EPISODE_SIZES' records (the first: every episode). */
  readonly episodesAtLeast: readonly number[];
}

export interface EpisodeBound {
  /** The drop probability's bound at `confidence`: the upper, and the lower end. */
  readonly upper: number;
  readonly lower: number;
  /** The records an episode is taken to lose (the largest seen here or the unseen episode's, at least 1). */
  readonly perEpisode: number;
}

/** The size an episode not seen in a phase's runs is taken to have, and where that figure came from. */
export interface UnseenEpisode {
  readonly records: number;
  readonly source: string;
  /** No episode seen anywhere: the one record is an assumption, not a figure (absent in answers saved before). */
  readonly assumed?: boolean;
}

/** Whether `u`'s size is the one-record assumption (answers saved before the flag: said so by its source). */
export function isAssumed(u: UnseenEpisode): boolean {
  return u.assumed ?? u.source.endsWith('1 record, assumed');
}

/** The unseen episode of each phase an SLO bounds. */
export interface UnseenEpisodes {
  readonly steady: UnseenEpisode;
  readonly burst: UnseenEpisode;
}

/** Where the search's unseen episodes are taken from, said in the SLO rows. */
export const SEARCH_EPISODES = 'the largest in any run of this search of a configuration that passed the screen';

/** An unseen episode of `largest` records seen `where` (with none seen anywhere: 1 record, said as an assumption). */
export function unseenEpisode(largest: number, where: string): UnseenEpisode {
  return largest >= 1
    ? { records: largest, source: `${where}: ${largest.toLocaleString('en-US')}` }
    : { records: 1, source: `none seen anywhere (${where}): 1 record, assumed`, assumed: true };
}

/** No episode seen anywhere: an unseen one taken to lose one record. */
export const NONE_SEEN: UnseenEpisodes = {
  steady: unseenEpisode(0, 'no other runs'),
  burst: unseenEpisode(0, 'no other runs'),
};

/** The largest steady-window and burst episode of `runs`, each at least `before`'s. */
export function largestEpisodes(
  runs: readonly { steady: { largestEpisode: number }; burst?: { largestEpisode: number } | undefined }[],
  before: { readonly steady: number; readonly burst: number } = { steady: 0, burst: 0 },
): { steady: number; burst: number } {
  return {
    steady: runs.reduce((m, x) => Math.max(m, x.steady.largestEpisode), before.steady),
    burst: runs.reduce((m, x) => Math.max(m, x.burst?.largestEpisode ?? 0), before.burst),
  };
}

/** The per-episode bound on the drop probability of `e` at `confidence`, an unseen episode taken as `unseen` records. */
export function episodeBound(e: DropEvidence, confidence: number, unseen = 1): EpisodeBound {
  if (!(e.episodes <= e.dropped && e.largestEpisode <= e.dropped && (e.dropped === 0 || e.episodes >= 1)))
    throw new RangeError(
      `episodes must hold the drops: ${e.dropped} dropped in ${e.episodes} episodes, the largest ${e.largestEpisode}`,
    );
  if (!(unseen >= 1 && Number.isFinite(unseen)))
    throw new RangeError(`an unseen episode must lose at least 1 record, got ${unseen}`);
  const perEpisode = Math.max(unseen, e.largestEpisode);
  return {
    upper: Math.min(1, clopperPearsonUpper(e.episodes, e.records, confidence) * perEpisode),
    lower: episodeSizeLower(e, confidence),
    perEpisode,
  };
}

/** Whether `e`'s counts are a histogram of its episodes: every episode at least 1, falling with q, within the drops. */
function checkSizes(e: DropEvidence): void {
  const a = e.episodesAtLeast;
  const layered = a.reduce((s, k, i) => s + (EPISODE_SIZES[i]! - (EPISODE_SIZES[i - 1] ?? 0)) * k, 0);
  const top = EPISODE_SIZES.filter((q) => q <= e.largestEpisode).length;
  const ok =
    a.length === EPISODE_SIZES.length &&
    a[0] === e.episodes &&
    a.every((k, i) => Number.isInteger(k) && k >= 0 && (i === 0 || k <= a[i - 1]!) && k > 0 === i < top) &&
    layered <= e.dropped;
  if (!ok)
    throw new RangeError(
      `episode sizes must hold the episodes: ${e.episodes} episodes, the largest ${e.largestEpisode}, ` +
        `${e.dropped} dropped, at least 1, 2, 4, ...: ${a.join(', ')}`,
    );
}

/**
 * Each size's lower bound on the episodes of at least that many records per record offered, all of them at once at
 * `confidence`: Clopper-Pearson at 1 − (1 − confidence) / m over the m sizes of EPISODE_SIZES (Bonferroni).
 */
export function episodeRateLowers(e: DropEvidence, confidence: number): number[] {
  checkSizes(e);
  const each = 1 - (1 - confidence) / EPISODE_SIZES.length;
  return e.episodesAtLeast.map((k) => clopperPearsonLower(k, e.records, each));
}

/**
 * The lower end of the drop probability from the episodes' sizes (the module's comment): Σ_i (q_i − q_{i−1}) × size
 * q_i's lower bound of episodeRateLowers, at `confidence`.
 */
export function episodeSizeLower(e: DropEvidence, confidence: number): number {
  const lowers = episodeRateLowers(e, confidence);
  return Math.min(
    1,
    lowers.reduce((s, r, i) => s + (EPISODE_SIZES[i]! - (EPISODE_SIZES[i - 1] ?? 0)) * r, 0),
  );
}

/**
 * What a steady-window drop row bounds when its runs saw no episode and neither did any run it may draw on: the
 * episode rate per record, which is a bound on the drop probability only if an episode loses one record, and no run
 * showed that. The largest episode the bursts showed (`burstEpisode`, 0: none) is the one figure evidence gives, and
 * the bound at it is what the row would be were a steady episode that large; it is not a bound either (a steady
 * episode, rarer, may be larger: (a)'s, docs/hwmodel-sizing.md section 10).
 */
export interface AssumedEpisode {
  readonly burstEpisode: number;
  /** At `burstEpisode` records an episode (undefined: no burst episode seen either). */
  readonly bound: number | undefined;
  readonly recordsNeeded: number | undefined;
}

/** `e`'s bound at the bursts' largest episode, when its per-episode figure is the one-record assumption. */
export function assumedEpisode(
  e: DropEvidence,
  limit: number,
  confidence: number,
  burstEpisode: number,
): AssumedEpisode {
  if (burstEpisode < 2) return { burstEpisode, bound: undefined, recordsNeeded: undefined };
  return {
    burstEpisode,
    bound: episodeBound(e, confidence, burstEpisode).upper,
    recordsNeeded: recordsToResolveEpisodes(limit, burstEpisode, confidence),
  };
}

/** The assumption said plainly, for a drop row's method. */
export function assumedEpisodeText(a: AssumedEpisode, limit: number): string {
  const head =
    'the bound is on the episode rate: it bounds the drops only if an episode loses 1 record, which no run showed';
  if (a.bound === undefined) return `${head} (no episode seen in any phase to size one)`;
  const status = a.bound <= limit ? 'met' : 'not resolved';
  return (
    `${head}; at the bursts' largest episode (${a.burstEpisode.toLocaleString('en-US')} records) it is ` +
    `${a.bound.toExponential(2)}, ${status}` +
    (a.bound <= limit ? '' : ` (${a.recordsNeeded!.toLocaleString('en-US')} records needed)`) +
    ', and a steady episode may be larger still: no run bounds the size of an episode it has not seen'
  );
}

/** How a phase's episodes fall over the seeds, against the bound's assumption (seedSpread). */
export interface SeedSpread {
  /** The episodes of each seed, in seed order. */
  readonly episodes: readonly number[];
  /** The seed (its index) whose count is the least likely that high. */
  readonly seed: number;
  /** P(a seed's count ≥ its count | the total) at that seed, × the seeds (Bonferroni), at most 1. */
  readonly p: number;
  /** Whether p ≥ 1 − confidence: no seed holds more episodes than independent ones would at `confidence`. */
  readonly consistent: boolean;
}

/**
 * A check of the per-episode bound's assumption across the seeds, each an independent run: if every record offered
 * opens an episode with the same probability, independently, then given the K episodes of all the seeds, seed s's
 * count is Binomial(K, n_s / N), n_s its records of the N. A seed with improbably many (the upper tail, Bonferroni
 * over the seeds) says the episodes come clustered in runs in a bad state, which the bound takes as independent. It
 * sees clustering between seeds only, not within one run.
 */
export function seedSpread(seeds: readonly { offered: number; episodes: number }[], confidence: number): SeedSpread {
  const total = seeds.reduce((s, x) => s + x.episodes, 0);
  const records = seeds.reduce((s, x) => s + x.offered, 0);
  // P(X ≥ k) for X ~ Binomial(total, share) is I_share(k, total − k + 1).
  const tail = seeds.map((x) =>
    x.episodes === 0 ? 1 : incompleteBeta(x.offered / records, x.episodes, total - x.episodes + 1),
  );
  const seed = tail.reduce((m, p, i) => (p < tail[m]! ? i : m), 0);
  const p = Math.min(1, tail[seed]! * seeds.length);
  return { episodes: seeds.map((x) => x.episodes), seed, p, consistent: p >= 1 - confidence };
}

/** The evidence of `phases` (one a seed), summed. */
export function dropEvidence(
  phases: readonly {
    offered: number;
    dropped: number;
    episodes: number;
    largestEpisode: number;
    episodesAtLeast: readonly number[];
  }[],
): DropEvidence {
  return {
    records: phases.reduce((s, x) => s + x.offered, 0),
    dropped: phases.reduce((s, x) => s + x.dropped, 0),
    episodes: phases.reduce((s, x) => s + x.episodes, 0),
    largestEpisode: phases.reduce((m, x) => Math.max(m, x.largestEpisode), 0),
    episodesAtLeast: EPISODE_SIZES.map((_, i) => phases.reduce((s, x) => s + x.episodesAtLeast[i]!, 0)),
  };
}

/**
 * The records a run must offer before the per-episode bound, each episode taken to lose `perEpisode` records, is
 * within `limit` with `episodes` episodes seen in them (about 3 × perEpisode / limit at 95% with none, 4.74 × with
 * one, 6.30 × with two).
 */
export function recordsToResolveEpisodes(limit: number, perEpisode: number, confidence: number, episodes = 0): number {
  const clean = recordsToResolve(limit / perEpisode, confidence);
  if (!(Number.isInteger(episodes) && episodes >= 0))
    throw new RangeError(`episodes: a whole count ≥ 0 expected, got ${episodes}`);
  if (episodes === 0) return clean;
  // The upper bound falls as the records grow: the least n within the limit, by doubling and then halving.
  const within = (n: number): boolean => clopperPearsonUpper(episodes, n, confidence) * perEpisode <= limit;
  let hi = clean * 2;
  while (!within(hi)) hi *= 2;
  let lo = Math.max(episodes, Math.floor(hi / 2));
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (within(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
