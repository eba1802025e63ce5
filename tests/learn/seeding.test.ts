import test from 'ava';
import { learn, LearnError } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import { distinguishingWord } from '../../learn/learner/mealy.js';
import { seedTests } from '../../learn/learner/equivalence-oracle.js';
import { INPUTS_12_SERVER, normalHandshakes } from '../../learn/symbols.js';
import { machineOf } from './machines.js';

/**
 * A DTLS 1.2 server whose connection needs ClientKeyExchange, ChangeCipherSpec and Finished in exactly that order after
 * its flight (anything else there is a fatal alert): the random Wp oracle alone rarely sends that, the normal handshake
 * seed always does.
 */
const alert = 'Alert(unexpected_message)';
const steps: [string, string, string, string][] = [
  ['s0', 'ClientHello', 'HelloVerifyRequest', 'hello'],
  ['hello', 'ClientHelloWithCookie', 'ServerHello+Certificate+ServerKeyExchange+ServerHelloDone', 'flight'],
  ['flight', 'ClientKeyExchange', 'timeout', 'keyed'],
  ['keyed', 'ChangeCipherSpec', 'timeout', 'ccs'],
  ['ccs', 'Finished', 'ChangeCipherSpec+Finished', 'connected'],
  ['connected', 'ApplicationData', 'ApplicationData', 'connected'],
];
const strict = (['flight', 'keyed', 'ccs'] as const).flatMap((s) =>
  INPUTS_12_SERVER.filter((i) => !steps.some(([f, x]) => f === s && x === i)).map(
    (i): [string, string, string, string] => [s, i, alert, 'closed'],
  ),
);
const truth = machineOf(INPUTS_12_SERVER, [...steps, ...strict]);
const echoes = (output: readonly (readonly string[])[]): boolean =>
  output.some((row) => row.includes('ApplicationData'));

test('without seeds or conformance test a small random budget misses the 1.2 handshake completion', async (t) => {
  const result = await learn(machineSul(truth, { version: '1.2', role: 'server', parallel: 4 }), {
    seed: 1,
    budget: 40,
    seeds: [],
    extraStates: null,
  });
  t.false(echoes(result.model.output), 'no state echoes application data');
  t.not(distinguishingWord(result.model, truth), undefined);
});

test('without seeds the conformance test (k = 1, the default) finds the connected state', async (t) => {
  const result = await learn(machineSul(truth, { version: '1.2', role: 'server', parallel: 4 }), {
    seed: 1,
    budget: 40,
    seeds: [],
  });
  t.true(echoes(result.model.output), 'a state echoes application data');
  t.is(distinguishingWord(result.model, truth), undefined);
});

test('seeded with the normal 1.2 handshake (the default), the same budget learns the connected state exactly', async (t) => {
  const result = await learn(machineSul(truth, { version: '1.2', role: 'server', parallel: 4 }), {
    seed: 1,
    budget: 40,
  });
  t.true(echoes(result.model.output), 'a state echoes application data');
  t.is(distinguishingWord(result.model, truth), undefined);
});

test('seed tests: each seed word and every one-symbol extension of its prefixes, once', (t) => {
  const tests = seedTests(
    [
      ['a', 'b'],
      ['a', 'c'],
    ],
    ['a', 'b', 'c'],
  );
  const keys = tests.map((w) => w.join(' '));
  t.deepEqual(new Set(keys).size, keys.length);
  for (const w of ['a b', 'a c', 'a a', 'a b a', 'a b c', 'a c b']) t.true(keys.includes(w), w);
});

test('normal handshakes: only those the alphabet spells; a seed outside the alphabet is a LearnError', async (t) => {
  t.true(normalHandshakes('1.2', 'server', INPUTS_12_SERVER).length > 0);
  t.deepEqual(normalHandshakes('1.2', 'server', ['i0', 'i1']), []);
  const sul = machineSul(truth, { version: '1.2', role: 'server' });
  await t.throwsAsync(learn(sul, { seeds: [['ClientHello', 'NoSuchInput']] }), {
    instanceOf: LearnError,
    message: /NoSuchInput/,
  });
});
