import test from 'ava';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { distinguishingWord, run } from '../../learn/learner/mealy.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { ObservationTree } from '../../learn/learner/observation-tree.js';
import { AnswersKeepChanging, QueryRunner } from '../../learn/learner/query-runner.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { randomMachine } from './machines.js';

/** The machine's SUL, with some answers replaced: `change(session, step, output)` (session and step count from 0). */
function disturbed(
  truth: MealyMachine,
  parallel: number,
  change: (session: number, step: number, output: string) => string,
): SystemUnderLearning {
  const inner = machineSul(truth, { parallel });
  let sessions = 0;
  return {
    ...inner,
    open: async () => {
      const session = sessions++;
      const s = await inner.open();
      let step = 0;
      return { step: async (input) => change(session, step++, await s.step(input)), close: () => s.close() };
    },
  };
}

test('a rare wrong answer (as a retransmission would give) is outvoted and reported; the model is exact', async (t) => {
  const truth = randomMachine(21, 12, 4);
  // Every 40th session answers its second input wrongly.
  const sul = disturbed(truth, 4, (session, step, output) => (session % 40 === 39 && step === 1 ? 'glitch' : output));
  const result = await learn(sul, { seed: 2, budget: 800 });
  t.is(distinguishingWord(result.model, truth), undefined);
  t.true(result.outvoted.length > 0, 'the disagreements are reported');
  t.deepEqual(result.nondeterministic, [], 'none persisted');
  for (const n of result.outvoted) {
    t.is(n.kept, run(truth, n.word)[n.word.length - 1]!, `the majority kept the true answer to ${n.word.join(' ')}`);
    t.true((n.answers['glitch'] ?? 0) >= 1);
  }
  t.true(result.repeats > 0);
});

test('a transition that really answers at random is reported, and learning still ends', async (t) => {
  const truth = randomMachine(22, 8, 4);
  let coin = 0;
  // In the state after i0, i1 answers 'a' or 'b' in turns of three: no answer has a steady majority.
  const sul = disturbed(truth, 2, (_session, step, output) =>
    step === 1 && output === run(truth, ['i0', 'i1'])[1] ? (coin++ % 6 < 3 ? 'a' : 'b') : output,
  );
  const result = await learn(sul, { seed: 4, budget: 300, maxQueries: 20_000 });
  // Where a run of three outvoted the other answer it is reported as outvoted, elsewhere as persisting, and where
  // both answers keep coming back as flipping.
  const seen = [...result.flipping, ...result.nondeterministic, ...result.outvoted];
  t.true(seen.length > 0);
  t.true(
    seen.some((n) => 'a' in n.answers && 'b' in n.answers),
    'both answers are counted',
  );
});

/** A machine's SUL where a third of all answers are 'x' instead of the machine's (a fixed pseudo-random sequence). */
function atRandom(): SystemUnderLearning {
  const truth = randomMachine(23, 6, 3);
  let coin = 7;
  return disturbed(truth, 4, (_session, _step, output) =>
    (coin = (coin * 1103515245 + 12345) % 2147483648) % 3 === 0 ? 'x' : output,
  );
}

test('a peer that answers every input at random ends learning early: it does not converge, the places named', async (t) => {
  const result = await learn(atRandom(), { seed: 6, budget: 200, maxQueries: 30_000 });
  t.false(result.complete);
  // More than 3 places (the default maxFlipping) where the 'x' keeps coming back, each named with its votes. The machine
  // answers at once, every vote 0 ms after the previous answer, so its times cannot tell time from chance.
  t.regex(
    result.stopped ?? '',
    /^the peer does not converge: its answers to the same inputs keep flipping at \d+ places \(more than 3\); whether its answers depend on time is not known/,
  );
  t.true(result.flipping.length > 3);
  for (const f of result.flipping)
    t.true((f.answers['x'] ?? 0) >= 3 || (f.answers[f.kept] ?? 0) >= 3, f.word.join(' '));
  t.true(result.queries < 30_000 / 4, `${result.queries} queries`);
  t.log(result.stopped);
});

