/**
 * Which state of a reference model (our own peer's, learned with the same inputs) each state of a learned model is:
 * the product of the two machines walked breadth first from their initial states along the transitions on which both
 * answer the same (as diffModels walks them), so every pair reached is a pair of states reached by the same words
 * with the same answers. A learned state is matched to the reference state its shortest such word reaches; how far
 * the other words agree is said by its votes (each transition of the product into the learned state votes for the
 * reference state it comes with): `all` when every vote goes to that state, `majority` when more than half do,
 * `shortest` when not (words past a difference the answers do not show yet, such as an alert one peer ignores and the
 * other does not, lead elsewhere). A reference state claimed by several learned states is matched to the one its own
 * shortest word reaches: the others split it and stay unmatched, as do learned states reached only through a
 * difference.
 */
import type { MealyMachine } from './mealy.js';
import { MealyMachineError } from './mealy.js';

/** One learned state and the reference state it is. */
export interface LearnedStateMatch {
  /** The learned state (`s3`). */
  readonly state: string;
  /** The reference state it is matched to; absent when it is not. */
  readonly reference?: string;
  /**
   * `all`: every vote for the reference state; `majority`: more than half; `shortest`: its shortest word reaches the
   * reference state, most other words do not. Absent when unmatched.
   */
  readonly agreement?: 'all' | 'majority' | 'shortest';
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
  // The first pair reached (by a shortest word) with each learned state, and with each reference state.
  const firstOfLearned = new Map<number, number>([[0, 0]]);
  const firstOfReference = new Map<number, number>([[0, 0]]);
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
      if (!firstOfLearned.has(lt)) firstOfLearned.set(lt, rt);
      if (!firstOfReference.has(rt)) firstOfReference.set(rt, lt);
    });
  }
  const agreement = (l: number, r: number): 'all' | 'majority' | 'shortest' => {
    const all = [...votes[l]!.values()].reduce((a, b) => a + b, 0);
    const n = votes[l]!.get(r)!;
    return n === all ? 'all' : n * 2 > all ? 'majority' : 'shortest';
  };
  // A reference state claimed by several learned states: the one its shortest word reaches, else the first reached.
  const owner = new Map<number, number>();
  for (const [l, r] of firstOfLearned) {
    const reached = firstOfReference.get(r);
    const claims = [...firstOfLearned.entries()].filter(([, c]) => c === r).map(([x]) => x);
    owner.set(r, reached !== undefined && claims.includes(reached) ? reached : (owner.get(r) ?? l));
  }
  const name = (s: number): string => `s${s}`;
  return {
    learned: votes.map((v, l) => {
      const r = firstOfLearned.get(l);
      const counted = Object.fromEntries([...v.entries()].sort((a, b) => a[0] - b[0]).map(([x, n]) => [name(x), n]));
      if (r === undefined) return { state: name(l), votes: counted };
      if (owner.get(r) !== l) return { state: name(l), votes: counted, splits: name(r) };
      return { state: name(l), reference: name(r), agreement: agreement(l, r), votes: counted };
    }),
    unmatchedReference: reference.next.flatMap((_, r) => (owner.has(r) ? [] : [name(r)])),
  };
}
