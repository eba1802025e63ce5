/**
 * `dtls13/learn`: active automata learning of a DTLS peer as a Mealy machine (`dtls13 learn`, docs/learn.md).
 *
 * - `learn(sul, options)`: L# with a query cache (`closed` answers pruned), parallel output queries and a seeded
 *   randomized Wp equivalence oracle, over a `SystemUnderLearning` (learn/sul.ts); the model and what it cost.
 * - `hypothesisResult(progress, sul, coverage?, votes?)`: the newest hypothesis (learn()'s `onHypothesis`) as an
 *   incomplete result, for a run stopped early (a signal, an error) that should still write what it learned, with the
 *   votes observed up to the stop (learn()'s `onVotes`).
 * - `learnReport(result, reference?)`: the JSON report, with the bug patterns found and the differences from a
 *   reference model; `modelFromReport` reads a saved report's model back.
 * - `modelToDot`, `modelToXState`: the model drawn by Graphviz or by XState's tools.
 * - `diffModels`: one shortest distinguishing word per difference of two models; `matchStates`: which state of a
 *   reference model each learned state is (the report's `stateMatching`).
 * - `findBugPatterns`, `applicableBugPatterns`: known state machine bugs, in the symbols of `symbols` (`learn()`
 *   reports a model's findings only once replays against the peer confirmed them: `bugPatterns`, `unconfirmed`).
 * - `machineSul`: a known Mealy machine run as a SUL (to test a learner setup, or to replay a model).
 * - `openServerSul`, `openClientSul`: a real DTLS server or client as a SUL, through the mapper (learn/mapper/), with
 *   credentials as `listen()` takes them (PEM or DER); `referenceServer`, `referenceClient`: dtls13's own server and
 *   client to learn as the reference; `openClientSul`'s `ownClient` hosts dtls13's own client in this process instead
 *   of a command's process per session (its answers come soon enough for a short wait).
 */
export {
  CLOSED,
  restrictInputs,
  type InputSymbol,
  type OutputSymbol,
  type SulSession,
  type SystemUnderLearning,
} from './sul.js';
export * as symbols from './symbols.js';
export { learn, LearnError, type HypothesisProgress, type LearnOptions, type LearnResult } from './learner/learn.js';
export { hypothesisResult } from './learner/hypothesis-result.js';
export type { Disagreements, Nondeterminism } from './learner/query-runner.js';
export type { CoveragePart, OracleCoverage } from './learner/equivalence-oracle.js';
export {
  describeCoverage,
  learnReport,
  modelFromReport,
  reportTransitions,
  type LearnReport,
  type ReportTransition,
} from './learner/report.js';
export { modelToDot, type DotOptions } from './learner/dot.js';
export { modelToXState, type LearnedMachineConfig, type LearnedTransitionConfig } from './learner/xstate.js';
export { diffModels, type ModelDifference } from './learner/diff.js';
export { matchStates, type LearnedStateMatch, type StateMatching } from './learner/state-matching.js';
export type { BatchProgress, LearnPhase } from './learner/batch-progress.js';
export {
  applicableBugPatterns,
  findBugPatterns,
  type BugPatternContext,
  type BugPatternFinding,
  type BugPatternId,
} from './learner/bug-patterns.js';
export type { ConfirmedFinding, UnconfirmedFinding } from './learner/confirm.js';
export { machineSul, type MachineSulCounters, type MachineSulOptions } from './learner/machine-sul.js';
export {
  checkMachine,
  distinguishingWord,
  minimize,
  run,
  stateAfter,
  MealyMachineError,
  type MealyMachine,
} from './learner/mealy.js';
export {
  openServerSul,
  openClientSul,
  referenceServer,
  referenceClient,
  DEFAULT_WAIT_MS,
  STEP_CAPS,
  MAX_QUEUED,
  type StepRecord,
  type PeerRetransmissions,
  type ServerSulOptions,
  type ClientSulOptions,
  type OwnClientOptions,
  type ReferenceServer,
  type ReferenceServerOptions,
  type ReferenceClient,
  type ReferenceClientOptions,
} from './mapper/index.js';
