/**
 * A flow-model run's figures for some of its phases of arrival (flow-model.ts: warm-up, steady, burst, recovery), read
 * from what the run counted by phase: offered, dropped and delivered, each phase's latencies to the end of DMA out and
 * to the wire, the records still inside at the end (counted as never delivered: +∞), and the drop episodes.
 */
import type { PhaseFigures } from './flow-run.js';
import { LatencyHistogram, Merged } from './latency-histogram.js';

/** What a run counted, each by phase of arrival. */
export interface PhaseCounts {
  readonly offered: Float64Array;
  readonly dropped: Float64Array;
  readonly delivered: Float64Array;
  /** Records (not handshakes) taken into the ring, and of those, the ones not delivered by the end. */
  readonly recOffered: Float64Array;
  readonly stuck: Float64Array;
  readonly latency: readonly LatencyHistogram[];
  readonly wire: readonly LatencyHistogram[];
  /** Drop episodes opened, the most drops in one, and the episodes of at least each of EPISODE_SIZES' drops. */
  readonly episodes: Float64Array;
  readonly largestEpisode: Float64Array;
  readonly atLeast: readonly Float64Array[];
}

/** The figures of the records that arrived in `phases`. */
export function phaseFigures(c: PhaseCounts, phases: readonly number[]): PhaseFigures {
  const sum = (a: Float64Array): number => phases.reduce((s, p) => s + a[p]!, 0);
  const h = new Merged(phases.map((p) => c.latency[p]!));
  const lost = Math.max(0, sum(c.stuck));
  const o = sum(c.offered);
  const q = (x: number): number => h.quantile(x, lost) / 1000;
  const w = new Merged(phases.map((p) => c.wire[p]!));
  const wireLost = Math.max(
    0,
    phases.reduce((s, p) => s + c.recOffered[p]! - c.wire[p]!.count, 0),
  );
  const wq = (x: number): number => w.quantile(x, wireLost) / 1000;
  return {
    offered: o,
    dropped: sum(c.dropped),
    dropProbability: o === 0 ? 0 : sum(c.dropped) / o,
    delivered: sum(c.delivered),
    meanUs: h.mean() / 1000,
    p50Us: q(0.5),
    p99Us: q(0.99),
    p999Us: q(0.999),
    wireP50Us: wq(0.5),
    wireP99Us: wq(0.99),
    wireP999Us: wq(0.999),
    wireRecords: LatencyHistogram.pooled(phases.map((p) => c.wire[p]!)),
    wireLost,
    episodes: sum(c.episodes),
    largestEpisode: Math.max(...phases.map((p) => c.largestEpisode[p]!)),
    episodesAtLeast: c.atLeast.map(sum),
  };
}
