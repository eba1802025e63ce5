/**
 * Service-level objectives `dtls13 size` accepts a device against, each at
 * the conservative end of a 95% bound, with the records behind it and its
 * method. A drop probability (steady and burst) is bounded per episode
 * from the records offered, the drop episodes and the largest episode over
 * every seed (episode-bound.ts: the episodes, not the records, taken as
 * independent; an episode not seen as large as `unseen` says, and the
 * records the row needs scaled with it; a steady row resting on the
 * one-record assumption says its bound is the episode rate's, and gives
 * the bound at the bursts' largest episode): met when the upper bound is within the limit, not met
 * when even the lower end, from the episodes' sizes, is past it (said in the method), else "not resolved" (the run was
 * too short to tell, never met). A latency percentile (p99, p99.9, to the
 * wire) is bounded by an order statistic of every seed's records pooled
 * (quantile-bound.ts: the rank that covers the quantile at 95%, whatever
 * the distribution); a run without that rank (fewer than
 * recordsToResolve(1 − q) records) leaves it not resolved. The handshake rate, a bound from below, at
 * the lower end of its interval. The margin policy sizes for the load ×
 * (1 + margin). A screening run (the search's short runs, which only order
 * and reject) reads drops at their point estimate instead.
 */
import { ConfigError } from '../../../runtime/config-error.js';
import type { Interval } from '../../model/sweep.js';
import { recordsToResolve } from './binomial-bound.js';
import {
  assumedEpisode,
  assumedEpisodeText,
  dropEvidence,
  episodeBound,
  EPISODE_GAP_US,
  EPISODE_SIZES,
  isAssumed,
  NONE_SEEN,
  recordsToResolveEpisodes,
  type AssumedEpisode,
  type UnseenEpisodes,
} from './episode-bound.js';
import { LatencyHistogram } from './latency-histogram.js';
import { quantileBound } from './quantile-bound.js';
import { NEVER_US, type MetricName, type Replicated } from './replicate.js';

/** The confidence every SLO bound is at. */
export const SLO_CONFIDENCE = 0.95;

/** The burst's drop SLO when the question gives none: the answer states it (`--slo-burst-drop none`: not held). */
export const DEFAULT_BURST_DROP = 1e-3;

/** How a row is evaluated: exactly (acceptance) or by point estimate of the drops (the search's screening runs). */
export type SloMode = 'exact' | 'screen';

export interface Slos {
  /** Records and handshakes dropped over those offered in the steady window, at most. */
  readonly dropProbability: number;
  /** Per-record latency (µs) at the 99th and 99.9th percentile, at most (undefined: not an objective). */
  readonly p99Us: number | undefined;
  readonly p999Us: number | undefined;
  /** Handshakes a second kept up with, at least: the target rate (× (1 + margin) in the runs). */
  readonly handshakesPerSecond: number;
  /** Drops in the burst and its recovery, at most (undefined: reported, not an objective). */
  readonly burstDropProbability: number | undefined;
  /** Headroom: the device is sized for every rate × (1 + margin). */
  readonly margin: number;
}

/** One objective's row of the SLO table. */
export interface SloRow {
  readonly metric: MetricName;
  readonly direction: 'at most' | 'at least';
  readonly limit: number;
  readonly measured: Interval;
  /** The interval's conservative end: the upper for `at most`, the lower for `at least`. */
  readonly bound: number;
  readonly met: boolean;
  /** How far from the limit, as bound / limit (`at most`) or limit / bound (`at least`, 0 when every handshake was kept up with): above 1 fails. */
  readonly severity: number;
  /** met; not met (resolved: even the optimistic end is past the limit, or a latency over its records); not resolved (too few records to tell). */
  readonly status: 'met' | 'not met' | 'not resolved';
  /** How the bound was computed, said plainly. */
  readonly method: string;
  /** The records (or handshakes) behind the bound, over every seed, and those the limit needs to be resolvable at all. */
  readonly records: number;
  readonly recordsNeeded: number;
  /** A drop row's episodes over every seed (drops less than EPISODE_GAP_US apart in a run are one); undefined for the others. */
  readonly episodes?: number;
  /** A drop row's records an episode is taken to lose, and where that figure came from. */
  readonly perEpisode?: number;
  readonly perEpisodeSource?: string;
  /** A steady drop row whose per-episode figure is the one-record assumption: what evidence says instead. */
  readonly assumed?: AssumedEpisode;
}

const num = (v: number): string => v.toLocaleString('en-US');

