/**
 * How long the runs that accept an answer are, and what must hold before
 * any run is made. The search screens each configuration on short runs
 * (they order the suspects and reject what visibly fails); a
 * configuration is accepted only on runs long enough to resolve its SLOs:
 * the steady window sized so the records offered over every seed reach
 * those that resolve the drop SLO (and a p99.9's tail), with 5% to spare
 * for the draw, and enough seeds that the bursts' records resolve the
 * burst's SLO. A burst is one trial however many records it offers: its
 * episodes come from the state the burst meets (trains in flight, a
 * refresh, the rings' fill), so three seeds' bursts are three draws of
 * it, and the search would take an episode it never drew to lose one
 * record. With a burst held, the acceptance runs at least BURSTS_TO_SEE
 * bursts, each on its own seed (the steady window shared among them), so
 * a kind of burst episode that comes in one burst in ten is seen at 95%
 * and sets the unseen episode the burst row is sized for. The drop rows are bounded per episode, so the records they
 * need scale with the records an unseen episode is taken to lose
 * (episode-bound.ts). A run longer than the longest allowed is capped, and
 * a row it cannot resolve stays "not resolved"; when even a clean run at
 * the cap could not meet a drop row, the plan says so and no run is made.
 *
 * Stability first: a link offered more than its rate on the wire (the
 * application data and every record's 29 bytes of header and tag) cannot
 * be held by any buffer, however long the window would have to be to show
 * it; such a question is outside the device.
 */
import { clopperPearsonUpper, recordsToResolve } from './binomial-bound.js';
import { RECORD_OVERHEAD } from './device.js';
import { NONE_SEEN, recordsToResolveEpisodes, type UnseenEpisodes } from './episode-bound.js';
import type { RunSettings } from './replicate.js';
import { SLO_CONFIDENCE, type Slos } from './slo.js';
import { meanRecordBytes, recordsPerSecond, type Traffic } from './traffic.js';

/** The longest steady window an acceptance run may take by default (µs a seed). */
export const MAX_WINDOW_US = 1_000_000;
/** The most seeds an acceptance may take (for the bursts: a seed a burst). */
export const MAX_REPLICATIONS = 100;
/** The share of bursts a kind of burst episode must come in to be seen, at 95%, in BURSTS_TO_SEE bursts. */
export const BURST_EPISODE_SHARE = 0.1;
/** The fewest bursts (seeds) that accept a burst's SLO: ln 0.05 / ln (1 − BURST_EPISODE_SHARE), 29. */
export const BURSTS_TO_SEE = recordsToResolve(BURST_EPISODE_SHARE, SLO_CONFIDENCE);

export interface AcceptancePlan {
  /** The search's short runs: ordering and rejecting, never accepting. */
  readonly screen: RunSettings;
  /** The runs an answer is accepted on. */
  readonly accept: RunSettings;
  /** Records (and handshakes) the steady windows offer over every seed, expected, and those the drop SLO needs. */
  readonly recordsOffered: number;
  readonly recordsNeeded: number;
  /** The burst's records over every seed, expected, and those its SLO needs (0: not held). */
  readonly burstRecordsOffered: number;
  readonly burstRecordsNeeded: number;
  /** The window or the seeds were capped short of what the SLOs need: a row may stay not resolved. */
  readonly capped: boolean;
  /** The unseen episodes the records needed were scaled by. */
  readonly unseen: UnseenEpisodes;
  /** The drop row no run at this length could meet, even with no drop in it, and why (undefined: a clean run would). */
  readonly unresolvable:
    { readonly metric: 'dropProbability' | 'burstDropProbability'; readonly why: string } | undefined;
}

/** Records and handshakes a µs under `t`. */
function perUs(t: Traffic): number {
  return (recordsPerSecond(t.openGbps, t.mix) + recordsPerSecond(t.sealGbps, t.mix) + t.handshakesPerSecond) / 1e6;
}

/**
 * The acceptance runs for `load` (the traffic the SLOs are judged under) from the screening settings `run`, an episode
 * not seen taken to lose `unseen`'s records, a held burst run on at least `minBursts` seeds (a burst each). Sized so a
 * run with `episodes` episodes a phase (none by default: a clean run) resolves each drop row: a run that shows k
 * episodes needs some (k + 1) times the records, which only more bursts (`minBursts`, the CLI's `--bursts`, up to
 * MAX_REPLICATIONS) or a longer window (up to `maxWindowUs`) give, fixed before the run is made.
 */
