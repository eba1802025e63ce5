import test from 'ava';
import {
  describeFlipping,
  flippingLines,
  flippingText,
  flippingVerdict,
  mannWhitneyP,
} from '../../learn/learner/flipping.js';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { ObservationTree, TreeNode } from '../../learn/learner/observation-tree.js';
import { QueryRunner } from '../../learn/learner/query-runner.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import type { TreeEdge } from '../../learn/learner/observation-tree.js';
import { timedPeer } from './timed-peer.js';

test('a peer whose answer follows a real timer: learning ends early, not converging, with the flipping words', async (t) => {
  // After H, F is answered Resent when more real time has passed since the peer's last answer than it saw at half of
  // its earlier F's after as many timeout steps (timed-peer.ts), sooner timeout; each timeout step takes 5 to 15 ms.
  const result = await learn(timedPeer({ waitMs: 10, seed: 3 }), {
    seed: 1,
    budget: 100,
    maxQueries: 5000,
  });
  t.false(result.complete);
  const stopped =
    /^the peer does not converge: its answers to the same inputs keep flipping at (\d+) places \(more than 3\); its answers depend on time, not only on the inputs \(they follow the ms since its previous answer: p = [\d.e-]+\): \S/.exec(
      result.stopped ?? '',
    );
  t.truthy(stopped, result.stopped);
  t.true(Number(stopped?.[1]) > 3);
  t.true(result.flipping.length >= 4);
  let later = 0;
  for (const f of result.flipping) {
    // Each flipping word: the handshake, then an F that is answered either way, with both answers' counts and times.
    t.true(f.word.includes('H'), f.word.join(' '));
    t.is(f.word.at(-1), 'F', f.word.join(' '));
    t.deepEqual(Object.keys(f.answers).sort(), ['Resent', 'timeout'], f.word.join(' '));
    t.true(f.answers['Resent']! >= 3 || f.answers['timeout']! >= 3);
    if (f.elapsed['Resent']!.median > f.elapsed['timeout']!.median) later++;
  }
  // The peer times its answers, the learner its steps: under load the two clocks' readings of one step differ by the
  // scheduler's delays, so a word seen a few times can have its medians the other way. Most words cannot.
  const words = result.flipping.map((f) => `${f.word.join(' ')}: ${JSON.stringify(f.elapsed)}`).join('; ');
  t.true(later * 2 > result.flipping.length, `Resent comes later in ${later} of ${result.flipping.length}: ${words}`);
  t.is(flippingVerdict(result.flipping).cause, 'time');
  // Stopped early: before, the same peer took 2,780 queries to the nondeterminism limit (20 places), at 23 states.
  t.true(result.queries <= 1500, `${result.queries} queries`);
  t.log(`${result.queries} queries, ${result.states} states, ${result.seconds.toFixed(1)} s: ${result.stopped}`);
});

test('the exact Mann-Whitney test: separated samples, interleaved ones, ties', (t) => {
  // 2 of the C(6, 3) = 20 orderings are as separated as these (either way).
  t.is(mannWhitneyP([1, 2, 3], [4, 5, 6]), 0.1);
  t.is(mannWhitneyP([7, 8, 9, 10], [1, 2, 3, 4]), 2 / 70);
  t.is(mannWhitneyP([1, 4, 5, 8], [2, 3, 6, 7]), 1);
  t.is(mannWhitneyP([0, 0, 0], [0, 0]), 1);
  t.is(mannWhitneyP([], [1]), 1);
});

/** An edge with these answers, each given at these elapsed times. */
function edgeOf(times: Record<string, number[]>, kept: string): TreeEdge {
  return {
    output: kept,
    node: new TreeNode(1, undefined, undefined, false),
    votes: new Map(Object.entries(times).map(([o, ms]) => [o, ms.length])),
    flips: 0,
    elapsed: new Map(Object.entries(times)),
  };
}

