/**
 * Bug patterns are reported only when the peer shows them. A finding is read off a hypothesis, whose transitions
 * beyond the observation tree are guesses (a frontier node taken for the basis node it was not yet apart from): its
 * word may never have been asked. So before a finding is reported:
 * - its word is asked (through the cache): where the peer's answers differ from the hypothesis's, the word is a
 *   counterexample, handed back to the learner, which splits the wrongly merged state and learns on;
 * - otherwise the word is replayed `replays` times in fresh sessions, past the cache: the finding is confirmed when
 *   a majority of the replays answer exactly as the model does, and reported as unconfirmed (with the answers seen)
 *   when not (an answer in the tree that the peer does not repeat: timing).
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';
import type { BugPatternContext, BugPatternFinding } from './bug-patterns.js';
import { findBugPatterns } from './bug-patterns.js';
import type { MealyMachine } from './mealy.js';
import { run } from './mealy.js';
import type { QueryRunner } from './query-runner.js';

/**
 * A finding not reported as a bug pattern: the peer did not answer its word as the model does (its replays mostly, or
 * the one answer in the cache), or it was never replayed because the run stopped first (a limit, a signal, an error).
 */
export interface UnconfirmedFinding extends BugPatternFinding {
  /** What each replay answered; empty when none was made (the run stopped before its findings were replayed). */
  readonly replayed: readonly (readonly OutputSymbol[])[];
}

/** A confirmed finding, with how many replays showed it. */
export interface ConfirmedFinding extends BugPatternFinding {
  readonly replays: { readonly agreed: number; readonly of: number };
}

/** The outcome of checking a hypothesis's findings against the peer. */
export type Confirmation =
  | { readonly kind: 'counterexample'; readonly word: InputSymbol[] }
  | {
      readonly kind: 'checked';
      readonly confirmed: ConfirmedFinding[];
      readonly unconfirmed: UnconfirmedFinding[];
    };

const same = (a: readonly OutputSymbol[], b: readonly OutputSymbol[]): boolean =>
  a.length === b.length && a.every((o, k) => o === b[k]);

/**
 * Checks every bug pattern the hypothesis shows against the peer. With `learnOn`, a counterexample as soon as one
 * finding's word is answered differently from the hypothesis; without (learning has ended), such a finding is
 * unconfirmed. The others are confirmed or not by their replays.
 */
export async function confirmFindings(
  h: MealyMachine,
  context: BugPatternContext,
  runner: QueryRunner,
  replays: number,
  learnOn: boolean,
): Promise<Confirmation> {
  const findings = findBugPatterns(h, context);
  if (findings.length === 0) return { kind: 'checked', confirmed: [], unconfirmed: [] };
  runner.phase = { kind: 'confirming a finding' };
  await runner.ensure(findings.map((f) => f.word));
  const confirmed: ConfirmedFinding[] = [];
  const unconfirmed: UnconfirmedFinding[] = [];
  const agreeing: BugPatternFinding[] = [];
  for (const f of findings) {
    const answers = await runner.answers(f.word);
    if (answers === undefined || same(answers, run(h, f.word))) agreeing.push(f);
    else if (learnOn) return { kind: 'counterexample', word: [...f.word] };
    else unconfirmed.push({ ...f, replayed: [answers] });
  }
  for (const f of agreeing) {
    const replayed = await runner.replay(f.word, replays);
    const agreed = replayed.filter((r) => same(r, f.outputs)).length;
    if (agreed * 2 > replays) confirmed.push({ ...f, replays: { agreed, of: replays } });
    else unconfirmed.push({ ...f, replayed });
  }
  return { kind: 'checked', confirmed, unconfirmed };
}
