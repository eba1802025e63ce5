/**
 * A known Mealy machine run as a SystemUnderLearning, in process: what the learner's tests and the bench learn (the
 * learner is checked against the true machine), and a peer's model replayed. `closed` answers keep the contract: once
 * a session answered `closed`, it answers `closed` to everything.
 */
import { CLOSED } from '../sul.js';
import { TIMEOUT } from '../symbols.js';
import type { InputSymbol, OutputSymbol, SulSession, SystemUnderLearning } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { checkMachine, inputIndex } from './mealy.js';
import { SeededRandom } from './random.js';

export interface MachineSulOptions {
  readonly version?: '1.2' | '1.3';
  readonly role?: 'server' | 'client';
  /** Sessions at once (default 1). */
  readonly parallel?: number;
  /** A wait before each answer, in ms, as a peer's round trip (default 0). */
  readonly stepDelayMs?: number;
  /**
   * Late answers, as a loaded peer or network gives them: with this probability a step answers `timeout`, and so does
   * every later step of that session (its answers now come a step late); drawn from a generator seeded with `seed`.
   */
  readonly lateAnswers?: { readonly probability: number; readonly seed: number };
}

/** Counts of what the simulated peer was asked. */
export interface MachineSulCounters {
  sessions: number;
  steps: number;
  /** The most sessions that were open at once. */
  mostOpen: number;
}

export function machineSul(
  machine: MealyMachine,
  options: MachineSulOptions = {},
): SystemUnderLearning & { readonly counters: MachineSulCounters } {
  checkMachine(machine);
  const counters: MachineSulCounters = { sessions: 0, steps: 0, mostOpen: 0 };
  let open = 0;
  const delay = options.stepDelayMs ?? 0;
  const late = options.lateAnswers;
  const random = late === undefined ? undefined : new SeededRandom(late.seed);
  return {
    version: options.version ?? '1.3',
    role: options.role ?? 'server',
    inputs: machine.inputs,
    parallel: options.parallel ?? 1,
    counters,
    open: async (): Promise<SulSession> => {
      counters.sessions++;
      open++;
      counters.mostOpen = Math.max(counters.mostOpen, open);
      let state = 0;
      let closed = false;
      let ended = false;
      let behind = false;
      return {
        step: async (input: InputSymbol): Promise<OutputSymbol> => {
          counters.steps++;
          if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
          if (closed) return CLOSED;
          const i = inputIndex(machine, input);
          const out = machine.output[state]![i]!;
          state = machine.next[state]![i]!;
          closed = out === CLOSED;
          if (random !== undefined && !behind && random.next() < late!.probability) behind = true;
          return behind && !closed ? TIMEOUT : out;
        },
        close: async (): Promise<void> => {
          if (!ended) open--;
          ended = true;
        },
      };
    },
    close: async (): Promise<void> => {},
  };
}