test('a peer that answers every input at random, without the flipping limit, ends on the nondeterminism limits', async (t) => {
  const result = await learn(atRandom(), { seed: 6, budget: 200, maxQueries: 30_000, maxFlipping: Infinity });
  t.false(result.complete);
  t.true(result.nondeterministic.length > 0);
  // Early, with the places that keep changing, long before the query budget.
  // Either more than 20 places voted on to the limit, or words no round answered alike: named, never "0 places".
  const places =
    /answers keep changing(?: at (\d+) places \(more than 20\),|: \d+ words? got no steady answer in \d+ rounds of asking, at (\d+) places?): \S/.exec(
      result.stopped ?? '',
    );
  t.truthy(places, result.stopped);
  t.true(Number(places?.[1] ?? places?.[2]) > 0);
  t.true(result.queries < 30_000 / 4, `${result.queries} queries`);
  t.log(result.stopped);
});

test('answers that flip while identification runs never throw out of learn() (witness is not iterable)', async (t) => {
  // The majority of repeated answers can overrule an answer that made two basis nodes apart; identification then found
  // no witness for them and threw a TypeError. Flipping o0 and o1 in runs of sessions reaches that on these machines.
  for (let seed = 140; seed < 150; seed++) {
    const truth = randomMachine(seed, 6, 3, 2);
    let answered = 0;
    const period = 2 + (seed % 5);
    const sul = disturbed(truth, 1, (_session, step, output) => {
      answered++;
      const flip = step >= 1 && Math.floor(answered / period) % 2 === 0 && (seed + step) % 2 === 0;
      return flip ? (output === 'o0' ? 'o1' : 'o0') : output;
    });
    const result = await learn(sul, { seed, budget: 100, maxQueries: 5000 });
    t.true(result.states >= 1, `seed ${seed}: a model`);
    t.true(result.nondeterministic.length + result.flipping.length > 0, `seed ${seed}: the flips are reported`);
  }
});

test('an answer the peer never gives twice (a flight split differently each time) ends in a model, not a TypeError', async (t) => {
  // After i0 i2 each session gets its own answer, so no vote is ever won there: the tree used to keep its first
  // answer and never the rest of any word through it, a basis node beyond it had no children, and hypothesis() read
  // `.node` of undefined (the Erlang/OTP crash). Machines 1 and 9 reached it.
  for (const m of [1, 9]) {
    const truth = randomMachine(m, 6, 3, 3);
    const inner = machineSul(truth);
    let sessions = 0;
    const split: SystemUnderLearning = {
      ...inner,
      open: async () => {
        const session = sessions++;
        const s = await inner.open();
        const asked: string[] = [];
        return {
          step: async (input) => {
            asked.push(input);
            const output = await s.step(input);
            return asked.join(' ') === 'i0 i2' ? `${output}/${session}` : output;
          },
          close: () => s.close(),
        };
      },
    };
    const result = await learn(split, { seed: 1, budget: 50, maxQueries: 5000 });
    t.true(result.states >= 1, `machine ${m}: a model`);
    const place = result.nondeterministic.find((n) => n.word.join(' ') === 'i0 i2');
    t.truthy(place, `machine ${m}: i0 i2 is reported as nondeterministic`);
    t.true(Object.keys(place?.answers ?? {}).length >= 3, `machine ${m}: with the answers it got`);
  }
});

