/**
 * `learn(sul, options)`: L# with the query cache, parallel output queries, random tests and the Wp-method's
 * conformance test as the equivalence oracle, over a SystemUnderLearning. The caller opened the SUL and closes it.
 */
import type { InputSymbol, SystemUnderLearning } from '../sul.js';
import { normalHandshakes } from '../symbols.js';
import type { BatchProgress } from './batch-progress.js';
import { LEARNING } from './batch-progress.js';
import type { ConfirmedFinding, UnconfirmedFinding } from './confirm.js';
import type { Flipping } from './flipping.js';
import { confirmFindings } from './confirm.js';
import { findBugPatterns } from './bug-patterns.js';
import type { OracleCoverage } from './equivalence-oracle.js';
import { RandomWpOracle } from './equivalence-oracle.js';
import { LSharp } from './lsharp.js';
import type { MealyMachine } from './mealy.js';
import { transitionCount } from './mealy.js';
import { ObservationTree } from './observation-tree.js';
import type { Disagreements, Nondeterminism } from './query-runner.js';
import { AnswersKeepChanging, QueryBudgetSpent, QueryRunner } from './query-runner.js';
import { SeededRandom } from './random.js';
import { StartModel, StartModelError } from './start-model.js';

export interface LearnOptions {
  /** The equivalence oracle's seed (default 1): the same seed, the same queries. */
  readonly seed?: number;
  /** Random Wp tests per hypothesis (default 1000). */
  readonly budget?: number;
  /** The longest random infix of a test (default 4). */
  readonly infix?: number;
  /**
   * The conformance test's k (default 1): after the random tests, the W-method's tests for k extra states
   * (conformance.ts), so a complete model is the peer's unless the peer has more than k states beyond it; every word
   * of up to k + 1 inputs after a state's access word is asked. Each step of k multiplies the tests by about the
   * alphabet's size. `null` for none.
   */
  readonly extraStates?: number | null;
  /**
   * The edit distance of the neighbourhood test (default 1): every word within that many edits (an input substituted,
   * inserted or deleted, two adjacent swapped) of a seed word, each followed by the words identifying the state it
   * reaches (neighbourhood.ts); run after the suite for 0 extra states and before the one for 1, since it costs a
   * fraction of it and holds the orders peers get wrong. `null` for none; nothing without seeds. With `extraStates`
   * and `edits` both null, the random tests only: no stated guarantee.
   */
  readonly edits?: number | null;
  /**
   * How many more sessions may be asked about an answer that disagrees with the others (default 4: an answer is settled
   * after five votes; one the peer repeats twice and two more times than any other is confirmed sooner).
   */
  readonly repeats?: number;
  /**
   * The most places where the peer's answers stay unsettled after all their votes (default 20): past it, learning
   * stops with the newest hypothesis (`complete: false`) and those places, instead of voting on.
   */
  readonly maxNondeterministic?: number;
  /**
   * The most places where the peer keeps repeating a minority answer to the same inputs (default 3; observation-tree.ts
   * `flipping`): past it, learning stops with the newest hypothesis (`complete: false`), the places and whether their
   * answers follow time (`flipping`, flipping.ts): the peer does not converge, and more queries would only grow the
   * model. `Infinity` never stops for it.
   */
  readonly maxFlipping?: number;
  /**
   * Answer every extension of an answer `closed` with `closed`, without asking (default true). False asks every step:
   * only to measure what the pruning saves.
   */
  readonly pruneClosed?: boolean;
  /** Stop after this many sessions with the newest hypothesis (`complete: false`); default no limit. */
  readonly maxQueries?: number;
  /**
   * Stop once this many seconds have passed (checked before each session) with the newest hypothesis
   * (`complete: false`, with the bounds it passed before the stop); default no limit.
   */
  readonly maxSeconds?: number;
  /**
   * Words the equivalence oracle tries before its random tests, with every one-symbol extension of their prefixes.
   * Default: the normal handshakes of the SUL's version and role that its alphabet can spell (symbols.ts
   * `normalHandshakes`); `[]` for none.
   */
  readonly seeds?: readonly (readonly InputSymbol[])[];
  /**
   * A model to start from, such as a stored report's in a regression run: its conformance tests for 0 extra states
   * are asked against the first hypothesis (start-model.ts), so the observation tree holds the words that tell its
   * states apart. The model only chooses words to ask, it never answers one. Its inputs must be the SUL's (in any
   * order); default none.
   */
  readonly start?: MealyMachine;
  /**
   * How many fresh sessions replay each bug pattern's word before it is reported (default 3; at least 1): a finding
   * is reported when most replays answer as the model does (confirm.ts). A finding whose word the peer answers
   * differently from the model is a counterexample: learning goes on.
   */
  readonly confirmReplays?: number;
  /**
   * Called with each hypothesis before the oracle tests it: its size, the model, and the figures so far. A caller
   * stopped early (a signal, an error) still has the newest one to write (hypothesis-result.ts).
   */
  readonly onHypothesis?: (progress: HypothesisProgress) => void;
  /**
   * Called after each batch of output queries that ran sessions (an L# rule's batch, a batch of the oracle's random or
   * conformance tests, a finding's replays): its phase, the current hypothesis's states, sessions so far and in the
   * batch, and the times (batch-progress.ts). learn() prints nothing itself.
   */
  readonly onBatch?: (progress: BatchProgress) => void;
  /**
   * Called after each batch of the equivalence test with the hypothesis tested (the newest) and what it has passed so
   * far: a caller stopped early gives the stopped report that guarantee (hypothesisResult).
   */
  readonly onCoverage?: (h: MealyMachine, coverage: OracleCoverage) => void;
  /**
   * Called once, before the first session, with a function that reads where the peer's answers disagreed as the
   * votes stand when it is called (every session's so far): a caller stopped early reports these, the votes observed
   * up to the stop, rather than the newest hypothesis's (hypothesisResult).
   */
  readonly onVotes?: (read: () => Disagreements) => void;
}

