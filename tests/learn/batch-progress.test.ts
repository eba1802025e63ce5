import test from 'ava';
import type { BatchProgress } from '../../learn/learner/batch-progress.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { ObservationTree } from '../../learn/learner/observation-tree.js';
import { QueryRunner } from '../../learn/learner/query-runner.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { randomMachine, server13 } from './machines.js';

/**
 * learn()'s `onBatch`: one event per batch of output queries, in every phase (L#'s rules, random tests, the
 * conformance test with its tests done of total, a finding's replays), each with the sessions that batch ran.
 */

/** The SUL with, for each session opened, how many batch events had come before it. */
function recorded(
  sul: SystemUnderLearning,
  events: readonly BatchProgress[],
): { sul: SystemUnderLearning; opened: number[] } {
  const opened: number[] = [];
  return {
    opened,
    sul: {
      ...sul,
      open: () => {
        opened.push(events.length);
        return sul.open();
      },
    },
  };
}

test('each batch of queries is reported once, with the sessions it ran, in every phase', async (t) => {
  const events: BatchProgress[] = [];
  const { sul, opened } = recorded(machineSul(randomMachine(71, 10, 5), { parallel: 4 }), events);
  const result = await learn(sul, { seed: 3, budget: 300, onBatch: (p) => events.push(p) });
  t.true(result.complete);
  // Every session in exactly one batch: the batch that added its answers. The oracle asks its next batch's tests while
  // it checks one (query-runner.ts), so a session may open before the event of the batch before its own; none opens
  // after the event of its own batch.
  const batches = events.map((e) => e.batchQueries);
  t.deepEqual(
    events.map((e) => e.queries),
    batches.map((_, k) => batches.slice(0, k + 1).reduce((a, b) => a + b, 0)),
  );
  t.true(
    events.every((e, k) => opened.filter((o) => o <= k).length >= e.queries),
    'a batch reports only sessions opened before its event',
  );
  t.is(opened.filter((e) => e === events.length).length, 0, 'no session after the last event');
  t.is(events.at(-1)!.queries, result.queries);
  t.is(opened.length, result.queries);
  t.true(events.length > result.rounds * 3, `${events.length} batches for ${result.rounds} hypotheses`);
  const kinds = new Set(events.map((e) => e.phase.kind));
  t.deepEqual([...kinds].sort(), ['conformance', 'learning', 'random tests']);
  // The last hypothesis's conformance test, a part a bound (k = 0, then the tests k = 1 adds), each batch reported as
  // one, counting up to its part's total; the parts' totals are the report's conformance tests.
  const lastRandom = events.map((e) => e.phase.kind).lastIndexOf('random tests');
  const conformance = events.slice(lastRandom + 1).map((e) => e.phase);
  t.true(conformance.length > 2, `${conformance.length} conformance batches`);
  const parts = conformance.filter((p) => p.kind === 'conformance');
  t.is(parts.length, conformance.length, 'only conformance batches after the random tests');
  t.true(
    parts.every((p, k) => {
      const before = parts[k - 1];
      if (before === undefined) return p.extraStates === 0;
      return p.extraStates === before.extraStates ? p.done > before.done : p.extraStates === before.extraStates + 1;
    }),
  );
  const totals = new Map(parts.map((p) => [p.extraStates, p.total]));
  t.is(
    [...totals.values()].reduce((a, b) => a + b, 0),
    result.coverage!.conformanceTests,
  );
  const last = parts.at(-1)!;
  t.deepEqual(last, { kind: 'conformance', extraStates: 1, done: last.total, total: last.total });
  t.is(events.at(-1)!.states, result.states);
  t.true(events.every((e) => e.batchSeconds >= 0 && e.seconds >= e.batchSeconds));
});

test('a confirm that first asks words the tree does not answer is one batch', async (t) => {
  const runner = new QueryRunner(machineSul(randomMachine(3, 6, 3), { parallel: 2 }), new ObservationTree());
  const batches: number[] = [];
  runner.onBatch = (sessions) => batches.push(sessions);
  await runner.confirm([
    ['i0', 'i1', 'i2'],
    ['i2', 'i2'],
  ]);
  t.true(runner.stats.queries > 2, 'asked, then asked again to confirm');
  t.deepEqual(batches, [runner.stats.queries]);
  await runner.ensure([['i0', 'i1']]);
  t.deepEqual(batches, [runner.stats.queries], 'a batch the tree answered ran no session: not reported');
});

test("a finding's replays are their own phase", async (t) => {
  const echoesEarly = server13([['finished', 'ApplicationData', 'ApplicationData', 'finished']]);
  const events: BatchProgress[] = [];
  const result = await learn(machineSul(echoesEarly, { version: '1.3', role: 'server', parallel: 2 }), {
    seed: 1,
    budget: 100,
    onBatch: (p) => events.push(p),
  });
  t.is(result.bugPatterns.length, 1);
  const replays = events.filter((e) => e.phase.kind === 'confirming a finding');
  t.true(replays.length > 0);
  t.true(
    replays.some((e) => e.batchQueries === 3),
    'the three replays of the finding are one batch',
  );
});