export function acceptancePlan(
  load: Traffic,
  slos: Slos,
  run: RunSettings,
  maxWindowUs: number = MAX_WINDOW_US,
  unseen: UnseenEpisodes = NONE_SEEN,
  minBursts: number = BURSTS_TO_SEE,
  episodes: { readonly steady: number; readonly burst: number } = { steady: 0, burst: 0 },
): AcceptancePlan {
  if (!(Number.isInteger(minBursts) && minBursts >= BURSTS_TO_SEE && minBursts <= MAX_REPLICATIONS))
    throw new RangeError(
      `minBursts: the fewest bursts an acceptance runs must be a whole number from ${BURSTS_TO_SEE} to ${MAX_REPLICATIONS}, got ${minBursts}`,
    );
  const rate = perUs(load);
  const quantileTail = slos.p999Us !== undefined ? 1e-3 : slos.p99Us !== undefined ? 1e-2 : 1;
  const needed = Math.max(
    recordsToResolveEpisodes(slos.dropProbability, unseen.steady.records, SLO_CONFIDENCE, episodes.steady),
    quantileTail < 1 ? recordsToResolve(quantileTail, SLO_CONFIDENCE) : 0,
  );
  const bursting = load.burstFactor > 1 && slos.burstDropProbability !== undefined;
  const burstNeeded = bursting
    ? recordsToResolveEpisodes(slos.burstDropProbability!, unseen.burst.records, SLO_CONFIDENCE, episodes.burst)
    : 0;
  // The burst and its recovery as long.
  const burstPerSeed = bursting ? rate * load.burstUs * (load.burstFactor + 1) : 0;
  // A seed a burst: enough for the records the SLO needs, and never fewer than it takes to see a kind of episode
  // (`minBursts`: more, so that a burst row with an episode or two seen is still resolved).
  const wantSeeds = bursting ? Math.max(minBursts, Math.ceil((burstNeeded * 1.05) / burstPerSeed)) : 0;
  const replications = Math.min(MAX_REPLICATIONS, Math.max(run.replications, wantSeeds));
  const wantWindow = Math.ceil((needed * 1.05) / (replications * rate));
  const windowUs = Math.min(maxWindowUs, Math.max(run.windowUs, wantWindow));
  const recordsOffered = rate * windowUs * replications;
  const burstRecordsOffered = burstPerSeed * replications;
  // The bound at the cap (the records expected) with `k` episodes: past the limit, no run of this length can meet the
  // row with as many (none: a clean run).
  const clean = (records: number, perEpisode: number, k: number): number =>
    records < Math.max(1, k) ? 1 : clopperPearsonUpper(k, Math.floor(records), SLO_CONFIDENCE) * perEpisode;
  const num = (v: number): string => Math.round(v).toLocaleString('en-US');
  const seenText = (k: number): string => (k === 0 ? '' : ` and ${k} episode${k === 1 ? '' : 's'} seen`);
  const short = (what: string, offered: number, need: number, u: UnseenEpisodes['steady'], k: number): string =>
    `${what} needs ${num(need)} records with an unseen episode of ${num(u.records)} (${u.source})${seenText(k)}; the longest allowed runs offer ${num(offered)}`;
  // What resolves it is longer runs, never a larger device: the records needed and offered do not depend on the knobs.
  const unresolvable =
    clean(recordsOffered, unseen.steady.records, episodes.steady) > slos.dropProbability
      ? {
          metric: 'dropProbability' as const,
          why: `${short('the drop SLO', recordsOffered, needed, unseen.steady, episodes.steady)} (runs of ${num(wantWindow)} µs a seed would: --max-window ${wantWindow})`,
        }
      : bursting && clean(burstRecordsOffered, unseen.burst.records, episodes.burst) > slos.burstDropProbability!
        ? {
            metric: 'burstDropProbability' as const,
            why: `${short("the burst's drop SLO", burstRecordsOffered, burstNeeded, unseen.burst, episodes.burst)} (${num(wantSeeds)} bursts would, a seed each; at most ${MAX_REPLICATIONS} are run)`,
          }
        : undefined;
  return {
    screen: run,
    accept: { ...run, windowUs, replications },
    recordsOffered,
    recordsNeeded: needed,
    burstRecordsOffered,
    burstRecordsNeeded: burstNeeded,
    capped: windowUs < wantWindow || replications < wantSeeds,
    unseen,
    unresolvable,
  };
}

/**
 * The link a direction of `load` overloads, said plainly (undefined: both
 * carry it): the wire rate is the data rate × (mean record + 29 B) / mean
 * record, against the link's rate.
 */
export function linkOverload(load: Traffic): string | undefined {
  const mean = meanRecordBytes(load.mix);
  const wire = (gbps: number): number => (gbps * (mean + RECORD_OVERHEAD)) / mean;
  for (const [side, gbps] of [
    ['the egress link (sealed records)', load.sealGbps],
    ['the ingress link (opened records)', load.openGbps],
  ] as const) {
    const w = wire(gbps);
    if (w > load.linkGbps)
      return (
        `${side} is offered ${w.toFixed(2)} Gbit/s on the wire (${gbps.toFixed(2)} Gbit/s of data in records of ${mean.toFixed(0)} B ` +
        `and ${RECORD_OVERHEAD} B each of header and tag) against its ${load.linkGbps} Gbit/s: ${(w / load.linkGbps).toFixed(3)} × its rate, ` +
        'which no buffer holds; a faster link or less traffic, not a larger device'
      );
  }
  return undefined;
}
