/**
 * learn()'s `start`: a model to start learning from, such as a stored report's in a regression run. Its conformance
 * tests for 0 extra states (conformance.ts: every transition, the state it reaches identified) are asked once, against
 * the first hypothesis, before the equivalence oracle's: the first the peer answers differently from that hypothesis is
 * its counterexample, and the answers stay in the observation tree, where L# finds the words that tell the start
 * model's states apart. When the peer still is that model, L# builds it from those answers and the oracle's first suite
 * is answered from the tree; when not, learning goes on from the peer's answers as from any others. The model only
 * chooses words to ask, it never answers one. Asked against the first hypothesis (one state, from one batch), not
 * before it, so a run stopped while they are asked still has a hypothesis to report.
 */
import type { InputSymbol } from '../sul.js';
import { START_MODEL } from './batch-progress.js';
import { wpSuite } from './conformance.js';
import type { MealyMachine } from './mealy.js';
import { checkMachine, MealyMachineError, run } from './mealy.js';
import type { ObservationTree } from './observation-tree.js';
import type { QueryRunner } from './query-runner.js';

/** A start model that does not fit the SUL: the message names what does not. */
export class StartModelError extends Error {
  override readonly name = 'StartModelError';
}

export class StartModel {
  /** The tests still to ask: undefined once asked. */
  private tests: InputSymbol[][] | undefined;

  /** StartModelError when `start` is not a Mealy machine over exactly `inputs` (in any order). */
  constructor(start: MealyMachine, inputs: readonly InputSymbol[]) {
    try {
      checkMachine(start);
    } catch (e) {
      if (e instanceof MealyMachineError) throw new StartModelError(`the start model: ${e.message}`);
      throw e;
    }
    const missing = inputs.filter((i) => !start.inputs.includes(i));
    const extra = start.inputs.filter((i) => !inputs.includes(i));
    if (missing.length > 0 || extra.length > 0)
      throw new StartModelError(
        `the start model's inputs must be the SUL's: ${[
          ...(missing.length > 0 ? [`it lacks ${missing.join(', ')}`] : []),
          ...(extra.length > 0 ? [`it has ${extra.join(', ')}, which the SUL has not`] : []),
        ].join('; ')}`,
      );
    this.tests = [...wpSuite(start, 0)];
  }

  /**
   * The first time: asks the tests (phase `start model`) and returns the first the hypothesis answers differently from
   * the peer, once that word's answers are confirmed, or undefined; every later time undefined without asking.
   */
  async counterexample(
    h: MealyMachine,
    tree: ObservationTree,
    runner: QueryRunner,
  ): Promise<InputSymbol[] | undefined> {
    const tests = this.tests;
    if (tests === undefined) return undefined;
    this.tests = undefined;
    const phase = runner.phase;
    runner.phase = START_MODEL;
    try {
      await runner.ensure(tests);
      const differs = (t: InputSymbol[]): boolean => {
        const expected = run(h, t);
        return tree.answers(t)!.some((o, k) => o !== expected[k]);
      };
      for (const t of tests) {
        if (!differs(t)) continue;
        await runner.confirm([t]);
        if (differs(t)) return t;
      }
      return undefined;
    } finally {
      runner.phase = phase;
    }
  }
}
