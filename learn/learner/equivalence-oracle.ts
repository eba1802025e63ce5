/**
 * The equivalence oracle: the randomized Wp-method. Each test is a hypothesis state's access word, a random infix,
 * then a word that tells the state reached apart from another state (the tree's apartness witness of their basis
 * nodes), or a random word when the hypothesis has one state. Tests come from a seeded generator and are run in fixed
 * batches (in parallel sessions, answers merged in order), so a seed gives the same run at any parallelism. The
 * budget is the number of tests per hypothesis. Before the random tests come the seed words (the version's and role's
 * normal handshakes, symbols.ts) and every one-symbol extension of their prefixes: a long handshake in exactly the
 * right order is what random tests miss. Their answers stay in the tree, so from the second hypothesis on they cost
 * no session.
 */
import type { InputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { accessWords, run, stateAfter } from './mealy.js';
import type { ObservationTree, TreeNode } from './observation-tree.js';
import { apartnessWitness } from './observation-tree.js';
import type { QueryRunner } from './query-runner.js';
import type { SeededRandom } from './random.js';

export interface WpOracleOptions {
  /** Tests per hypothesis. */
  readonly budget: number;
  /** The longest random infix (its length is uniform in 0..infix). */
  readonly infix: number;
  /** Tests run as one batch. */
  readonly batch: number;
  /** Words tried before the random tests, with every one-symbol extension of their prefixes (default none). */
  readonly seeds?: readonly (readonly InputSymbol[])[];
}

/** The seed words and every prefix of each extended by each input, without repeats. */
export function seedTests(seeds: readonly (readonly InputSymbol[])[], inputs: readonly InputSymbol[]): InputSymbol[][] {
  const out = new Map<string, InputSymbol[]>();
  for (const seed of seeds) {
    out.set(seed.join('\u0000'), [...seed]);
    for (let k = 0; k < seed.length; k++) {
      for (const i of inputs) {
        const word = [...seed.slice(0, k + 1), i];
        out.set(word.join('\u0000'), word);
      }
    }
  }
  return [...out.values()];
}

export class RandomWpOracle {
  private readonly tree: ObservationTree;
  private readonly runner: QueryRunner;
  private readonly random: SeededRandom;
  private readonly options: WpOracleOptions;

  constructor(tree: ObservationTree, runner: QueryRunner, random: SeededRandom, options: WpOracleOptions) {
    this.tree = tree;
    this.runner = runner;
    this.random = random;
    this.options = options;
  }

  /** A counterexample to the hypothesis (the peer's answers then in the tree), or undefined after `budget` tests. */
  async find(h: MealyMachine, basis: readonly TreeNode[]): Promise<InputSymbol[] | undefined> {
    const access = accessWords(h);
    const witnesses = new Map<string, InputSymbol[]>();
    const separate = (p: number, q: number): InputSymbol[] => {
      const key = p < q ? `${p},${q}` : `${q},${p}`;
      let w = witnesses.get(key);
      if (w === undefined) {
        w = apartnessWitness(basis[p]!, basis[q]!) ?? [];
        witnesses.set(key, w);
      }
      return w;
    };
    const seeded = seedTests(this.options.seeds ?? [], h.inputs);
    for (let k = 0; k < seeded.length; k += this.options.batch) {
      const found = await this.check(h, seeded.slice(k, k + this.options.batch));
      if (found !== undefined) return found;
    }
    for (let done = 0; done < this.options.budget;) {
      const tests: InputSymbol[][] = [];
      for (; tests.length < this.options.batch && done < this.options.budget; done++)
        tests.push(this.test(h, access, separate));
      const found = await this.check(h, tests);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Runs a batch of tests; the first the peer answers differently from the hypothesis, or undefined. */
  private async check(h: MealyMachine, tests: readonly InputSymbol[][]): Promise<InputSymbol[] | undefined> {
    await this.runner.ensure(tests);
    for (const t of tests) {
      const answers = this.tree.answers(t);
      if (answers === undefined) continue; // a disagreement kept the tree's answer and dropped the rest
      const expected = run(h, t);
      if (answers.some((o, k) => o !== expected[k])) return t;
    }
    return undefined;
  }

  private test(
    h: MealyMachine,
    access: readonly (InputSymbol[] | undefined)[],
    separate: (p: number, q: number) => InputSymbol[],
  ): InputSymbol[] {
    const n = h.next.length;
    const state = this.random.below(n);
    const word = [...(access[state] ?? [])];
    const infix = this.random.below(this.options.infix + 1);
    for (let k = 0; k < infix; k++) word.push(this.random.pick(h.inputs));
    if (n === 1) {
      const extra = 1 + this.random.below(this.options.infix + 1);
      for (let k = 0; k < extra; k++) word.push(this.random.pick(h.inputs));
      return word;
    }
    const reached = stateAfter(h, word);
    let other = this.random.below(n - 1);
    if (other >= reached) other++;
    word.push(...separate(reached, other));
    return word;
  }
}
