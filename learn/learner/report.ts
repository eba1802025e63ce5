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
import type { CoveragePart, OracleCoverage } from './equivalence-oracle.js';
import type { Flipping } from './flipping.js';
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
   * What `complete` rests on, in words: "complete: no counterexample up to k extra states, N tests; within d edits of
   * a normal handshake, M tests (plus R random words)", or why learning stopped and what the model passed before it
   * (describeCoverage).
   */
  readonly guarantee: string;
  /**
   * The conformance test's k and tests, the edit distance and its tests, and the random tests the model passed; for a
   * stopped run what it passed before the stop (`unfinished`: the part it stopped in); absent when it passed none.
   */
  readonly coverage?: OracleCoverage;
  /**
   * Where the peer keeps repeating a minority answer to the same inputs, with the ms since its previous answer behind
   * each answer and whether they follow time (`cause`): more of them than the limit end learning (absent in older
   * reports).
   */
  readonly flipping?: readonly Flipping[];
  /** Where the peer kept answering differently after every vote. */
  readonly nondeterministic: readonly Nondeterminism[];
  /** Where an answer was outvoted by the others (noise). */
  readonly outvoted: readonly Nondeterminism[];
  /** Where answers disagreed and the voting had not ended when learning stopped (absent in older reports). */
  readonly undecided?: readonly Nondeterminism[];
  readonly alphabet: readonly InputSymbol[];
  readonly bugPatternsChecked: readonly BugPatternId[];
  /** The bug patterns the model shows and replays against the peer confirmed. */
  readonly bugPatterns: readonly ConfirmedFinding[];
  /**
   * Bug patterns the model showed that are not findings: the peer did not repeat them, or (`replayed` empty) the run
   * stopped before they were replayed.
   */
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
   * With `dtls13 learn --peer-retransmissions hide`: the ChangeCipherSpec records of the peer's repeated flights the
   * mapper left out (`hidden`, one per flight), the steps they were in (`inSteps`) and the steps asked in all: the
   * model is the peer's without these (learn/mapper/repeated-flights.ts).
   */
  readonly peerRetransmissions?: {
    readonly mode: 'hide';
    readonly hidden: number;
    readonly inSteps: number;
    readonly steps: number;
  };
  /**
   * Set when the run was stopped before learning ended (a signal, an internal error): the model is the newest
   * hypothesis (`complete: false`, its figures those of the moment it was made, its findings unconfirmed); its
   * disagreements, and `queries` and `seconds` here, are the whole run's by the stop; `status` the exit status.
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
    flipping: result.flipping,
    nondeterministic: result.nondeterministic,
    outvoted: result.outvoted,
    undecided: result.undecided,
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
 * The guarantee a learned model carries, in a line. Complete: "complete: no counterexample up to k extra states, N
 * tests; within d edits of a normal handshake, M tests (plus R random words)" (the model is the peer's unless the peer
 * has more than k states beyond it, and the peer answers every word within d edits of a normal handshake, each
 * followed by the words identifying the state it reaches, as the model does), either bound left out when not run;
 * without both, "complete: no counterexample in R random words (no bound)". Stopped early: "incomplete: " and why,
 * then what the model passed before the stop, and how far the part it stopped in went, e.g. "; passed: up to 0 extra
 * states, 93 tests; within 1 edit of a normal handshake, 155 tests (plus 118 random words); 1 extra state: 128 of 434
 * more tests passed". Only parts passed in full are stated as bounds.
 */
export function describeCoverage(result: Pick<LearnResult, 'complete' | 'coverage' | 'stopped'>): string {
  const c = result.coverage;
  if (!result.complete) {
    const why = `incomplete: ${result.stopped ?? 'learning stopped early'}`;
    if (c === undefined) return why;
    const passed = passedBounds(c) ?? (c.randomTests > 0 ? `${c.randomTests} random words` : undefined);
    const u = c.unfinished;
    const partial = u === undefined ? '' : `; ${partName(u.part)}: ${u.passed} of ${u.of} ${more(u.part)}tests passed`;
    return `${why}${passed === undefined ? '' : `; passed: ${passed}`}${partial}`;
  }
  if (c === undefined) return 'complete';
  return `complete: ${passedBounds(c) ?? `no counterexample in ${c.randomTests} random words (no bound)`}`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The bounds passed in full, with the random words: undefined when no bound was passed. */
function passedBounds(c: OracleCoverage): string | undefined {
  const bounds = [
    ...(c.extraStates === undefined
      ? []
      : [`up to ${plural(c.extraStates, 'extra state', 'extra states')}, ${c.conformanceTests} tests`]),
    ...(c.edits === undefined
      ? []
      : [`within ${plural(c.edits, 'edit', 'edits')} of a normal handshake, ${c.editTests ?? 0} tests`]),
  ];
  if (bounds.length === 0) return undefined;
  return `no counterexample ${bounds.join('; ')} (plus ${c.randomTests} random words)`;
}

function partName(part: CoveragePart): string {
  switch (part.kind) {
    case 'seeds':
      return 'seed words';
    case 'random':
      return 'random words';
    case 'extra-states':
      return plural(part.k, 'extra state', 'extra states');
    case 'edits':
      return `within ${plural(part.distance, 'edit', 'edits')} of a normal handshake`;
  }
}

/** The suite for k > 0 extra states is run as the tests the one for k - 1 does not have. */
function more(part: CoveragePart): string {
  return part.kind === 'extra-states' && part.k > 0 ? 'more ' : '';
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
