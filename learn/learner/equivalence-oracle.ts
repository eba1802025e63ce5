/**
 * The equivalence oracle: random tests, then the Wp-method's conformance test with k extra states (conformance.ts),
 * which is what the report's guarantee rests on: a hypothesis that passes it is the peer's machine unless the peer has
 * more than k states beyond it. The random tests come first because they find most counterexamples for a fraction of
 * the cost. A counterexample is confirmed (asked again, past the cache) before it is returned: a late answer is not
 * one. The random tests are the randomized Wp-method. Each test is a hypothesis state's access word, a random infix,
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
import { wpSuite } from './conformance.js';
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
  /** The conformance test's k: the extra states it covers; undefined for none (random tests only). */
  readonly extraStates?: number;
}

/** What the oracle asked of the last hypothesis it passed: the guarantee the model carries. */
export interface OracleCoverage {
  /** The conformance test's k, or undefined when it was not run. */
  readonly extraStates: number | undefined;
  /** The conformance test's tests (after cutting at `closed` and removing repeats). */
  readonly conformanceTests: number;
  /** The seed tests and random tests. */
  readonly randomTests: number;
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
  /** The coverage of the last hypothesis passed, undefined before one is. */
  passed: OracleCoverage | undefined;

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
    this.runner.phase = { kind: 'random tests' };
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
    let conformanceTests = 0;
    const k = this.options.extraStates;
    if (k !== undefined) {
      let total = 0;
      for (const _ of wpSuite(h, k)) total++; // counted first for the progress; the suite is not held
      const phase = (done: number) => ({ kind: 'conformance', extraStates: k, done, total }) as const;
      let tests: InputSymbol[][] = [];
      for (const t of wpSuite(h, k)) {
        tests.push(t);
        conformanceTests++;
        if (tests.length < this.options.batch) continue;
        this.runner.phase = phase(conformanceTests);
        const found = await this.check(h, tests);
        if (found !== undefined) return found;
        tests = [];
      }
      this.runner.phase = phase(conformanceTests);
      const found = await this.check(h, tests);
      if (found !== undefined) return found;
    }
    this.passed = { extraStates: k, conformanceTests, randomTests: seeded.length + this.options.budget };
    return undefined;
  }

  /**
   * Runs a batch of tests; the first the peer answers differently from the hypothesis, once that word's answers are
   * confirmed, or undefined.
   */
  private async check(h: MealyMachine, tests: readonly InputSymbol[][]): Promise<InputSymbol[] | undefined> {
    await this.runner.ensure(tests);
    for (const t of tests) {
      if (this.agrees(h, t)) continue;
      await this.runner.confirm([t]);
      if (!this.agrees(h, t)) return t;
    }
    return undefined;
  }

  private agrees(h: MealyMachine, t: readonly InputSymbol[]): boolean {
    const answers = this.tree.answers(t)!;
    const expected = run(h, t);
    return answers.every((o, k) => o === expected[k]);
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
