import { readFileSync } from 'node:fs';
import test from 'ava';
import type { LearnPhase } from '../../learn/learner/batch-progress.js';
import { wpSuite } from '../../learn/learner/conformance.js';
import { diffModels } from '../../learn/learner/diff.js';
import { learn, LearnError } from '../../learn/learner/learn.js';
import { machineSul } from '../../learn/learner/machine-sul.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { distinguishingWord, run } from '../../learn/learner/mealy.js';
import { modelFromReport, type LearnReport } from '../../learn/learner/report.js';

/**
 * learn()'s `start`: a model's conformance tests for 0 extra states asked first, for regression runs against a peer
 * whose model is stored (tests/learn/peers.test.ts). Here the peer is OpenSSL 3.0's DTLS 1.2 server as docs/learn/
 * stores it, replayed in process, and the start model either that one or the 8-state one docs/learn/ once held
 * (tests/learn/wrong-models/), which the server refutes.
 */
const readModel = (url: URL): MealyMachine => modelFromReport(JSON.parse(readFileSync(url, 'utf8')) as LearnReport);
const stored = readModel(new URL('../../docs/learn/openssl-server12.json', import.meta.url));
const wrong = readModel(new URL('./wrong-models/openssl-server12.json', import.meta.url));
const peer = (): ReturnType<typeof machineSul> => machineSul(stored, { version: '1.2', role: 'server', parallel: 4 });
/** The docs' options at k = 0, as the regression run uses them. */
const OPTIONS = { seed: 1, budget: 100, extraStates: 0 } as const;

test("started from the peer's own model, k = 0 learns it exactly; without the start, k = 0 does not", async (t) => {
  const phases: LearnPhase['kind'][] = [];
  const started = await learn(peer(), { ...OPTIONS, start: stored, onBatch: (p) => phases.push(p.phase.kind) });
  t.is(distinguishingWord(started.model, stored), undefined);
  t.true(started.complete);
  t.is(started.coverage?.extraStates, 0);
  t.is(
    phases.find((p) => p !== 'learning'),
    'start model',
    "the start model's tests come before the oracle's",
  );
  const cold = await learn(peer(), OPTIONS);
  t.not(distinguishingWord(cold.model, stored), undefined, 'k = 0 alone misses states this peer has');
});

test('the start model only chooses words: started from a model the peer refutes, the result is not that model', async (t) => {
  const result = await learn(peer(), { ...OPTIONS, start: wrong });
  t.true(diffModels(result.model, wrong).length > 0);
  // Every test of the wrong model's suite was asked: the learned model answers each as the peer does.
  for (const word of wpSuite(wrong, 0)) t.deepEqual(run(result.model, word), run(stored, word), word.join(' '));
});

test("a run stopped while the start model's tests are asked still reports a hypothesis", async (t) => {
  const result = await learn(peer(), { ...OPTIONS, start: stored, maxQueries: 50 });
  t.false(result.complete);
  t.regex(result.stopped ?? '', /budget of 50 queries/);
  t.is(result.states, 1, "the first hypothesis, made before the start model's tests");
});

test("a start model over other inputs than the SUL's is a LearnError naming them", async (t) => {
  const fewer = { ...stored, inputs: stored.inputs.map((i) => (i === 'Finished' ? 'EmptyCertificate' : i)) };
  await t.throwsAsync(learn(peer(), { ...OPTIONS, start: fewer }), {
    instanceOf: LearnError,
    message: /lacks Finished; it has EmptyCertificate, which the SUL has not/,
  });
});
