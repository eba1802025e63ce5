/**
 * Service-level objectives `dtls13 size` accepts a device against, each at
 * the conservative end of its 95% interval: a bound from above (drop
 * probability, record latency p99 and p99.9) is met when the interval's
 * upper end is within it; a bound from below (the handshake rate) when the
 * lower end reaches it. The margin policy sizes for the load × (1 + margin).
 */
import { ConfigError } from '../../../runtime/config-error.js';
import type { Interval } from '../../model/sweep.js';
import type { MetricName, Replicated } from './replicate.js';

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
}

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

/** The SLO table of `r` (run at the load × (1 + margin)); the handshake target is scaled alike. */
export function evaluateSlos(r: Replicated, slos: Slos): SloVerdict {
  const rows: SloRow[] = [];
  const atMost = (metric: MetricName, limit: number | undefined): void => {
    if (limit === undefined) return;
    const m = r.metrics[metric];
    const bound = m.mean + m.halfWidth;
    // A zero limit (no drop at all): any drop is infinitely far from it.
    const severity = limit === 0 ? (bound === 0 ? 0 : Infinity) : bound / limit;
    rows.push({ metric, direction: 'at most', limit, measured: m, bound, met: bound <= limit, severity });
  };
  atMost('dropProbability', slos.dropProbability);
  atMost('p99Us', slos.p99Us);
  atMost('p999Us', slos.p999Us);
  atMost('burstDropProbability', slos.burstDropProbability);
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
    });
  }
  const limiting = rows.reduce((a, b) => (b.severity > a.severity ? b : a));
  const failing = [limiting, ...rows.filter((x) => x !== limiting)].filter((x) => !x.met).map((x) => x.metric);
  return { rows, met: rows.every((x) => x.met), limiting, failing };
}

/** Whether a smaller value of `metric` is better. */
export function lowerIsBetter(metric: MetricName): boolean {
  return metric !== 'handshakesPerSecond';
}
