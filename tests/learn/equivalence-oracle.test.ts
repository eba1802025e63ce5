import test from 'ava';
import type { BatchProgress } from '../../learn/learner/batch-progress.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { randomMachine } from './machines.js';

/**
 * The oracle's batches are counted in sessions, not tests: a batch takes tests until 32 of them need a session (the
 * tree answers the rest at once), so the parallel sessions wait for a batch's slowest once per 32 sessions however many
 * tests the cache answers. With batches of a fixed number of tests, most batches of a later hypothesis's conformance
 * test held a few uncached tests and ran one or two sessions, the other sessions idle until the slowest ended.
 */
test('every batch of the conformance test but the last of a part runs a full batch of sessions', async (t) => {
  const sul = machineSul(randomMachine(23, 16, 6), { parallel: 4 });
  const events: BatchProgress[] = [];
  const result = await learn(sul, { seed: 5, budget: 50, onBatch: (p) => events.push(p) });
  t.true(result.complete);
  const tests = events.filter(
    (e) => (e.phase.kind === 'conformance' || e.phase.kind === 'neighbourhood') && e.phase.done < e.phase.total,
  );
  t.true(tests.length >= 10, `${tests.length} conformance batches`);
  // A batch short of 32 sessions before its part ended is the confirmation of a counterexample (a session or two).
  const short = tests.filter((e) => e.batchQueries < 32);
  const full = tests.filter((e) => e.batchQueries === 32);
  t.true(short.length <= result.rounds, `${short.length} short batches, ${result.rounds} hypotheses`);
  t.true(full.length >= tests.length - result.rounds, `${full.length} full batches of ${tests.length}`);
  t.true(
    tests.every((e) => e.batchQueries <= 32 || e.batchQueries === 0),
    'no batch runs more sessions than its size',
  );
});

test('the same seed gives the same queries at parallel 1 and 4: batches depend on the tree, not the sessions', async (t) => {
  const m = randomMachine(29, 12, 5);
  const one = await learn(machineSul(m, { parallel: 1 }), { seed: 2, budget: 50 });
  const four = await learn(machineSul(m, { parallel: 4 }), { seed: 2, budget: 50 });
  t.true(one.complete && four.complete);
  t.is(four.queries, one.queries);
  t.is(four.steps, one.steps);
  t.deepEqual(four.model, one.model);
});
