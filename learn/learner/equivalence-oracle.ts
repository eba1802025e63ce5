/**
 * The equivalence oracle: random tests, then the conformance tests the report's guarantee rests on, cheapest bound
 * first, so a run stopped part way (a query or time limit, a signal) still carries the strongest bound it finished:
 * the W-method's suite for 0 extra states (conformance.ts: every transition, the state reached identified), then every
 * word within `edits` edits of a normal handshake (neighbourhood.ts), then the suites for 1..k extra states (each adds
 * one more input in the middle). A hypothesis that passes all of them is the peer's machine unless the peer has more
 * than k states beyond it, and the peer answers every word near a normal handshake as it does. The random tests come
 * first because they find most counterexamples for a fraction of the cost. A counterexample is confirmed (asked again,
 * past the cache) before it is returned: a late answer is not one. The random tests are the randomized Wp-method.
 * Each test is a hypothesis state's access word, a random infix, then a word that tells the state reached apart from
 * another state (the tree's apartness witness of their basis nodes), or a random word when the hypothesis has one
 * state. Tests come from a seeded generator and are run in batches of a fixed number of sessions (in parallel, answers
 * merged in order; the tests the tree answers ride along without one), so a seed gives the same run at any
 * parallelism. The budget is the number of tests per hypothesis. Before
 * the random tests come the seed words (the version's and role's normal handshakes, symbols.ts) and every one-symbol
 * extension of their prefixes: a long handshake in exactly the right order is what random tests miss. Their answers
 * stay in the tree, so from the second hypothesis on they cost no session.
 */
