/**
 * netem's loss, delay and reordering, as a pure decision per datagram, for
 * the impairing relay (impair-relay.ts) on kernels built without netem
 * (CONFIG_NET_SCH_NETEM unset: `tc qdisc ... netem` answers "Specified
 * qdisc kind is unknown"). The semantics follow Linux's sch_netem for the
 * options it takes: `loss P%` drops each datagram with probability P;
 * `delay D` holds the rest for D ms, except that with `reorder R% [C%]`
 * a datagram goes at once (ahead of those held) with probability R, drawn
 * from a generator correlated C with the previous draw, as netem's
 * get_crandom.
 */
import { Prng } from '../support/prng.js';

export interface ImpairmentSpec {
  /** Probability of dropping a datagram, 0..1. */
  readonly loss: number;
  readonly delayMs: number;
  /** Probability that a datagram skips the delay, 0..1 (0: no reordering). */
  readonly reorder: number;
  /** Correlation of successive reorder draws, 0..1. */
  readonly reorderCorrelation: number;
}

const percent = (s: string | undefined, what: string): number => {
  const m = s === undefined ? null : /^(\d+(?:\.\d+)?)%$/.exec(s);
  if (!m || Number(m[1]) > 100) throw new Error(`${what}: expected a percentage, got ${String(s)}`);
  return Number(m[1]) / 100;
};

/** Parses netem's syntax for these options, e.g. `loss 10% delay 10ms reorder 25% 50%`. */
export function parseImpairment(spec: string): ImpairmentSpec {
  const words = spec.trim().split(/\s+/).filter(Boolean);
  let loss = 0;
  let delayMs = 0;
  let reorder = 0;
  let reorderCorrelation = 0;
  for (let i = 0; i < words.length;) {
    const word = words[i++];
    if (word === 'loss') loss = percent(words[i++], 'loss');
    else if (word === 'delay') {
      const m = /^(\d+(?:\.\d+)?)ms$/.exec(words[i++] ?? '');
      if (!m) throw new Error(`delay: expected a time in ms like 10ms, got ${String(words[i - 1])}`);
      delayMs = Number(m[1]);
    } else if (word === 'reorder') {
      reorder = percent(words[i++], 'reorder');
      if (/%$/.test(words[i] ?? '')) reorderCorrelation = percent(words[i++], 'reorder correlation');
    } else throw new Error(`unknown impairment option ${String(word)} in '${spec}' (loss, delay, reorder)`);
  }
  if (reorder > 0 && delayMs === 0) throw new Error('reorder needs a delay (as with netem)');
  return { loss, delayMs, reorder, reorderCorrelation };
}

/** What becomes of one datagram. */
export type ImpairedFate = 'drop' | 'now' | 'delay';

/** One direction's decisions (each direction has its own, as each veth end has its own netem). */
export class Impairment {
  readonly spec: ImpairmentSpec;
  private readonly prng: Prng;
  private lastReorderDraw = 0;
  readonly counts = { dropped: 0, now: 0, delayed: 0 };

  constructor(spec: ImpairmentSpec, seed: number) {
    this.spec = spec;
    this.prng = new Prng(seed);
  }

  private uniform(): number {
    return this.prng.next() / 2 ** 32;
  }

  fate(): ImpairedFate {
    const f = this.decide();
    this.counts[f === 'drop' ? 'dropped' : f === 'now' ? 'now' : 'delayed']++;
    return f;
  }

  private decide(): ImpairedFate {
    const { loss, delayMs, reorder, reorderCorrelation: rho } = this.spec;
    if (loss > 0 && this.uniform() < loss) return 'drop';
    if (delayMs === 0) return 'now';
    if (reorder === 0) return 'delay';
    // netem: delayed unless reorder >= the correlated draw; that one goes to the head of the queue.
    const draw = (this.lastReorderDraw = this.uniform() * (1 - rho) + this.lastReorderDraw * rho);
    return reorder >= draw ? 'now' : 'delay';
  }
}