export interface SloVerdict {
  readonly rows: readonly SloRow[];
  readonly met: boolean;
  /** The row furthest from its limit (the largest severity): the limiting metric. */
  readonly limiting: SloRow;
  /** The failing objectives' metrics, the limiting first. */
  readonly failing: readonly MetricName[];
}

/** `20%`, `0.2` or `0`: the margin as a fraction (ConfigError 'margin'). */
export function parseMargin(text: string): number {
  const m = /^\s*([0-9]*\.?[0-9]+)\s*(%?)\s*$/.exec(text);
  const v = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(v >= 0 && v <= 10))
    throw new ConfigError('margin', `must be a fraction or a percentage from 0 to 1000%, got '${text}'`);
  return v;
}

/** Checks `s` (ConfigError naming the objective). */
export function checkSlos(s: Slos): Slos {
  const prob = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(v >= 0 && v < 1))
      throw new ConfigError(name, `must be a probability from 0 to below 1, got ${String(v)}`);
  };
  prob('dropProbability', s.dropProbability);
  prob('burstDropProbability', s.burstDropProbability);
  for (const [name, v] of [
    ['dropProbability', s.dropProbability],
    ['burstDropProbability', s.burstDropProbability],
  ] as const)
    if (v === 0)
      throw new ConfigError(name, 'must be above 0: no finite run bounds a drop probability at 0 (try 1e-9)');
  for (const [name, v] of [
    ['p99Us', s.p99Us],
    ['p999Us', s.p999Us],
  ] as const)
    if (v !== undefined && !(v > 0 && Number.isFinite(v)))
      throw new ConfigError(name, `must be a latency above 0 µs, got ${String(v)}`);
  if (!(s.handshakesPerSecond >= 0))
    throw new ConfigError('handshakesPerSecond', `must be 0 or more, got ${String(s.handshakesPerSecond)}`);
  if (!(s.margin >= 0 && s.margin <= 10))
    throw new ConfigError('margin', `must be from 0 to 10, got ${String(s.margin)}`);
  return s;
}

/**
 * The SLO table of `r` (run at the load × (1 + margin)); the handshake target is scaled alike. An episode these runs
 * did not see is taken to lose `unseen`'s records (default: one, none seen anywhere).
 */
