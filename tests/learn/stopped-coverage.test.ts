import { readFileSync } from 'node:fs';
import test from 'ava';
import { wpTiers } from '../../learn/learner/conformance.js';
import type { OracleCoverage } from '../../learn/learner/equivalence-oracle.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { minimize, run } from '../../learn/learner/mealy.js';
import { neighbourhoodSuite } from '../../learn/learner/neighbourhood.js';
import type { Nondeterminism } from '../../learn/learner/query-runner.js';
import { describeCoverage, learnReport, modelFromReport } from '../../learn/learner/report.js';
import { normalHandshakes } from '../../learn/symbols.js';

/** wolfSSL's 1.2 server as docs/learn/ stores it: 7 states, no finding (so no replays after the oracle). */
const truth = minimize(
  modelFromReport(JSON.parse(readFileSync(new URL('../../docs/learn/wolfssl-server12.json', import.meta.url), 'utf8'))),
);
const options = { version: '1.2', role: 'server', parallel: 4 } as const;

/** Every test of each bound the coverage claims in full is answered by the truth as by the model. */
function claimsHold(t: { true: (v: boolean, m?: string) => void }, model: MealyMachine, c: OracleCoverage): void {
  const agree = (w: readonly string[]): boolean => run(model, w).join() === run(truth, w).join();
  if (c.extraStates !== undefined) {
    const tests = wpTiers(model, c.extraStates).flat();
    t.true(tests.length === c.conformanceTests && tests.every(agree), `up to ${c.extraStates} extra states`);
  }
  if (c.edits !== undefined) {
    const tests = [...neighbourhoodSuite(model, normalHandshakes('1.2', 'server', model.inputs), c.edits)];
    t.true(tests.length === c.editTests && tests.every(agree), `within ${c.edits} edits`);
  }
}

test('stopped by --max-queries during k = 1: the report keeps k = 0 and the edits, and k = 1 as x of y', async (t) => {
  // A full run first, to find where the suite for 1 extra state of the last hypothesis asks the peer.
  const full = machineSul(truth, options);
  const seen: { sessions: number; coverage: OracleCoverage }[] = [];
  const done = await learn(full, {
    seed: 1,
    budget: 100,
    onCoverage: (_, coverage) => seen.push({ sessions: full.counters.sessions, coverage }),
  });
  t.true(done.complete);
  const inK1 = seen.filter((s) => s.coverage.unfinished?.part.kind === 'extra-states' && s.coverage.edits === 1);
  const last = inK1.at(-1)!;
  const first = inK1.find((s) => s.sessions < last.sessions);
  t.not(first, undefined, 'the suite for 1 extra state asks the peer after its first batch');

  const r = await learn(machineSul(truth, options), { seed: 1, budget: 100, maxQueries: first!.sessions });
  t.false(r.complete);
  const c = r.coverage!;
  t.is(c.extraStates, 0);
  t.is(c.edits, 1);
  t.deepEqual(c.unfinished?.part, { kind: 'extra-states', k: 1 });
  t.true(c.unfinished!.passed < c.unfinished!.of);
  claimsHold(t, r.model, c);
  t.regex(
    describeCoverage(r),
    /^incomplete: the budget of \d+ queries is spent; passed: no counterexample up to 0 extra states, \d+ tests; within 1 edit of a normal handshake, \d+ tests \(plus \d+ random words\); 1 extra state: \d+ of \d+ more tests passed$/,
  );
  t.log(describeCoverage(r));
});

test('stopped by the time limit wherever it falls: only what finished is claimed, and it holds', async (t) => {
  // From the first hypothesis on, each step waits 200 ms: the hundreds of sessions still to come take longer than the
  // limit on any machine (the first hypothesis, in process, takes milliseconds).
  const inner = machineSul(truth, options);
  let slow = false;
  const sul = {
    ...inner,
    open: async () => {
      const s = await inner.open();
      return {
        step: async (input: string) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 200));
          return s.step(input);
        },
        close: () => s.close(),
      };
    },
  };
  const r = await learn(sul, { seed: 1, budget: 100, maxSeconds: 5, onHypothesis: () => (slow = true) });
  t.false(r.complete);
  t.regex(describeCoverage(r), /^incomplete: the time limit of 5 s is reached/);
  if (r.coverage !== undefined) claimsHold(t, r.model, r.coverage);
  t.log(describeCoverage(r));
});

test('stopped by --max-queries in the middle of a vote: that place is undecided, not noise outvoted', async (t) => {
  // Late answers on 2 % of steps, the run stopped at several points: a place whose voting had not ended is listed as
  // undecided (it used to be listed as outvoted, with a kept answer no majority had chosen); every outvoted place has
  // a confirmed answer (two votes and two more than any other, or one more than `timeout`).
  const decided = (n: Nondeterminism): boolean => {
    const kept = n.answers[n.kept] ?? 0;
    const others = Object.entries(n.answers).filter(([o]) => o !== n.kept);
    const next = Math.max(0, ...others.map(([, c]) => c));
    return kept >= 2 && (kept >= next + 2 || (others.length === 1 && others[0]![0] === 'timeout' && kept > next));
  };
  const total = (n: Nondeterminism): number => Object.values(n.answers).reduce((a, b) => a + b, 0);
  let undecided = 0;
  // Every third budget: a stop mid-vote is a stop in a repeat round, and most stops fall at a batch's start (the next
  // batch, asked ahead, takes the budget before a batch's repeats do).
  for (let maxQueries = 60; maxQueries < 700; maxQueries += 3) {
    const sul = machineSul(truth, { ...options, lateAnswers: { probability: 0.02, seed: 1 } });
    const r = await learn(sul, { seed: 1, budget: 100, maxQueries });
    for (const n of r.outvoted) t.true(decided(n), `${maxQueries}: outvoted ${n.word.join(' ')} is decided`);
    for (const n of r.undecided)
      t.true(!decided(n) && total(n) < 5, `${maxQueries}: undecided ${n.word.join(' ')} is still being voted on`);
    for (const n of r.nondeterministic) t.true(!decided(n) && total(n) >= 5);
    t.deepEqual(learnReport(r).undecided, r.undecided, 'the report lists them');
    undecided += r.undecided.length;
  }
  t.true(undecided > 0, 'some stop fell in the middle of a vote');
});

test('learn() checks maxSeconds and edits', async (t) => {
  const sul = machineSul(truth, options);
  await t.throwsAsync(learn(sul, { maxSeconds: 0 }), { message: /maxSeconds must be a number of seconds > 0/ });
  await t.throwsAsync(learn(sul, { edits: 1.5 }), { message: /edits must be a whole number >= 0 or null/ });
});
