import test from 'ava';
import { confirmFindings } from '../../learn/learner/confirm.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { ObservationTree } from '../../learn/learner/observation-tree.js';
import { QueryRunner } from '../../learn/learner/query-runner.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { server13 } from './machines.js';

const CONTEXT = { version: '1.3', role: 'server' } as const;
/** A 1.3 server that echoes application data before the client's Finished. */
const echoesEarly = (): MealyMachine => server13([['finished', 'ApplicationData', 'ApplicationData', 'finished']]);
const WORD = ['ClientHello', 'Certificate', 'CertificateVerify', 'ApplicationData'];

function runnerFor(sul: SystemUnderLearning): QueryRunner {
  return new QueryRunner(sul, new ObservationTree(), 4);
}

/** Sessions of `first` until `switchAt` sessions were opened, then of `then` (a peer that stopped repeating itself). */
function changing(first: MealyMachine, then: MealyMachine, switchAt: number): SystemUnderLearning {
  const a = machineSul(first, CONTEXT);
  const b = machineSul(then, CONTEXT);
  let opened = 0;
  return { ...a, open: () => (opened++ < switchAt ? a.open() : b.open()) };
}

test("a finding of a wrong hypothesis (a merged state) is a counterexample: the peer's answers differ", async (t) => {
  const runner = runnerFor(machineSul(server13(), CONTEXT));
  const checked = await confirmFindings(echoesEarly(), CONTEXT, runner, 3, true);
  t.deepEqual(checked, { kind: 'counterexample', word: WORD });
  // Learning over: the same finding is unconfirmed, with the peer's answers.
  const over = await confirmFindings(echoesEarly(), CONTEXT, runner, 3, false);
  t.is(over.kind, 'checked');
  if (over.kind !== 'checked') return;
  t.deepEqual(over.confirmed, []);
  t.deepEqual(
    over.unconfirmed.map((f) => [f.pattern, f.word, f.replayed.map((r) => r[3])]),
    [['data-before-finished', WORD, ['timeout']]],
  );
});

test('a finding the peer showed once but does not repeat is not reported', async (t) => {
  // The first session (the one that put the word in the cache) echoes early; the replays do not.
  const runner = runnerFor(changing(echoesEarly(), server13(), 1));
  const checked = await confirmFindings(echoesEarly(), CONTEXT, runner, 3, true);
  t.is(checked.kind, 'checked');
  if (checked.kind !== 'checked') return;
  t.deepEqual(checked.confirmed, []);
  t.deepEqual(
    checked.unconfirmed.map((f) => [f.pattern, f.replayed.length, f.replayed.map((r) => r[3])]),
    [['data-before-finished', 3, ['timeout', 'timeout', 'timeout']]],
  );
});

test("a finding the peer repeats is confirmed, with the replays' count", async (t) => {
  const runner = runnerFor(machineSul(echoesEarly(), CONTEXT));
  const checked = await confirmFindings(echoesEarly(), CONTEXT, runner, 3, true);
  t.is(checked.kind, 'checked');
  if (checked.kind !== 'checked') return;
  t.deepEqual(
    checked.confirmed.map((f) => [f.pattern, f.word, f.replays]),
    [['data-before-finished', WORD, { agreed: 3, of: 3 }]],
  );
  t.deepEqual(checked.unconfirmed, []);
});

test('learn() reports a real bug pattern as confirmed and a correct peer with none', async (t) => {
  const buggy = await learn(machineSul(echoesEarly(), { ...CONTEXT, parallel: 4 }), { seed: 1, budget: 100 });
  t.deepEqual(
    buggy.bugPatterns.map((f) => [f.pattern, f.replays]),
    [['data-before-finished', { agreed: 3, of: 3 }]],
  );
  const good = await learn(machineSul(server13(), { ...CONTEXT, parallel: 4 }), { seed: 1, budget: 100 });
  t.deepEqual([good.bugPatterns, good.unconfirmed], [[], []]);
  await t.throwsAsync(() => learn(machineSul(server13(), CONTEXT), { confirmReplays: 0 }), {
    message: /confirmReplays must be a whole number >= 1, got 0/,
  });
});
