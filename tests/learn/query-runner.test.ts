import test from 'ava';
import type { BatchProgress } from '../../learn/learner/batch-progress.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { randomMachine } from './machines.js';

/**
 * No batch barrier in the oracle: while a batch of tests runs, the next batch's tests are asked in the sessions it
 * leaves free, so a session of batch k + 1 opens before batch k is reported. Their answers enter the tree at the
 * start of batch k + 1, in the order asked, so the run is the same at any parallelism.
 */

/** The SUL with, for each session opened, how many batch events had come before it. */
function recorded(
  sul: SystemUnderLearning,
  events: readonly BatchProgress[],
): { sul: SystemUnderLearning; opened: number[] } {
  const opened: number[] = [];
  return { opened, sul: { ...sul, open: () => (opened.push(events.length), sul.open()) } };
}

test('the next batch of tests runs in the sessions the batch under way leaves free; the same run at parallel 1 and 4', async (t) => {
  const m = randomMachine(23, 16, 6);
  const runs = [];
  for (const parallel of [1, 4]) {
    const events: BatchProgress[] = [];
    const { sul, opened } = recorded(machineSul(m, { parallel, stepDelayMs: 1 }), events);
    const result = await learn(sul, { seed: 5, budget: 50, onBatch: (p) => events.push(p) });
    t.true(result.complete);
    // Sessions opened before batch k was reported, beyond batch k's own and those before it: the next batch's.
    const early = events.filter((e, k) => opened.filter((o) => o <= k).length > e.queries);
    const tests = events.filter((e) => e.phase.kind === 'conformance' || e.phase.kind === 'neighbourhood');
    t.true(early.length >= tests.length / 2, `parallel ${parallel}: ${early.length} of ${events.length} batches`);
    runs.push(result);
  }
  const [one, four] = runs;
  t.deepEqual(four!.model, one!.model);
  t.is(four!.queries, one!.queries);
  t.is(four!.steps, one!.steps);
  t.is(four!.cacheHits, one!.cacheHits);
});