/** A hypothesis as learning goes on, with what it cost so far (the counters are copies). */
export interface HypothesisProgress {
  readonly states: number;
  readonly queries: number;
  readonly rounds: number;
  readonly model: MealyMachine;
  readonly steps: number;
  readonly cacheHits: number;
  readonly prunedSteps: number;
  readonly repeats: number;
  readonly flipping: readonly Flipping[];
  readonly nondeterministic: readonly Nondeterminism[];
  readonly outvoted: readonly Nondeterminism[];
  readonly undecided: readonly Nondeterminism[];
  /** Seconds since learn() began. */
  readonly seconds: number;
}

/** The learned model and what learning it cost. */
export interface LearnResult {
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
  readonly alphabet: readonly InputSymbol[];
  readonly model: MealyMachine;
  readonly states: number;
  readonly transitions: number;
  /** Sessions run against the peer (repeats included). */
  readonly queries: number;
  /** Inputs sent to the peer. */
  readonly steps: number;
  /** Words answered from the cache without a session. */
  readonly cacheHits: number;
  /** Steps answered `closed` from the cache (they extend an answer `closed`). */
  readonly prunedSteps: number;
  /** Sessions that asked a word again (its answers disagreed with others, or were being confirmed). */
  readonly repeats: number;
  /** Hypotheses the equivalence oracle tested. */
  readonly rounds: number;
  readonly seconds: number;
  /**
   * Where the peer keeps repeating a minority answer to the same inputs, with the ms since its previous answer behind
   * each answer and whether they tell the answers apart (`cause: 'time'`: the answer depends on time); more of them
   * than `maxFlipping` end learning.
   */
  readonly flipping: readonly Flipping[];
  /** Where the peer kept answering the same inputs differently after every vote, and what was kept. */
  readonly nondeterministic: readonly Nondeterminism[];
  /** Where an answer disagreed with the others and was outvoted (noise), with the votes. */
  readonly outvoted: readonly Nondeterminism[];
  /**
   * Where answers disagreed and the voting had not ended when learning stopped (neither nondeterminism nor noise
   * yet), with the votes so far: empty for a complete run.
   */
  readonly undecided: readonly Nondeterminism[];
  /**
   * What the equivalence oracle asked of the model and the model passed: k and the conformance tests, the edit
   * distance and its tests, the random tests; for a run stopped early, what the model passed before the stop (with the
   * part it stopped in), undefined when it passed nothing or a counterexample to it was found.
   */
  readonly coverage: OracleCoverage | undefined;
  /** Why learning stopped before the oracle passed a hypothesis; undefined when it is complete. */
  readonly stopped?: string;
  /** The bug patterns the model shows and the peer confirmed (replayed: confirm.ts). */
  readonly bugPatterns: readonly ConfirmedFinding[];
  /** Bug patterns the model shows but most replays did not: not reported as findings. */
  readonly unconfirmed: readonly UnconfirmedFinding[];
  /**
   * False when learning stopped before the oracle passed a hypothesis (`stopped` says why): `maxQueries` was reached,
   * the peer's answers kept flipping at more than `maxFlipping` places (it does not converge) or kept changing at more
   * than `maxNondeterministic` places, or counterexamples stopped teaching
   * anything because the peer's answers to them kept disagreeing (see `nondeterministic`).
   */
  readonly complete: boolean;
}

