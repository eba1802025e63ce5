import { readFileSync } from 'node:fs';
import test from 'ava';
import { learn } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { distinguishingWord, minimize, run, stateAfter } from '../../learn/learner/mealy.js';
import { editNeighbours, neighbourhoodSuite } from '../../learn/learner/neighbourhood.js';
import { stateIdentifiers, wpSuite } from '../../learn/learner/conformance.js';
import { describeCoverage, modelFromReport } from '../../learn/learner/report.js';
import { normalHandshakes } from '../../learn/symbols.js';

const stored = (name: string): MealyMachine =>
  minimize(modelFromReport(JSON.parse(readFileSync(new URL(`../../docs/learn/${name}`, import.meta.url), 'utf8'))));
const covers = (tests: readonly string[][], word: readonly string[]): boolean =>
  tests.some((t) => word.every((x, i) => t[i] === x));
/** The word GnuTLS 3.7.9's 14-state model answered wrongly (the issue): the 1.2 handshake with CKE and CCS swapped. */
const GNUTLS_WORD = ['ClientHello', 'ClientHelloWithCookie', 'ChangeCipherSpec', 'ClientKeyExchange', 'Finished'];
const seedsOf = (h: MealyMachine): string[][] => normalHandshakes('1.2', 'server', h.inputs);

/** The optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions, each substring once). */
function osa(a: readonly string[], b: readonly string[]): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

test('edit neighbours: exactly the words within one edit (substitution, insertion, deletion, adjacent swap)', (t) => {
  const inputs = ['a', 'b', 'c'];
  const seed = ['a', 'b', 'c', 'c'];
  const found = new Set(editNeighbours([seed], inputs, 1).map((w) => w.join('')));
  const all: string[][] = [[]];
  for (let k = 0; k < all.length && all[k]!.length < seed.length + 1; k++)
    for (const i of inputs) all.push([...all[k]!, i]);
  const want = new Set(all.filter((w) => osa(w, seed) <= 1).map((w) => w.join('')));
  t.deepEqual([...found].sort(), [...want].sort());
  t.true(found.has('acbc') && found.has('abc') && found.has('abcca') && found.has('bbcc'));
});

test('the neighbourhood: every word within an edit of a seed, whole, then each identifier of the state it reaches', (t) => {
  const h = stored('wolfssl-server12.json');
  const seeds = seedsOf(h);
  const tests = [...neighbourhoodSuite(h, seeds, 1)];
  const ids = stateIdentifiers(h);
  for (const word of editNeighbours(seeds, h.inputs, 1)) {
    for (const w of ids[stateAfter(h, word)]!) {
      const full = [...word, ...w];
      const closedAt = run(h, full).indexOf('closed');
      t.true(covers(tests, closedAt < 0 ? full : full.slice(0, closedAt + 1)), full.join(' '));
    }
  }
});

test("the issue's GnuTLS word: 7-state wolfSSL model, k = 1 does not ask it, k = 2 and one edit do; one edit on every model", (t) => {
  const h = stored('wolfssl-server12.json');
  t.false(covers([...wpSuite(h, 1)], GNUTLS_WORD));
  t.true(covers([...wpSuite(h, 2)], GNUTLS_WORD));
  t.true(covers([...neighbourhoodSuite(h, seedsOf(h), 1)], GNUTLS_WORD));
  t.false(covers([...neighbourhoodSuite(h, seedsOf(h), 0)], GNUTLS_WORD), 'the seeds alone do not');
  // On every stored 1.2 server model, one edit asks it (up to the model's first `closed`), whatever k would.
  for (const name of ['openssl', 'gnutls', 'wolfssl', 'mbedtls', 'dtls13'].map((p) => `${p}-server12.json`)) {
    const m = stored(name);
    const closedAt = run(m, GNUTLS_WORD).indexOf('closed');
    const asked = closedAt < 0 ? GNUTLS_WORD : GNUTLS_WORD.slice(0, closedAt + 1);
    t.true(covers([...neighbourhoodSuite(m, seedsOf(m), 1)], asked), name);
  }
});

/**
 * The stored model with a state only `word` reaches: fresh copies of the states along the word (each as its original,
 * transitions back into the model), so only a session that sends the whole word leaves the model, and the last input
 * answered `answer` instead of the model's.
 */
function hiddenAfter(m: MealyMachine, word: readonly string[], answer: string): MealyMachine {
  const next = m.next.map((row) => [...row]);
  const output = m.output.map((row) => [...row]);
  let from = 0;
  let original = 0;
  word.forEach((input, k) => {
    const i = m.inputs.indexOf(input);
    const reached = m.next[original]![i]!;
    if (k === word.length - 1) {
      output[from]![i] = answer;
      return;
    }
    const copy = next.length;
    next.push([...m.next[reached]!]);
    output.push([...m.output[reached]!]);
    next[from]![i] = copy;
    [from, original] = [copy, reached];
  });
  return { inputs: m.inputs, next, output };
}

const ONE_DOT_TWO = { version: '1.2', role: 'server', parallel: 4 } as const;

test('a state behind the transposed 1.2 handshake (wolfSSL model): k = 1 alone passes a wrong model, the default learns it', async (t) => {
  const truth = hiddenAfter(stored('wolfssl-server12.json'), GNUTLS_WORD, 'ChangeCipherSpec+Finished');
  t.not(distinguishingWord(truth, stored('wolfssl-server12.json')), undefined);
  const k1 = await learn(machineSul(truth, ONE_DOT_TWO), { seed: 1, budget: 100, edits: null });
  t.true(k1.complete);
  t.not(distinguishingWord(k1.model, truth), undefined, 'k = 1 without the neighbourhood: a wrong model passes');
  const r = await learn(machineSul(truth, ONE_DOT_TWO), { seed: 1, budget: 100 });
  t.true(r.complete);
  t.is(distinguishingWord(r.model, truth), undefined, 'the default learns it exactly');
  t.is(r.states, minimize(truth).next.length);
  t.is(r.coverage?.edits, 1);
  t.regex(
    describeCoverage(r),
    /^complete: no counterexample up to 1 extra state, \d+ tests; within 1 edit of a normal handshake, \d+ tests \(plus \d+ random words\)$/,
  );
  t.log(
    `k = 1 alone: ${k1.states} states, ${k1.queries} queries; default: ${describeCoverage(r)}; ${r.queries} queries`,
  );
});

test('a state behind the whole transposed handshake (GnuTLS model): k = 1 alone misses it, the default learns it', async (t) => {
  const word = [...GNUTLS_WORD, 'ApplicationData'];
  const model = stored('gnutls-server12.json');
  t.false(covers([...wpSuite(model, 1)], word));
  const truth = hiddenAfter(model, word, 'ApplicationData');
  const k1 = await learn(machineSul(truth, ONE_DOT_TWO), { seed: 1, budget: 100, edits: null });
  t.true(k1.complete);
  t.not(distinguishingWord(k1.model, truth), undefined, 'k = 1 without the neighbourhood: a wrong model passes');
  const r = await learn(machineSul(truth, ONE_DOT_TWO), { seed: 1, budget: 100 });
  t.is(distinguishingWord(r.model, truth), undefined, 'the default learns it exactly');
  t.log(`k = 1 alone: ${k1.states} states, ${k1.queries} queries; default: ${r.states} states, ${r.queries} queries`);
});
