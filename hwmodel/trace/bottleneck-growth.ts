/**
 * The bottleneck proven by growth: the run's rule-based analysis
 * (bottleneck.ts) only ranks the suspects; each is then grown one step and
 * the same run (seed, traffic, every other parameter) made again, and the
 * resource named is the one whose growth moved the run most. What moved is
 * read on three figures, in this order: the throughput (application bytes
 * over the whole simulated time: the run's work over the time it took, its
 * drain and a retransmission's wait included; the steady window's goodput
 * is the middle of one data phase, and a growth that moves the handshakes
 * moves that window), the datagrams dropped, the connections' median
 * completion time. A growth
 * moved the run when one of them is better by {@link GROWTH_THRESHOLD} or
 * more and none is worse by as much (a deeper buffer that ends a short
 * run's drops by holding its backlog, at a longer completion, relieves
 * nothing); between two growths the first figure on which they differ by the
 * threshold or more decides, and growths alike on all three are named
 * together. When no growth moved anything, the offered load sets the rate:
 * none of the device's resources does. This file holds the verdict;
 * hwmodel/model/bottleneck-reruns.ts makes the runs.
 */

/** Relative change of a figure (0.05: 5% better) a growth must reach to count as moving the run. */
export const GROWTH_THRESHOLD = 0.05;

/** How far a suspect is grown: lanes, channels, depths, credits and bandwidths doubled, costs halved. */
export const GROWTH_FACTOR = 2;

/** Suspects grown by default: each costs one run as long as the first. */
export const DEFAULT_SUSPECTS = 6;

/** The figures a growth is judged on, in the order they decide. */
export const GROWTH_FIGURES = ['throughput', 'drops', 'latency'] as const;
export type GrowthFigure = (typeof GROWTH_FIGURES)[number];

/** The rule as the report states it. */
export const GROWTH_RULE =
  `each suspect (the rule-based reading's resource and chain, the pressed resources, then the busiest) grown one step (×${GROWTH_FACTOR}; a cost halved; the key slots to every connection's keys) ` +
  'and the same run (seed, traffic) made again; named: the resource whose growth moved the run most, judged first on the throughput (application bytes over the simulated time), then the drops, then the median completion time ' +
  `(moved: one figure ${GROWTH_THRESHOLD * 100}% better or more, none as much worse; growths within ${GROWTH_THRESHOLD * 100}% of each other on all three are named together); ` +
  'none moved: the offered load sets the rate; none is grown when the rule-based reading finds headroom (nothing dropped, held back, near saturation or queueing)';

/** One suspect grown, and what its growth did to the run's figures. */
export interface GrowthEffect {
  /** The resource suspected (a module, a link or a buffer of the report) and the parameter grown for it. */
  readonly resource: string;
  readonly knob: string;
  readonly from: number;
  readonly to: number;
  /** Relative improvement of each figure (0.1: 10% better; negative: worse), paired on the same seed. */
  readonly change: Readonly<Record<GrowthFigure, number>>;
  /** The figures themselves after the growth. */
  readonly after: Readonly<Record<GrowthFigure, number>>;
  /** One figure better by the threshold or more, none worse by as much. */
  readonly moved: boolean;
}

/** What the growths found. */
export interface GrowthVerdict {
  /** The resources named (two or more: their growths moved the run alike); empty: the offered load sets the rate. */
  readonly named: readonly string[];
  /** The figure that decided (the first on which the named growth moved the run); null when none moved. */
  readonly figure: GrowthFigure | null;
  /** The run's own figures, before any growth. */
  readonly before: Readonly<Record<GrowthFigure, number>>;
  /** Every suspect grown, in the order ranked. */
  readonly effects: readonly GrowthEffect[];
  /** Suspects that could not be grown (at their parameter's maximum, or with no parameter), and why. */
  readonly skipped: readonly { readonly resource: string; readonly reason: string }[];
  /**
   * The rule-based reading found headroom (nothing dropped, held back, near
   * saturation or queueing): no suspect was grown, and none is named.
   */
  readonly headroom: boolean;
  /** Runs made for the growths (one per effect), and the wall time they took (ms). */
  readonly reruns: number;
  readonly wallMs: number;
  readonly threshold: number;
  readonly rule: string;
}

/**
 * Whether a growth moved the run: one figure better by `threshold` or more,
 * none worse by as much (the size proof's "worse on no seed", here on no
 * figure).
 */
export const movedBy = (change: Readonly<Record<GrowthFigure, number>>, threshold = GROWTH_THRESHOLD): boolean =>
  GROWTH_FIGURES.some((f) => change[f] >= threshold) && GROWTH_FIGURES.every((f) => change[f] > -threshold);

/**
 * Orders two growths: negative when `a` moved the run more. The first
 * figure on which they differ by `threshold` or more decides; 0: alike.
 */
export function compareGrowths(a: GrowthEffect, b: GrowthEffect, threshold = GROWTH_THRESHOLD): number {
  for (const f of GROWTH_FIGURES) {
    const d = b.change[f] - a.change[f];
    if (Math.abs(d) >= threshold) return d;
  }
  return 0;
}

/** The verdict over the growths made: the movers' best, with those alike to it; none when nothing moved. */
export function nameByGrowth(
  before: Readonly<Record<GrowthFigure, number>>,
  effects: readonly GrowthEffect[],
  skipped: GrowthVerdict['skipped'] = [],
  wallMs = 0,
  headroom = false,
  threshold = GROWTH_THRESHOLD,
): GrowthVerdict {
  const movers = effects.filter((e) => e.moved);
  const best = movers.reduce<GrowthEffect | undefined>(
    (a, e) => (a === undefined || compareGrowths(e, a, threshold) < 0 ? e : a),
    undefined,
  );
  const named = best === undefined ? [] : movers.filter((e) => compareGrowths(e, best, threshold) === 0);
  return {
    named: named.map((e) => e.resource),
    figure: best === undefined ? null : (GROWTH_FIGURES.find((f) => best.change[f] >= threshold) ?? null),
    before,
    effects,
    skipped,
    headroom,
    reruns: effects.length,
    wallMs,
    threshold,
    rule: GROWTH_RULE,
  };
}