/** Learning could not produce even one hypothesis (the query budget ran out first). */
export class LearnError extends Error {
  override readonly name = 'LearnError';
}

export async function learn(sul: SystemUnderLearning, options: LearnOptions = {}): Promise<LearnResult> {
  const started = performance.now();
  const budget = options.budget ?? 1000;
  if (!Number.isInteger(budget) || budget < 0)
    throw new LearnError(`budget must be a whole number of tests, got ${budget}`);
  const replays = options.confirmReplays ?? 3;
  if (!Number.isInteger(replays) || replays < 1)
    throw new LearnError(`confirmReplays must be a whole number >= 1, got ${replays}`);
  if (sul.inputs.length === 0) throw new LearnError('the SUL has no inputs');
  if (!Number.isInteger(sul.parallel) || sul.parallel < 1)
    throw new LearnError(`the SUL's parallel must be a whole number >= 1, got ${sul.parallel}`);
  for (const seed of options.seeds ?? []) {
    const unknown = seed.find((i) => !sul.inputs.includes(i));
    if (unknown !== undefined)
      throw new LearnError(`the seed word ${seed.join(' ')} has ${unknown}, which is not in the SUL's inputs`);
  }
  const extraStates = options.extraStates === undefined ? 1 : options.extraStates;
  if (extraStates !== null && (!Number.isInteger(extraStates) || extraStates < 0))
    throw new LearnError(`extraStates must be a whole number >= 0 or null, got ${extraStates}`);
  const edits = options.edits === undefined ? 1 : options.edits;
  if (edits !== null && (!Number.isInteger(edits) || edits < 0))
    throw new LearnError(`edits must be a whole number >= 0 or null, got ${edits}`);
  const maxSeconds = options.maxSeconds;
  if (maxSeconds !== undefined && !(maxSeconds > 0))
    throw new LearnError(`maxSeconds must be a number of seconds > 0, got ${maxSeconds}`);
  const repeats = options.repeats ?? 4;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new LearnError(`repeats must be a whole number >= 1, got ${repeats}`);
  const maxFlipping = options.maxFlipping ?? 3;
  if (!(maxFlipping === Infinity || (Number.isInteger(maxFlipping) && maxFlipping >= 0)))
    throw new LearnError(`maxFlipping must be a whole number >= 0 or Infinity, got ${maxFlipping}`);
  const tree = new ObservationTree(options.pruneClosed ?? true, repeats + 1);
  const deadline = {
    at: maxSeconds === undefined ? Infinity : started + maxSeconds * 1000,
    seconds: maxSeconds ?? Infinity,
  };
  const runner = new QueryRunner(
    sul,
    tree,
    options.maxQueries,
    options.maxNondeterministic ?? 20,
    deadline,
    maxFlipping,
  );
  const lsharp = new LSharp(sul.inputs, tree, runner);
  options.onVotes?.(() => runner.disagreements());
  const onBatch = options.onBatch;
  if (onBatch !== undefined)
    runner.onBatch = (batchQueries, batchSeconds) =>
      onBatch({
        phase: runner.phase,
        states: lsharp.states.length,
        queries: runner.sessionsAdded,
        batchQueries,
        seconds: (performance.now() - started) / 1000,
        batchSeconds,
      });
  const oracle = new RandomWpOracle(tree, runner, new SeededRandom(options.seed ?? 1), {
    budget,
    infix: options.infix ?? 4,
    batch: 32,
    seeds: options.seeds ?? normalHandshakes(sul.version, sul.role, sul.inputs),
    ...(extraStates === null ? {} : { extraStates }),
    ...(edits === null ? {} : { edits }),
    ...(options.onCoverage !== undefined ? { onCoverage: options.onCoverage } : {}),
  });
  let start: StartModel | undefined;
  try {
    start = options.start === undefined ? undefined : new StartModel(options.start, sul.inputs);
  } catch (e) {
    if (e instanceof StartModelError) throw new LearnError(e.message);
    throw e;
  }
  const context = { version: sul.version, role: sul.role };
  let model: MealyMachine | undefined;
  let bugPatterns: ConfirmedFinding[] = [];
  let unconfirmed: UnconfirmedFinding[] = [];
  let checkedModel: MealyMachine | undefined;
  let stopped: string | undefined;
  try {
    model = await lsharp.learn(async (h, basis) => {
      options.onHypothesis?.({
        ...runner.stats,
        states: h.next.length,
        rounds: lsharp.rounds,
        model: h,
        prunedSteps: tree.prunedSteps,
        ...runner.disagreements(),
        seconds: (performance.now() - started) / 1000,
      });
      const counterexample = (await start?.counterexample(h, tree, runner)) ?? (await oracle.find(h, basis));
      runner.phase = LEARNING;
      if (counterexample !== undefined) return counterexample;
      // The oracle passed the hypothesis: its findings are checked against the peer before they are reported.
      const checked = await confirmFindings(h, context, runner, replays, true);
      runner.phase = LEARNING;
      if (checked.kind === 'counterexample') {
        oracle.refuted(h);
        return checked.word;
      }
      ({ confirmed: bugPatterns, unconfirmed } = checked);
      checkedModel = h;
      return undefined;
    });
  } catch (e) {
    if (!(e instanceof QueryBudgetSpent || e instanceof AnswersKeepChanging)) throw e;
    stopped = e.message;
    model = lsharp.last;
    if (model === undefined) throw new LearnError(`${e.message} before the first hypothesis`);
  }
  if (stopped === undefined && lsharp.stalled)
    stopped = 'counterexamples stopped teaching anything: the answers to them kept disagreeing';
  if (model !== checkedModel) ({ bugPatterns, unconfirmed } = await checkEarlyEnd(model, context, runner, replays));
  await runner.dropAhead();
  return {
    version: sul.version,
    role: sul.role,
    alphabet: [...sul.inputs],
    model,
    states: model.next.length,
    transitions: transitionCount(model),
    queries: runner.stats.queries,
    steps: runner.stats.steps,
    cacheHits: runner.stats.cacheHits,
    prunedSteps: tree.prunedSteps,
    repeats: runner.stats.repeats,
    rounds: lsharp.rounds,
    seconds: (performance.now() - started) / 1000,
    ...runner.disagreements(),
    coverage: stopped === undefined ? oracle.passed : oracle.coverageOf(model),
    ...(stopped === undefined ? {} : { stopped }),
    bugPatterns,
    unconfirmed,
    complete: stopped === undefined,
  };
}

/**
 * The findings of a model learning stopped on early (query budget spent, or stalled on nondeterminism): checked
 * without learning on; when the budget allows no replay, none is confirmed.
 */
async function checkEarlyEnd(
  model: MealyMachine,
  context: { version: '1.2' | '1.3'; role: 'server' | 'client' },
  runner: QueryRunner,
  replays: number,
): Promise<{ bugPatterns: ConfirmedFinding[]; unconfirmed: UnconfirmedFinding[] }> {
  try {
    const checked = await confirmFindings(model, context, runner, replays, false);
    if (checked.kind === 'checked') return { bugPatterns: checked.confirmed, unconfirmed: checked.unconfirmed };
  } catch (e) {
    if (!(e instanceof QueryBudgetSpent || e instanceof AnswersKeepChanging)) throw e;
  }
  return { bugPatterns: [], unconfirmed: findBugPatterns(model, context).map((f) => ({ ...f, replayed: [] })) };
}