import type { InputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { accessWords, run, stateAfter } from './mealy.js';
import { wpTiers } from './conformance.js';
import { neighbourhoodSuite } from './neighbourhood.js';
import type { ObservationTree, TreeNode } from './observation-tree.js';
import { apartnessWitness } from './observation-tree.js';
import type { QueryRunner } from './query-runner.js';
import type { SeededRandom } from './random.js';
import type { LearnPhase } from './batch-progress.js';

/** The most tests in one batch, answered by the tree or not: how often a run stopped part way records its coverage. */
const MOST_PER_BATCH = 1024;

export interface WpOracleOptions {
  /** Tests per hypothesis. */
  readonly budget: number;
  /** The longest random infix (its length is uniform in 0..infix). */
  readonly infix: number;
  /** Tests run as one batch that the tree does not answer yet: sessions per batch (nextBatch). */
  readonly batch: number;
  /** Words tried before the random tests, with every one-symbol extension of their prefixes (default none). */
  readonly seeds?: readonly (readonly InputSymbol[])[];
  /** The conformance test's k: the extra states it covers; undefined for none (random tests only). */
  readonly extraStates?: number;
  /** The edit distance around the seeds (neighbourhood.ts); undefined for none, and none without seeds. */
  readonly edits?: number;
  /** Called after every batch of tests with what the hypothesis has passed so far. */
  readonly onCoverage?: (h: MealyMachine, coverage: OracleCoverage) => void;
}

/** A part of the equivalence test. */
export type CoveragePart =
  | { readonly kind: 'seeds' }
  | { readonly kind: 'random' }
  | { readonly kind: 'extra-states'; readonly k: number }
  | { readonly kind: 'edits'; readonly distance: number };

/**
 * What a hypothesis passed: the guarantee the model carries. Each bound counts only when its suite was passed in
 * full; a part begun and not finished (the run stopped in it) is `unfinished`, with its tests passed so far.
 */
export interface OracleCoverage {
  /** The largest k whose suite (conformance.ts) the hypothesis passed in full, or undefined when none was. */
  readonly extraStates: number | undefined;
  /** The tests of that suite, all of tiers 0..k (after cutting at `closed` and removing repeats); 0 when none. */
  readonly conformanceTests: number;
  /** The edit distance around the normal handshakes whose tests (neighbourhood.ts) it passed, or undefined. */
  readonly edits?: number;
  /** Those tests; 0 when none. */
  readonly editTests?: number;
  /** The seed tests and random tests passed (all that were asked for, unless `unfinished` is the random part). */
  readonly randomTests: number;
  /** The part the run stopped in: its tests passed (in whole batches) of all of them. */
  readonly unfinished?: { readonly part: CoveragePart; readonly passed: number; readonly of: number };
}

/** One part of the test as run: what it proves once passed, and its tests. */
interface Part {
  readonly part: CoveragePart;
  /** How many tests, and the tests (drawn as they are run: the random ones come from the generator in turn). */
  readonly count: number;
  readonly tests: Iterator<InputSymbol[]>;
  /** The coverage once it is passed, from the coverage before it. */
  readonly passed: (before: OracleCoverage) => OracleCoverage;
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

/** The phase a batch of `part` reports (batch-progress.ts), `done` of its tests asked after the batch. */
function phaseOf(part: Part, done: number): LearnPhase {
  const c = part.part;
  if (c.kind === 'extra-states') return { kind: 'conformance', extraStates: c.k, done, total: part.count };
  if (c.kind === 'edits') return { kind: 'neighbourhood', edits: c.distance, done, total: part.count };
  return { kind: 'random tests' };
}

export class RandomWpOracle {
  private readonly tree: ObservationTree;
  private readonly runner: QueryRunner;
  private readonly random: SeededRandom;
  private readonly options: WpOracleOptions;
  /** The coverage of the last hypothesis passed, undefined before one is. */
  passed: OracleCoverage | undefined;
  /** The hypothesis being tested (or passed last) and what it passed so far; undefined once refuted. */
  private tested: { readonly h: MealyMachine; readonly coverage: OracleCoverage } | undefined;

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
    const budget = this.options.budget;
    const draw = (): InputSymbol[] => this.test(h, access, separate);
    const random = (function* (): Generator<InputSymbol[]> {
      for (let done = 0; done < budget; done++) yield draw();
    })();
    let coverage: OracleCoverage = { extraStates: undefined, conformanceTests: 0, randomTests: 0 };
    this.tested = { h, coverage };
    for (const part of this.parts(h, seeded, { count: budget, tests: random })) {
      let batch = this.nextBatch(part.tests);
      for (let done = 0; done < part.count;) {
        // The part's next batch is asked while this one runs, in the sessions it leaves free (query-runner.ts).
        const following = done + batch.length < part.count ? this.nextBatch(part.tests) : [];
        this.runner.phase = phaseOf(part, done + batch.length);
        const found = await this.check(h, batch, following);
        if (found !== undefined) {
          this.tested = undefined;
          return found;
        }
        done += batch.length;
        const unfinished = { part: part.part, passed: done, of: part.count };
        this.tested = { h, coverage: done < part.count ? { ...coverage, unfinished } : part.passed(coverage) };
        this.options.onCoverage?.(h, this.tested.coverage);
        batch = following;
      }
      coverage = part.passed(coverage);
      this.tested = { h, coverage };
    }
    this.passed = coverage;
    return undefined;
  }

  /**
   * What the hypothesis `h` passed when it is the one tested last and no counterexample to it was found; undefined
   * otherwise. For a run stopped during its test.
   */
  coverageOf(h: MealyMachine): OracleCoverage | undefined {
    return this.tested?.h === h ? this.tested.coverage : undefined;
  }

  /** A counterexample to `h` was found outside the oracle (a finding the peer did not repeat). */
  refuted(h: MealyMachine): void {
    if (this.tested?.h === h) this.tested = undefined;
  }

  /**
   * The parts in order: the seed words, the random tests, the suite for 0 extra states, the edit neighbourhood,
   * then the suites for 1..k extra states, each part only the tests the ones before it did not have (so they are
   * counted once; a suite's count is of all its tests).
   */
  private *parts(
    h: MealyMachine,
    seeded: readonly InputSymbol[][],
    random: Pick<Part, 'count' | 'tests'>,
  ): Generator<Part> {
    // Apart, as batches of their own: the random generator draws the same words whatever the seeds' count.
    yield {
      part: { kind: 'seeds' },
      count: seeded.length,
      tests: seeded.values(),
      passed: (c) => ({ ...c, randomTests: seeded.length }),
    };
    yield {
      part: { kind: 'random' },
      ...random,
      passed: (c) => ({ ...c, randomTests: seeded.length + random.count }),
    };
    const k = this.options.extraStates;
    const tiers = k === undefined ? [] : wpTiers(h, k);
    const wp = (j: number): Part => ({
      part: { kind: 'extra-states', k: j },
      count: tiers[j]!.length,
      tests: tiers[j]!.values(),
      passed: (c) => ({ ...c, extraStates: j, conformanceTests: c.conformanceTests + tiers[j]!.length }),
    });
    if (tiers.length > 0) yield wp(0);
    const d = this.options.edits;
    const seeds = this.options.seeds ?? [];
    if (d !== undefined && seeds.length > 0) {
      const tests = [...neighbourhoodSuite(h, seeds, d)];
      yield {
        part: { kind: 'edits', distance: d },
        count: tests.length,
        tests: tests.values(),
        passed: (c) => ({ ...c, edits: d, editTests: tests.length }),
      };
    }
    for (let j = 1; j < tiers.length; j++) yield wp(j);
  }

  /**
   * The next tests to run as one batch: up to `batch` the tree does not answer yet (each a session), with the tests
   * the tree answers that come between them (no session; checked at once), at most {@link MOST_PER_BATCH} in all. So a
   * batch keeps every session busy however many of its tests the cache answers: the sessions wait for the batch's
   * slowest only once per `batch` sessions. Which tests share a batch depends only on the tree, not on the parallelism.
   */
  private nextBatch(tests: Iterator<InputSymbol[]>): InputSymbol[][] {
    const batch: InputSymbol[][] = [];
    let asked = 0;
    for (let r = tests.next(); !r.done; r = tests.next()) {
      batch.push(r.value);
      if (this.tree.knownLength(r.value) < r.value.length) asked++;
      if (asked === this.options.batch || batch.length === MOST_PER_BATCH) break;
    }
    return batch;
  }

  /**
   * Runs a batch of tests, and asks the `following` batch's meanwhile; the first test the peer answers differently from
   * the hypothesis, once that word's answers are confirmed (before the following batch's answers enter the tree), or
   * undefined.
   */
  private async check(
    h: MealyMachine,
    tests: readonly InputSymbol[][],
    following: readonly InputSymbol[][],
  ): Promise<InputSymbol[] | undefined> {
    await this.runner.ensure(tests, following);
    this.runner.holdAhead = true;
    try {
      for (const t of tests) {
        if (this.agrees(h, t)) continue;
        await this.runner.confirm([t]);
        if (!this.agrees(h, t)) return t;
      }
    } finally {
      this.runner.holdAhead = false;
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