test('a place whose answers follow the elapsed time is called time-dependent; one whose answers do not, not', (t) => {
  const timed = describeFlipping(
    ['H', 'F'],
    edgeOf({ timeout: [10, 12, 20, 22, 30, 25], Resent: [51, 60, 55, 70, 65] }, 'timeout'),
  );
  // 2 of the C(11, 5) = 462 orderings are as separated.
  t.is(timed.cause, 'time');
  t.is(timed.p, Number((2 / 462).toPrecision(3)));
  t.deepEqual(timed.elapsed, { timeout: { median: 21, votes: 6 }, Resent: { median: 60, votes: 5 } });
  t.deepEqual(timed.answers, { timeout: 6, Resent: 5 });
  const noise = describeFlipping(
    ['H', 'F'],
    edgeOf({ timeout: [10, 40, 20, 55, 30], Resent: [12, 60, 25, 35] }, 'timeout'),
  );
  t.is(noise.cause, 'unknown');
  t.is(flippingVerdict([noise, noise, noise]).cause, 'unknown');
  t.is(
    flippingVerdict([timed, noise]).cause,
    'unknown',
    'one place at p = 0.0043 and one at chance: not enough together',
  );
  t.is(flippingVerdict([timed, timed, noise]).cause, 'time');
  // What the DOT's note and `dtls13 learn`'s stderr say.
  t.deepEqual(flippingLines([timed, timed]), [
    `does not converge: the answers keep flipping at 2 places; its answers depend on time, not only on the inputs (they follow the ms since its previous answer: p = ${flippingVerdict([timed, timed]).p})`,
    'flipping: H F (timeout 6x after 21 ms, Resent 5x after 60 ms)',
    'flipping: H F (timeout 6x after 21 ms, Resent 5x after 60 ms)',
  ]);
  t.regex(
    flippingLines([noise])[0]!,
    /; it is nondeterministic \(its answers do not follow the ms since its previous answer: p = /,
  );
  t.deepEqual(flippingLines([]), []);
});

test('a place whose times cannot differ (a first input, 0 ms in every vote) says nothing about time', (t) => {
  // Erlang/OTP's server left a quarter of first ClientHellos unanswered: every vote at 0 ms since the session's start.
  const first = describeFlipping(
    ['ClientHello'],
    edgeOf({ HelloVerifyRequest: [0, 0, 0, 0, 0], timeout: [0, 0] }, 'HelloVerifyRequest'),
  );
  t.false(first.timed);
  t.is(first.cause, 'unknown');
  t.is(flippingVerdict([first]).places, 0);
  t.regex(flippingLines([first])[0]!, /; whether its answers depend on time is not known \(/);
  t.notRegex(flippingLines([first])[0]!, /do not follow/);
  // Left out of Fisher's combination: two time-dependent places stay time-dependent beside it.
  const timed = describeFlipping(
    ['H', 'F'],
    edgeOf({ timeout: [10, 12, 20, 22, 30, 25], Resent: [51, 60, 55, 70, 65] }, 'timeout'),
  );
  t.true(timed.timed);
  t.deepEqual(flippingVerdict([timed, timed, first]), flippingVerdict([timed, timed]));
  // One answer never timed: no evidence either.
  t.false(describeFlipping(['H'], edgeOf({ A: [1, 5, 9], B: [] }, 'A')).timed);
});

test("a place right after an answer (an ACK on the peer's timer) has no median times: it is untimed", async (t) => {
  // wolfSSL's 1.3 server's flipping place (docs/learn-peers.md): `c` comes right after the answer to `b`, and the peer
  // acknowledges it on a timer of its own, within the wait in every other session. Every vote is 0 ms after the
  // peer's previous answer, so the times cannot tell ACK from timeout; a median of 0 ms per answer used to be shown.
  const truth: MealyMachine = {
    inputs: ['a', 'b', 'c'],
    next: [
      [1, 0, 0],
      [1, 2, 1],
      [2, 2, 2],
    ],
    output: [
      ['A', 'x', 'x'],
      ['A', 'B', 'x'],
      ['x', 'x', 'timeout'],
    ],
  };
  const inner = machineSul(truth, { parallel: 2 });
  let sessions = 0;
  const sul: SystemUnderLearning = {
    ...inner,
    open: async () => {
      const acknowledged = sessions++ % 2 === 1;
      const s = await inner.open();
      let step = 0;
      return {
        step: async (input) => {
          const out = await s.step(input);
          return step++ === 2 && acknowledged ? 'ACK' : out;
        },
        close: () => s.close(),
      };
    },
  };
  const runner = new QueryRunner(sul, new ObservationTree(true, 9));
  await runner.confirm([['a', 'b', 'c']]);
  const [place, ...more] = runner.flippingPlaces;
  t.deepEqual(more, []);
  t.deepEqual(place?.word, ['a', 'b', 'c']);
  t.false(place?.timed);
  t.deepEqual(place?.elapsed, {}, 'no median where every vote came 0 ms after an answer');
  t.regex(flippingText(place!), /^a b c \((timeout|ACK) [45]x, (timeout|ACK) [45]x\)$/);
});
