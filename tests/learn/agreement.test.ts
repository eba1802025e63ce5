import test from 'ava';
import { checkAgreement, majority, randomWords, walkWords } from '../../learn/learner/agreement.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { run } from '../../learn/learner/mealy.js';
import type { OutputSymbol, SulSession, SystemUnderLearning } from '../../learn/sul.js';
import { randomMachine } from './machines.js';

/**
 * The agreement check (learn/learner/agreement.ts) against machines run as peers: a model that is the peer agrees on
 * every word; one transition changed is caught, with its word; one noisy walk in three is outvoted, two are not.
 */

const peer = randomMachine(7, 10, 4, 3, true);
const options = { seed: 3, words: 200, maxLength: 7, walks: 3 };

/** The machine with one output changed: state `s` on input `i` answers `wrong`. */
function withOutput(m: MealyMachine, s: number, i: number, wrong: OutputSymbol): MealyMachine {
  return { ...m, output: m.output.map((row, k) => (k === s ? row.map((o, j) => (j === i ? wrong : o)) : row)) };
}

/** `machine` as a SUL whose sessions answer `noise` at every step of the walks `noisy(n)` picks (n counts sessions). */
function noisySul(machine: MealyMachine, noisy: (session: number) => boolean, noise = 'timeout'): SystemUnderLearning {
  const inner = machineSul(machine, { parallel: 3 });
  let sessions = 0;
  return {
    ...inner,
    open: async (): Promise<SulSession> => {
      const bad = noisy(sessions++);
      const session = await inner.open();
      return { step: async (i) => (bad ? noise : session.step(i)), close: () => session.close() };
    },
  };
}

test('random words: distinct, from the alphabet, of length 1 to the longest, the same for a seed', (t) => {
  const words = randomWords(['a', 'b', 'c'], 5, 50, 7);
  t.is(words.length, 50);
  t.is(new Set(words.map((w) => w.join(' '))).size, 50);
  t.true(words.every((w) => w.length >= 1 && w.length <= 7 && w.every((x) => ['a', 'b', 'c'].includes(x))));
  t.deepEqual(randomWords(['a', 'b', 'c'], 5, 50, 7), words);
  t.notDeepEqual(randomWords(['a', 'b', 'c'], 6, 50, 7), words);
  t.is(randomWords(['a', 'b'], 1, 50, 2).length, 6, 'no more words than there are');
  t.throws(() => randomWords([], 1, 5, 3), { instanceOf: RangeError });
  t.throws(() => randomWords(['a'], 1, 0, 3), { instanceOf: RangeError });
});

test('majority: per step, more than half of the walks; none on a split', (t) => {
  const m = majority(
    [
      ['x', 'y', 'z'],
      ['x', 'timeout', 'timeout'],
      ['x', 'y', 'w'],
    ],
    3,
  );
  t.deepEqual(m.outputs, ['x', 'y', undefined]);
  t.deepEqual(m.votes, [3, 2, 1]);
});

test('a model that is its peer agrees on every word', async (t) => {
  const result = await checkAgreement(peer, machineSul(peer, { parallel: 4 }), options);
  t.is(result.words.length, 200);
  t.is(result.agreed, 200);
});

test('a model with one transition changed disagrees on the words through it, at that step', async (t) => {
  // The initial state's first input: every word starting with it passes there.
  const model = withOutput(peer, 0, 0, 'Wrong');
  const result = await checkAgreement(model, machineSul(peer, { parallel: 4 }), options);
  const failed = result.words.filter((w) => w.firstDifference >= 0);
  t.true(failed.length > 0);
  t.is(result.agreed, 200 - failed.length);
  for (const w of failed) {
    const k = w.firstDifference;
    t.is(w.model[k], 'Wrong');
    t.is(w.peer.outputs[k], run(peer, w.word)[k]);
    t.deepEqual(w.model.slice(0, k), w.peer.outputs.slice(0, k));
  }
});

test('one noisy walk in three is outvoted; two in three are not', async (t) => {
  // Every third session answers `timeout` to everything: sessions open in the order of the words' walks, so each
  // word's three walks include exactly one such session.
  const one = await checkAgreement(
    peer,
    noisySul(peer, (n) => n % 3 === 0),
    { ...options, words: 30 },
  );
  t.is(one.agreed, 30);
  t.true(one.words.every((w) => w.walks.filter((x) => x.every((o) => o === 'timeout')).length === 1));
  const two = await checkAgreement(
    peer,
    noisySul(peer, (n) => n % 3 !== 2),
    { ...options, words: 30 },
  );
  // The machine never answers `timeout`: two silent walks of three outvote the true answer on every word.
  t.false(peer.output.some((row) => row.includes('timeout')));
  t.is(two.agreed, 0);
  t.true(two.words.every((w) => w.firstDifference === 0 && w.peer.outputs[0] === 'timeout'));
});

test('walkWords: the words two models differ on, walked against the peer, say which model is right', async (t) => {
  const wrong = withOutput(peer, 0, 0, 'Wrong');
  const word = [peer.inputs[0]!];
  t.is((await walkWords(peer, machineSul(peer, { parallel: 2 }), [word], 3)).agreed, 1);
  const walked = await walkWords(wrong, machineSul(peer, { parallel: 2 }), [word], 3);
  t.is(walked.agreed, 0);
  t.deepEqual(walked.words[0]!.peer, { outputs: [peer.output[0]![0]], votes: [3] });
});
