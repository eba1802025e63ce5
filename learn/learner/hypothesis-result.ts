/**
 * The newest hypothesis as a {@link LearnResult}, for a run stopped before learn() returned (a signal, an internal
 * error): `complete: false`, its findings unconfirmed (none was replayed), its figures those of the moment the
 * hypothesis was made, and what it passed of the equivalence test before the stop (learn()'s `onCoverage`), if given.
 * Its disagreements (`flipping`, `nondeterministic`, `outvoted`, `undecided`) are `votes`, the votes observed up to the stop
 * (learn()'s `onVotes`), when given; else the hypothesis's, as they stood when it was made.
 */
import type { InputSymbol } from '../sul.js';
import { findBugPatterns } from './bug-patterns.js';
import type { OracleCoverage } from './equivalence-oracle.js';
import type { HypothesisProgress, LearnResult } from './learn.js';
import { transitionCount } from './mealy.js';
import type { Disagreements } from './query-runner.js';

export function hypothesisResult(
  p: HypothesisProgress,
  sul: { readonly version: '1.2' | '1.3'; readonly role: 'server' | 'client'; readonly inputs: readonly InputSymbol[] },
  coverage?: OracleCoverage,
  votes?: Disagreements,
): LearnResult {
  const context = { version: sul.version, role: sul.role };
  return {
    version: sul.version,
    role: sul.role,
    alphabet: [...sul.inputs],
    model: p.model,
    states: p.states,
    transitions: transitionCount(p.model),
    queries: p.queries,
    steps: p.steps,
    cacheHits: p.cacheHits,
    prunedSteps: p.prunedSteps,
    repeats: p.repeats,
    rounds: p.rounds,
    seconds: p.seconds,
    flipping: (votes ?? p).flipping,
    nondeterministic: (votes ?? p).nondeterministic,
    outvoted: (votes ?? p).outvoted,
    undecided: (votes ?? p).undecided,
    coverage,
    bugPatterns: [],
    unconfirmed: findBugPatterns(p.model, context).map((f) => ({ ...f, replayed: [] })),
    complete: false,
  };
}
