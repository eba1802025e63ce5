/**
 * What learning is doing, batch by batch: every batch of output queries that ran sessions against the peer (a rule of
 * L# over the observation tree, a batch of the equivalence oracle's tests, a finding's replays) is reported to
 * learn()'s `onBatch` with its phase, the states of the current hypothesis and the sessions so far. The learner prints
 * nothing; the CLI renders these (cli/learn-watch.ts).
 */

/** What a batch's sessions are for. */
export type LearnPhase =
  /** L#'s rules over the observation tree: extending, promoting, identifying, confirming a hypothesis's transitions. */
  | { readonly kind: 'learning' }
  /** The conformance tests of the model learning starts from (learn()'s `start`), asked before L#'s first rule. */
  | { readonly kind: 'start model' }
  /** The equivalence oracle's seed words and random tests. */
  | { readonly kind: 'random tests' }
  /** The conformance test with k extra states: `done` of its `total` tests asked (after this batch). */
  | { readonly kind: 'conformance'; readonly extraStates: number; readonly done: number; readonly total: number }
  /** The words within `edits` edits of a normal handshake (neighbourhood.ts): `done` of `total` asked. */
  | { readonly kind: 'neighbourhood'; readonly edits: number; readonly done: number; readonly total: number }
  /** A bug pattern's word asked and replayed before it is reported (confirm.ts). */
  | { readonly kind: 'confirming a finding' };

export const LEARNING: LearnPhase = { kind: 'learning' };
export const START_MODEL: LearnPhase = { kind: 'start model' };

/** One batch of output queries, as learn()'s `onBatch` gets it. */
export interface BatchProgress {
  readonly phase: LearnPhase;
  /** The states of the current hypothesis (while learning: the basis, the states known so far). */
  readonly states: number;
  /** Sessions run against the peer since learn() began, this batch's included. */
  readonly queries: number;
  /** Sessions this batch ran. */
  readonly batchQueries: number;
  /** Seconds since learn() began. */
  readonly seconds: number;
  /** Seconds this batch took. */
  readonly batchSeconds: number;
}
