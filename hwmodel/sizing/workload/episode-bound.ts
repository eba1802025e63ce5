/**
 * A drop probability bounded per episode. Drops come in episodes (a queue
 * overflowing for a while loses many records at once), so the records of
 * one run are not independent trials and the binomial bound over them is
 * optimistic by the episodes' size. The unit here is the episode (drops
 * less than EPISODE_GAP_US apart in one run), taken as
 * independent of the others: each record offered may open one, so the
 * episodes seen over every seed bound the episode rate per record by the
 * one-sided Clopper-Pearson bound, and the drop probability is at most
 * that rate times the records an episode loses, the largest episode seen
 * over every seed (at least one record: with no episode seen, an unseen
 * one is taken to lose no more than one, the assumption the answer states).
 * The lower end (for "not met"): the episodes' lower bound times one
 * record each.
 */
import { clopperPearsonLower, clopperPearsonUpper } from './binomial-bound.js';

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

/** What a phase's runs show of its drops, summed (the largest: over every seed). */
export interface DropEvidence {
  readonly records: number;
  readonly dropped: number;
  readonly episodes: number;
  readonly largestEpisode: number;
}

export interface EpisodeBound {
  /** The drop probability's bound at `confidence`: the upper, and the lower end. */
  readonly upper: number;
  readonly lower: number;
  /** The records an episode is taken to lose (the largest seen, at least 1). */
  readonly perEpisode: number;
}

/** The per-episode bound on the drop probability of `e` at `confidence`. */
export function episodeBound(e: DropEvidence, confidence: number): EpisodeBound {
  if (!(e.episodes <= e.dropped && e.largestEpisode <= e.dropped && (e.dropped === 0 || e.episodes >= 1)))
    throw new RangeError(
      `episodes must hold the drops: ${e.dropped} dropped in ${e.episodes} episodes, the largest ${e.largestEpisode}`,
    );
  const perEpisode = Math.max(1, e.largestEpisode);
  return {
    upper: Math.min(1, clopperPearsonUpper(e.episodes, e.records, confidence) * perEpisode),
    lower: clopperPearsonLower(e.episodes, e.records, confidence),
    perEpisode,
  };
}

/** The evidence of `phases` (one a seed), summed. */
export function dropEvidence(
  phases: readonly { offered: number; dropped: number; episodes: number; largestEpisode: number }[],
): DropEvidence {
  return {
    records: phases.reduce((s, x) => s + x.offered, 0),
    dropped: phases.reduce((s, x) => s + x.dropped, 0),
    episodes: phases.reduce((s, x) => s + x.episodes, 0),
    largestEpisode: phases.reduce((m, x) => Math.max(m, x.largestEpisode), 0),
  };
}
