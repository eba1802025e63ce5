/**
 * The JSON report of a learning run (`dtls13 learn --out FILE.json`): the figures, the alphabet, the disagreements,
 * the bug patterns found, the differences from a reference model when one was given, and the model itself as a list of
 * transitions (modelFromReport reads it back, so two saved reports can be diffed).
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';
import type { BugPatternId } from './bug-patterns.js';
import { applicableBugPatterns } from './bug-patterns.js';
import type { ConfirmedFinding, UnconfirmedFinding } from './confirm.js';
import type { ModelDifference } from './diff.js';
import type { OracleCoverage } from './equivalence-oracle.js';
import { diffModels } from './diff.js';
import type { LearnResult } from './learn.js';
import type { MealyMachine } from './mealy.js';
import { MealyMachineError, checkMachine } from './mealy.js';
import type { Nondeterminism } from './query-runner.js';
import type { StateMatching } from './state-matching.js';
import { matchStates } from './state-matching.js';

export interface ReportTransition {
  readonly from: string;
  readonly input: InputSymbol;
  readonly output: OutputSymbol;
  readonly to: string;
}

export interface LearnReport {
  /**
   * The arguments of `dtls13 learn` that made the report, as given (set by the command, absent through the API): with
   * them, scripts/learn-agree.ts opens the same peer again. Relative paths are the learning run's working directory's.
   */
  readonly command?: readonly string[];
  readonly version: '1.2' | '1.3';
  readonly role: 'server' | 'client';
  readonly states: number;
  readonly transitions: number;
  readonly queries: number;
  readonly steps: number;
  readonly cacheHits: number;
  readonly prunedSteps: number;
  readonly repeats: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly complete: boolean;
  /**
   * What `complete` rests on, in words: "complete: no counterexample up to k extra states, N tests (plus M random
   * words)", or why learning stopped (describeCoverage).
   */
  readonly guarantee: string;
  /** The conformance test's k and tests, and the random tests, for the model; absent when learning stopped early. */
  readonly coverage?: OracleCoverage;
  /** Where the peer kept answering differently after every vote. */
  readonly nondeterministic: readonly Nondeterminism[];
  /** Where an answer was outvoted by the others (noise). */
  readonly outvoted: readonly Nondeterminism[];
  readonly alphabet: readonly InputSymbol[];
  readonly bugPatternsChecked: readonly BugPatternId[];
  /** The bug patterns the model shows and replays against the peer confirmed. */
  readonly bugPatterns: readonly ConfirmedFinding[];
  /** Bug patterns the model showed that the peer did not repeat (not findings). */
  readonly unconfirmed: readonly UnconfirmedFinding[];
  /** Against the reference model, when one was given: one shortest word per difference. */
  readonly differences?: readonly ModelDifference[];
  /**
   * Against the reference model, when one was given: which reference state each learned state is (state-matching.ts),
   * and with `dtls13 learn` our chart's states for it.
   */
  readonly stateMatching?: StateMatching;
  readonly model: { readonly initial: 's0'; readonly transitions: readonly ReportTransition[] };
  /**
   * What makes the model doubtful although learning ran (`dtls13 learn`): a peer that never answered (a model of
   * silence), a peer over the mapper's caps (answered `Flood`).
   */
  readonly warnings?: readonly string[];
  /**
   * Set when the run was stopped before learning ended (a signal, an internal error): the model is the newest
   * hypothesis (`complete: false`, its figures those of the moment it was made, its findings unconfirmed); `queries`
   * and `seconds` are the whole run's by the stop, `status` the exit status.
   */
  readonly stopped?: {
    readonly reason: string;
    readonly status: number;
    readonly queries: number;
    readonly seconds: number;
  };
}

/** The model as the report lists it. */
export function reportTransitions(m: MealyMachine): ReportTransition[] {
  return m.next.flatMap((row, s) =>
    row.map((t, i) => ({ from: `s${s}`, input: m.inputs[i]!, output: m.output[s]![i]!, to: `s${t}` })),
  );
}

export function learnReport(result: LearnResult, reference?: MealyMachine): LearnReport {
  const context = { version: result.version, role: result.role };
  return {
    version: result.version,
    role: result.role,
    states: result.states,
    transitions: result.transitions,
    queries: result.queries,
    steps: result.steps,
    cacheHits: result.cacheHits,
    prunedSteps: result.prunedSteps,
    repeats: result.repeats,
    rounds: result.rounds,
    seconds: Math.round(result.seconds * 1000) / 1000,
    complete: result.complete,
    guarantee: describeCoverage(result),
    ...(result.coverage !== undefined ? { coverage: result.coverage } : {}),
    nondeterministic: result.nondeterministic,
    outvoted: result.outvoted,
    alphabet: result.alphabet,
    bugPatternsChecked: applicableBugPatterns(result.model, context),
    bugPatterns: result.bugPatterns,
    unconfirmed: result.unconfirmed,
    ...(reference !== undefined
      ? { differences: diffModels(result.model, reference), stateMatching: matchStates(result.model, reference) }
      : {}),
    model: { initial: 's0', transitions: reportTransitions(result.model) },
  };
}

/**
 * The guarantee a learned model carries, in a line: with the conformance test, "complete: no counterexample up to k
 * extra states, N tests (plus M random words)" (the model is the peer's unless the peer has more than k states beyond
 * it); without it, "complete: no counterexample in M random words" (no bound); or "incomplete: " and why.
 */
export function describeCoverage(result: Pick<LearnResult, 'complete' | 'coverage' | 'stopped'>): string {
  const c = result.coverage;
  if (!result.complete || c === undefined) return `incomplete: ${result.stopped ?? 'learning stopped early'}`;
  if (c.extraStates === undefined) return `complete: no counterexample in ${c.randomTests} random words (no bound)`;
  const states = c.extraStates === 1 ? 'state' : 'states';
  return `complete: no counterexample up to ${c.extraStates} extra ${states}, ${c.conformanceTests} tests (plus ${c.randomTests} random words)`;
}

/** A report's model read back (from `--out` JSON); MealyMachineError when it is not a complete machine. */
export function modelFromReport(report: {
  readonly alphabet: readonly InputSymbol[];
  readonly model: { readonly transitions: readonly ReportTransition[] };
}): MealyMachine {
  const inputs = [...report.alphabet];
  const names = [...new Set(['s0', ...report.model.transitions.map((t) => t.from)])];
  const index = new Map(names.map((n, k) => [n, k]));
  const next = names.map(() => inputs.map(() => -1));
  const output = names.map(() => inputs.map(() => ''));
  for (const t of report.model.transitions) {
    const s = index.get(t.from)!;
    const i = inputs.indexOf(t.input);
    const to = index.get(t.to);
    if (i < 0)
      throw new MealyMachineError(`transition ${t.from} --${t.input}--> ${t.to}: the input is not in the alphabet`);
    if (to === undefined)
      throw new MealyMachineError(`transition ${t.from} --${t.input}--> ${t.to}: no transition leaves ${t.to}`);
    next[s]![i] = to;
    output[s]![i] = t.output;
  }
  names.forEach((n, s) =>
    inputs.forEach((input, i) => {
      if (next[s]![i]! < 0) throw new MealyMachineError(`state ${n} has no transition on ${input}`);
    }),
  );
  const m = { inputs, next, output };
  checkMachine(m);
  return m;
}
