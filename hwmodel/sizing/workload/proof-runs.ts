/**
 * How long a bottleneck proof's runs are: sized to the proof's question,
 * not the acceptance's. An acceptance must resolve the drop SLO, some
 * 3 / SLO records (more with episodes: run-plan.ts); a proof made after a
 * configuration failed there asks only which suspect, grown one step,
 * moves the limiting metric most, on the same seeds before and after. A
 * drop rate is counted in episodes (drops less than EPISODE_GAP_US apart
 * are one, episode-bound.ts), so what a proof's run must show is episodes
 * enough to rank the suspects by: PROOF_EPISODES a seed, at the rate the
 * runs that failed showed on their fewest seed. Each seed's count then
 * stands within ±1.96 / √PROOF_EPISODES of its mean at 95% (Poisson, the
 * normal approximation), and the paired runs (common random numbers) take
 * the draw out of the difference; a shorter run sees the warm-up's
 * transient rather than the limit (tests/hwmodel/sizing/proof-runs.test.ts
 * shows one naming the wrong knob). The runs are never shorter than the
 * screen's nor longer than those that failed; a limiting metric that is
 * not the steady drop row (a latency, the handshakes, the burst's drops,
 * a burst a seed) keeps the runs that failed, and so do runs that showed
 * fewer episodes a seed than PROOF_EPISODES.
 */
import type { MetricName, Replicated, RunSettings } from './replicate.js';

/** Drop episodes a seed a proof's runs are sized to show. */
export const PROOF_EPISODES = 20;

/** A shortened proof's `before` runs are kept only when their fewest seed shows at least this many episodes. */
export const PROOF_EPISODES_KEPT = PROOF_EPISODES / 2;

export interface ProofRuns {
  /** The runs each suspect (and, when shortened, the configuration itself) is run on. */
  readonly settings: RunSettings;
  /** Shorter than the runs that failed: `before` must be run again on them. */
  readonly shortened: boolean;
  /** How they were sized and the bound that holds on them, as the step prints it. */
  readonly method: string;
}

const num = (v: number): string => Math.round(v).toLocaleString('en-US');

/** Runs `s` as text: seeds × window. */
export function runsText(s: RunSettings): string {
  return `${s.replications} × ${num(s.windowUs)} µs`;
}

/**
 * The runs a proof of `failed` (made on `s`, failing `metrics`, the limiting first) is made on; `screen` the
 * search's shortest runs.
 */
export function proofRuns(
  failed: Replicated,
  s: RunSettings,
  metrics: readonly MetricName[],
  screen: RunSettings,
): ProofRuns {
  const same = (why: string): ProofRuns => ({
    settings: s,
    shortened: false,
    method: `proof on the runs that failed, ${runsText(s)} (${why})`,
  });
  if (metrics[0] !== 'dropProbability') return same(`${metrics[0] ?? 'no metric'} limits, not sized by episodes`);
  const least = Math.min(...failed.runs.map((r) => r.steady.episodes));
  if (least < PROOF_EPISODES)
    return same(
      `${least} drop episodes on the fewest seed, fewer than the ${PROOF_EPISODES} a shorter run is sized for`,
    );
  const perUs = least / s.windowUs;
  const windowUs = Math.max(screen.windowUs, Math.ceil(PROOF_EPISODES / perUs));
  if (windowUs >= s.windowUs) return same(`no shorter run shows ${PROOF_EPISODES} drop episodes a seed`);
  const settings = { ...s, windowUs };
  return {
    settings,
    shortened: true,
    method:
      `proof on ${runsText(settings)}, sized for ${PROOF_EPISODES} drop episodes a seed at the rate the runs that ` +
      `failed showed (${least} in ${num(s.windowUs)} µs on the fewest seed): each seed's count within ` +
      `±${Math.round(196 / Math.sqrt(PROOF_EPISODES))}% at 95% (Poisson), the same seeds before and after`,
  };
}

/**
 * Whether `before`, run on a shortened proof's runs, shows the episodes they were sized for (at least
 * PROOF_EPISODES_KEPT on its fewest seed; fewer: the proof is made on the runs that failed).
 */
export function proofRunsHold(before: Replicated): boolean {
  return Math.min(...before.runs.map((r) => r.steady.episodes)) >= PROOF_EPISODES_KEPT;
}
