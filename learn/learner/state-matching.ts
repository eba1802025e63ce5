/**
 * Which state of a reference model (our own peer's, learned with the same inputs) each state of a learned model is:
 * the product of the two machines walked from their initial states along the transitions on which both answer the
 * same (as diffModels walks them), so every pair reached is a pair of states reached by the same words with the same
 * answers. Each transition of the product into a learned state is a vote for the reference state it comes with; a
 * learned state is matched to the reference state with all its votes (`all`) or more than half (`majority`). A
 * reference state claimed by several learned states is matched to the one its shortest access word reaches in the
 * learned model (else the one with most votes): the others split it and stay unmatched, as do learned states with no
 * majority and those reached only through a difference.
 */
import type { MealyMachine } from './mealy.js';
import { MealyMachineError, accessWords, stateAfter } from './mealy.js';

/** One learned state and the reference state it is. */
export interface LearnedStateMatch {
  /** The learned state (`s3`). */
  readonly state: string;
  /** The reference state it is matched to; absent when it is not. */
  readonly reference?: string;
  /** `all`: every vote for the reference state; `majority`: more than half; absent when unmatched. */
  readonly agreement?: 'all' | 'majority';
  /** The product's transitions into this state (the initial pair counts one), per reference state. */
  readonly votes: Readonly<Record<string, number>>;
  /** Set when another learned state is matched to the reference state this one's votes went to: this one splits it. */
  readonly splits?: string;
  /**
   * Our chart's states (generated/charts/) for the matched reference state, when the reference is our own peer and
   * the caller ran its access word through our chart (cli/learn-chart-states.ts); more than one where the chart's
   * guards could go either way.
   */
  readonly chart?: readonly string[];
}

/** The learned model's states against the reference's. */
export interface StateMatching {
  readonly learned: readonly LearnedStateMatch[];
  /** Reference states no learned state is matched to. */
  readonly unmatchedReference: readonly string[];
  /** The chart the `chart` names are states of (`dtls12-server`), when they were given. */
  readonly chartId?: string;
}

/** The two models must have the same inputs (in any order); MealyMachineError when they do not. */
export function matchStates(learned: MealyMachine, reference: MealyMachine): StateMatching {
  const j = learned.inputs.map((i) => reference.inputs.indexOf(i));
  if (j.includes(-1) || reference.inputs.length !== learned.inputs.length)
    throw new MealyMachineError('the models have different inputs');
  const votes = learned.next.map(() => new Map<number, number>());
  const vote = (l: number, r: number): void => void votes[l]!.set(r, (votes[l]!.get(r) ?? 0) + 1);
  vote(0, 0);
  const seen = new Set(['0,0']);
  const queue: [number, number][] = [[0, 0]];
  for (let k = 0; k < queue.length; k++) {
    const [l, r] = queue[k]!;
    learned.inputs.forEach((_, i) => {
      if (learned.output[l]![i] !== reference.output[r]![j[i]!]) return;
      const [lt, rt] = [learned.next[l]![i]!, reference.next[r]![j[i]!]!];
      vote(lt, rt);
      const key = `${lt},${rt}`;
      if (seen.has(key)) return;
      seen.add(key);
      queue.push([lt, rt]);
    });
  }
  // Each learned state's candidate: the reference state with all or most of its votes.
  const candidate = votes.map((v) => {
    const total = [...v.values()].reduce((a, b) => a + b, 0);
    const [r, n] = [...v.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1, 0];
    return n * 2 > total ? { r, agreement: n === total ? ('all' as const) : ('majority' as const) } : undefined;
  });
  // A reference state claimed by several: the learned state its access word reaches, else the most votes.
  const access = accessWords(reference);
  const owner = new Map<number, number>();
  for (let r = 0; r < reference.next.length; r++) {
    const claims = candidate.flatMap((c, l) => (c?.r === r ? [l] : []));
    if (claims.length === 0) continue;
    const word = access[r];
    const reached = word === undefined ? -1 : stateAfter(learned, word);
    owner.set(r, claims.includes(reached) ? reached : claims.sort((a, b) => votes[b]!.get(r)! - votes[a]!.get(r)!)[0]!);
  }
  const name = (s: number): string => `s${s}`;
  return {
    learned: votes.map((v, l) => {
      const c = candidate[l];
      const counted = Object.fromEntries([...v.entries()].sort((a, b) => a[0] - b[0]).map(([r, n]) => [name(r), n]));
      if (c === undefined) return { state: name(l), votes: counted };
      if (owner.get(c.r) !== l) return { state: name(l), votes: counted, splits: name(c.r) };
      return { state: name(l), reference: name(c.r), agreement: c.agreement, votes: counted };
    }),
    unmatchedReference: reference.next.flatMap((_, r) => (owner.has(r) ? [] : [name(r)])),
  };
}
