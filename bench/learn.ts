/**
 * `npm run bench -- learn`: the wall time of learning with parallel queries against the same run sequentially.
 *
 * The SUL is a known machine (tests/learn/machines.ts's random machine: 20 live states, 8 inputs, a fifth of the
 * transitions closing the session, as alerts do) run in process with a wait before every answer, as a peer's round
 * trip and the mapper's wait would add. The learner's queries are the same at every parallelism (the seed fixes
 * them), so the figures compare like with like. The hook for a real peer: pass `openSul` (the mapper's
 * openServerSul bound to a host and port) and the same table is printed for it.
 */
import { learn } from '../learn/learner/learn.js';
import { machineSul } from '../learn/learner/machine-sul.js';
import type { SystemUnderLearning } from '../learn/sul.js';
import { randomMachine } from '../tests/learn/machines.js';

/** The wait before each simulated answer, in ms. */
const STEP_DELAY_MS = 2;
const PARALLELS = [1, 4, 8, 16];

export async function benchLearn(
  log: (line: string) => void,
  openSul?: (parallel: number) => Promise<SystemUnderLearning>,
): Promise<void> {
  const truth = randomMachine(2026, 21, 8, 3, true);
  const open = openSul ?? (async (parallel: number) => machineSul(truth, { parallel, stepDelayMs: STEP_DELAY_MS }));
  log(
    openSul
      ? 'learn: the given peer'
      : `learn: a simulated peer of 21 states (20 live), 8 inputs, ${STEP_DELAY_MS} ms before each answer`,
  );
  let sequential: number | undefined;
  for (const parallel of PARALLELS) {
    const sul = await open(parallel);
    try {
      const r = await learn(sul, { seed: 1, budget: 1000 });
      sequential ??= r.seconds;
      log(
        `  parallel ${String(parallel).padStart(2)}: ${r.seconds.toFixed(2).padStart(6)} s, ${r.states} states, ${r.queries} queries, ${r.steps} steps, ${r.prunedSteps} pruned; ${(sequential / r.seconds).toFixed(1)}x the sequential run`,
      );
    } finally {
      await sul.close();
    }
  }
}
