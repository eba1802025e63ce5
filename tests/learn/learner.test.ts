import test from 'ava';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { distinguishingWord, minimize } from '../../learn/learner/mealy.js';
import { randomMachine } from './machines.js';

const SIZES = [5, 12, 25, 40, 60];

for (const size of SIZES) {
  test(`a random machine of ${size} states is learned exactly, the same at parallel 1 and 8`, async (t) => {
    const truth = randomMachine(size * 7 + 1, size, 5);
    const minimal = minimize(truth);
    const one = await learn(machineSul(truth, { parallel: 1 }), { seed: 3, budget: 2000 });
    const eight = machineSul(truth, { parallel: 8 });
    const many = await learn(eight, { seed: 3, budget: 2000 });
    t.is(distinguishingWord(one.model, truth), undefined, 'the learned model answers as the true machine');
    t.is(one.states, minimal.next.length);
    t.deepEqual(many.model, one.model);
    t.is(many.queries, one.queries);
    t.true(eight.counters.mostOpen > 1, 'parallel 8 ran sessions at once');
    t.true(one.complete);
    t.deepEqual(one.nondeterministic, []);
  });
}

test('answers after `closed` are pruned: fewer sessions and steps, the same model', async (t) => {
  const truth = randomMachine(11, 20, 5, 3, true);
  const pruned = await learn(machineSul(truth, { parallel: 4 }), { seed: 5, budget: 1500 });
  const unpruned = await learn(machineSul(truth, { parallel: 4 }), { seed: 5, budget: 1500, pruneClosed: false });
  t.is(distinguishingWord(pruned.model, truth), undefined);
  t.is(distinguishingWord(unpruned.model, truth), undefined);
  t.true(pruned.prunedSteps > 0);
  t.is(unpruned.prunedSteps, 0);
  t.true(pruned.queries < unpruned.queries, `${pruned.queries} sessions pruned, ${unpruned.queries} not`);
  t.true(pruned.steps < unpruned.steps, `${pruned.steps} steps pruned, ${unpruned.steps} not`);
});
