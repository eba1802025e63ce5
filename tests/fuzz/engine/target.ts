import type { Prng } from '../../support/prng.js';

/** What a target's own (structure-aware) mutator may use. */
export interface MutationTools {
  readonly rng: Prng;
  /** The generic byte mutator (a stack of mutations), e.g. for one field or chunk of a structured input. */
  bytes(data: Uint8Array): Uint8Array;
  /** Another input of the corpus, to splice from. */
  donor(): Uint8Array;
}

/**
 * A fuzz target: `run` executes one input and throws when it finds a bug
 * (an exception escaping the code under test, or a broken invariant).
 * `setup` runs once per process before the first input.
 */
export interface FuzzTarget {
  readonly name: string;
  /** Longest input the mutators produce. */
  readonly maxLength: number;
  /** Extra dictionary tokens for the byte mutator. */
  readonly dictionary?: readonly Uint8Array[];
  setup?(): void;
  run(input: Uint8Array): void;
  /** Inputs made from real traffic, always added to the corpus in memory. */
  seeds(): Uint8Array[];
  /** A structure-aware mutation (used for half of the mutations when present). */
  mutate?(input: Uint8Array, tools: MutationTools): Uint8Array;
  /** A human-readable account of an input (for crash reports). */
  describe?(input: Uint8Array): string;
}

/** A broken invariant (as opposed to an exception thrown by the code under test). */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}