test('a word no round answers alike ends learning with the words and places that keep changing, never "0 places"', async (t) => {
  // One state answering `o` to `i`. After a first clean session, session n is late (answers `timeout`) from step n - 1
  // on: each round confirms one more answer of the 24-input word and disagrees at the next, so no answer stays
  // undecided long enough to be voted on to the limit (none is nondeterministic), and the word is still open when
  // the round limit is reached. The message used to name the places counted nondeterministic: "at 0 places: ".
  const word = Array.from({ length: 24 }, () => 'i');
  let sessions = 0;
  const sul: SystemUnderLearning = {
    version: '1.3',
    role: 'server',
    inputs: ['i'],
    parallel: 1,
    open: async () => {
      const late = sessions++ === 0 ? Infinity : sessions - 2;
      let step = 0;
      return { step: async () => (step++ >= late ? 'timeout' : 'o'), close: async () => undefined };
    },
    close: async () => undefined,
  };
  const runner = new QueryRunner(sul, new ObservationTree());
  await runner.ensure([word]);
  const e = await t.throwsAsync(runner.confirm([word]), { instanceOf: AnswersKeepChanging });
  t.deepEqual(runner.nondeterministic, [], 'no place was voted on to the limit');
  t.is(
    e?.message,
    "the peer's answers keep changing: 1 word got no steady answer in 21 rounds of asking, at 1 place: " +
      `${word.slice(0, 21).join(' ')} (o 1x, timeout 1x)`,
  );
  t.deepEqual(
    e?.words.map((n) => [n.word.length, n.answers]),
    [[21, { o: 1, timeout: 1 }]],
  );
  t.notRegex(e?.message ?? '', /\b0 places/);
});

/**
 * wolfSSL's 1.3 server's pattern (docs/learn-peers.md): after `a b` the peer acknowledges `c` on a timer, inside the
 * wait in some sessions (`ACK`) and after it in most (`timeout`), and `d` then ends the session (`closed`). The first
 * session to ask the word was late from `d` on (`timeout` to `d` and after): its answers below `d` went into the tree
 * before `closed` led there. Every later session stops at that closed node, so those answers got no second vote and
 * held the word open: "1 word got no steady answer in 21 rounds of asking, at 1 place: a b c d (timeout 1x, closed
 * 19x)", a place answered `closed` 19 times to 1.
 */
const TIMER_ACK: MealyMachine = {
  inputs: ['a', 'b', 'c', 'd'],
  // s0 -a-> s1 -b-> s2 -c-> s3 -d-> closed; every other input leaves the state as it is.
  next: [
    [1, 0, 0, 0],
    [1, 2, 1, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 4],
    [4, 4, 4, 4],
  ],
  output: [
    ['A', 'x', 'x', 'x'],
    ['A', 'B', 'x', 'x'],
    ['x', 'x', 'timeout', 'x'],
    ['x', 'x', 'x', 'closed'],
    ['closed', 'closed', 'closed', 'closed'],
  ],
};

function timerAck(): SystemUnderLearning {
  let lateFrom = -1;
  return disturbed(TIMER_ACK, 4, (session, step, output) => {
    if (session === 0 && step === 3) lateFrom = 3; // the first session's answer to `d` comes after the wait
    if (session === 0 && lateFrom >= 0 && step >= lateFrom) return 'timeout';
    // Every third session sees the ACK of `c` within the wait.
    return step === 2 && output === 'timeout' && session % 3 === 1 ? 'ACK' : output;
  });
}

test('answers a session gave below an answer later outvoted by `closed` do not hold the word open', async (t) => {
  const word = ['a', 'b', 'c', 'd', 'a', 'b'];
  const tree = new ObservationTree();
  const runner = new QueryRunner(timerAck(), tree, Infinity, Infinity, undefined, 3);
  await runner.confirm([word]);
  t.deepEqual(tree.answers(word), ['A', 'B', 'timeout', 'closed', 'closed', 'closed']);
  const path = tree.path(word);
  t.deepEqual(Object.fromEntries(path[3]!.votes), { timeout: 1, closed: 2 }, 'the late answer outvoted');
  t.true(path.every((e) => tree.settled(e)));
  t.deepEqual(
    runner.disagreements().outvoted.map((n) => n.word.join(' ')),
    ['a b c', 'a b c d'],
    'the places voted on are listed; the dropped answers below `d` are not places',
  );
  t.true(runner.stats.queries <= 4, `${runner.stats.queries} sessions`);
});

test('the timer-acknowledging peer is learned exactly, complete', async (t) => {
  const result = await learn(timerAck(), { seed: 1, budget: 50 });
  t.true(result.complete, result.stopped);
  t.is(distinguishingWord(result.model, TIMER_ACK), undefined);
});