export function evaluateSlos(
  r: Replicated,
  slos: Slos,
  mode: SloMode = 'exact',
  unseen: UnseenEpisodes = NONE_SEEN,
): SloVerdict {
  const rows: SloRow[] = [];
  const conf = SLO_CONFIDENCE;
  const pct = `${Math.round(conf * 100)}%`;
  const sum = (f: (run: Replicated['runs'][number]) => number): number => r.runs.reduce((s, x) => s + f(x), 0);
  const drops = (metric: MetricName, limit: number | undefined, phase: 'steady' | 'burst'): void => {
    if (limit === undefined) return;
    const e = dropEvidence(r.runs.flatMap((x) => (x[phase] === undefined ? [] : [x[phase]])));
    const n = e.records;
    const k = e.dropped;
    const prior = unseen[phase];
    const m = r.metrics[metric];
    const screen = mode === 'screen';
    const eb = episodeBound(e, conf, prior.records);
    const needed = recordsToResolveEpisodes(limit, eb.perEpisode, conf);
    const source =
      e.largestEpisode >= prior.records && e.episodes > 0 ? 'the largest these runs saw' : `unseen: ${prior.source}`;
    const bound = screen ? (n === 0 ? 0 : k / n) : eb.upper;
    const met = bound <= limit;
    // Not met when even the lower end, from the episodes' sizes, is past the limit (episode-bound.ts).
    const sized = !screen && !met && eb.lower > limit;
    const status = met ? 'met' : screen || sized ? 'not met' : 'not resolved';
    // No episode here, none anywhere to size one: the one record is an assumption; the bursts' episodes say otherwise.
    const bursts = unseen.burst;
    const burstEpisode = Math.max(
      isAssumed(bursts) ? 0 : bursts.records,
      ...r.runs.map((x) => x.burst?.largestEpisode ?? 0),
    );
    const assumed =
      !screen && phase === 'steady' && e.episodes === 0 && isAssumed(prior)
        ? assumedEpisode(e, limit, conf, burstEpisode)
        : undefined;
    rows.push({
      metric,
      direction: 'at most',
      limit,
      measured: m,
      bound,
      met,
      severity: bound / limit,
      status,
      method: screen
        ? 'screening: drops / records offered (point estimate)'
        : `per episode (drops < ${EPISODE_GAP_US} µs apart): Clopper-Pearson one-sided ${pct} on ${num(e.episodes)} episodes in ${num(n)} records × ${num(eb.perEpisode)} record${eb.perEpisode === 1 ? '' : 's'} an episode (${source}); ${num(k)} dropped` +
          (assumed === undefined ? '' : `; ${assumedEpisodeText(assumed, limit)}`) +
          (sized ? `; ${lowerEndText(eb.lower, pct)}` : ''),
      records: n,
      recordsNeeded: needed,
      episodes: e.episodes,
      perEpisode: eb.perEpisode,
      perEpisodeSource: source,
      ...(assumed === undefined ? {} : { assumed }),
    });
  };
  const latency = (metric: MetricName, limit: number | undefined, q: number): void => {
    if (limit === undefined) return;
    const m = r.metrics[metric];
    // Every seed's records pooled; the bound is the order statistic whose rank covers the quantile at 95%, whatever
    // the distribution (quantile-bound.ts), a record never sent ranking above every sent one (1 s as a figure).
    const pooled = LatencyHistogram.pooled(r.runs.map((x) => x.steady.wireRecords));
    const qb = quantileBound(
      pooled,
      sum((x) => x.steady.wireLost),
      q,
      conf,
    );
    const us = (ns: number): number => (Number.isFinite(ns) ? Math.min(ns / 1000, NEVER_US) : NEVER_US);
    const n = qb.records;
    // A screening run reads the pooled quantile at its point estimate and is not asked to resolve the tail.
    const screen = mode === 'screen';
    const needed = screen ? 0 : recordsToResolve(1 - q, conf);
    const resolved = screen || qb.rank !== undefined;
    const bound = screen || qb.rank === undefined ? us(qb.pointNs) : us(qb.boundNs);
    const met = resolved && bound <= limit;
    rows.push({
      metric,
      direction: 'at most',
      limit,
      measured: m,
      bound,
      met,
      severity: resolved ? bound / limit : Math.max(1.0001, bound / limit),
      status: met ? 'met' : resolved ? 'not met' : 'not resolved',
      method: screen
        ? `screening: the pooled records' ${q * 100}th percentile (point estimate, to the wire)`
        : qb.rank === undefined
          ? `order statistic: ${num(n)} pooled records hold none that bounds the ${q * 100}th percentile at ${pct} (${num(needed)} needed); point estimate shown`
          : `order statistic ${num(qb.rank)} of ${num(n)} pooled records, ${pct} one-sided, distribution-free (to the wire; read at its 1% bin's upper edge)`,
      records: n,
      recordsNeeded: needed,
    });
  };
  drops('dropProbability', slos.dropProbability, 'steady');
  latency('p99Us', slos.p99Us, 0.99);
  latency('p999Us', slos.p999Us, 0.999);
  drops('burstDropProbability', slos.burstDropProbability, 'burst');
  if (slos.handshakesPerSecond > 0) {
    const limit = slos.handshakesPerSecond * (1 + slos.margin);
    const m = r.metrics.handshakesPerSecond;
    const bound = m.mean - m.halfWidth;
    // Every handshake offered completed: kept up with, and nothing to say how far from the limit (the rate cannot pass the offer).
    const kept = bound >= limit * (1 - 1e-9);
    rows.push({
      metric: 'handshakesPerSecond',
      direction: 'at least',
      limit,
      measured: m,
      bound,
      met: kept,
      severity: kept ? 0 : bound <= 0 ? Infinity : limit / bound,
      status: kept ? 'met' : 'not met',
      method: `Student t ${pct} over ${r.runs.length} seeds (lower end), capped at the public-key lanes' capacity`,
      records: sum((x) => x.handshakes.offered),
      recordsNeeded: 0,
    });
  }
  const limiting = rows.reduce((a, b) => (b.severity > a.severity ? b : a));
  const failing = [limiting, ...rows.filter((x) => x !== limiting)].filter((x) => !x.met).map((x) => x.metric);
  return { rows, met: rows.every((x) => x.met), limiting, failing };
}

/** A drop row's lower end past its limit, said with how it was made. */
function lowerEndText(lower: number, pct: string): string {
  const last = num(EPISODE_SIZES[EPISODE_SIZES.length - 1]!);
  return (
    `lower end ${lower.toExponential(2)} from the episodes' sizes (Clopper-Pearson one-sided on the episodes of at ` +
    `least 1, 2, 4, ... ${last} records, ${pct} split among the ${EPISODE_SIZES.length} sizes), past the limit`
  );
}

/** Whether a smaller value of `metric` is better. */
export function lowerIsBetter(metric: MetricName): boolean {
  return metric !== 'handshakesPerSecond';
}
