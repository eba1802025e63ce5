import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { walkWords, type WordAgreement } from '../../learn/learner/agreement.js';
import { wpSuite } from '../../learn/learner/conformance.js';
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { modelFromReport } from '../../learn/learner/report.js';
import { openServerSul } from '../../learn/mapper/server-sul.js';
import { referenceServer } from '../../learn/mapper/reference.js';
import { restrictInputs, type InputSymbol, type SystemUnderLearning } from '../../learn/sul.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/**
 * The stored models of dtls13's own servers (docs/learn/dtls13-server12.json, dtls13-server13.json: the handshake
 * alphabets) against the servers of this tree, over real UDP, without learning: each model's conformance tests for 0
 * extra states (every transition, the state it reaches told apart from every other; conformance.ts), the tests that are
 * a prefix of a longer one left out, walked once each, 8 at a time. A word whose walk differs from the model is walked
 * 3 times more and fails the test when their majority differs too (one late answer is not a disagreement). A server
 * changed since its model was stored fails here in seconds, where relearning it takes minutes.
 *
 * The check can fail: the 1.2 model stored before dtls13's 1.2 server dropped plaintext handshake messages while it
 * waits for the client's ChangeCipherSpec (tests/dtls12/forged-finished12.test.ts) answers them
 * `Alert(unexpected_message)`, and the server `timeout` (tests/learn/wrong-models/dtls13-server12.json).
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const server = { cert: certificateToPem(id.chain[0]!), key: privateKeyToPem(id.privateKey) };
/** Each check's limit: about 10 s at a load average of 10 (the 1.3 model's 140 words). */
const LIMIT_MS = 120_000;

function storedModel(url: URL): MealyMachine {
  return modelFromReport(JSON.parse(readFileSync(url, 'utf8')) as Parameters<typeof modelFromReport>[0]);
}

/** The model's tests for 0 extra states, without those that a longer test starts with. */
function conformanceWords(model: MealyMachine): InputSymbol[][] {
  const suite = [...wpSuite(model, 0)];
  const starts = (long: readonly InputSymbol[], short: readonly InputSymbol[]): boolean =>
    long.length > short.length && short.every((input, k) => long[k] === input);
  return suite.filter((w) => !suite.some((longer) => starts(longer, w)));
}

/** The words whose majority of 3 more walks still differs from the model (the words walked once that differed). */
async function disagreements(model: MealyMachine, sul: SystemUnderLearning): Promise<WordAgreement[]> {
  const once = await walkWords(model, sul, conformanceWords(model), 1);
  const differing = once.words.filter((w) => w.firstDifference >= 0).map((w) => w.word);
  if (differing.length === 0) return [];
  return (await walkWords(model, sul, differing, 3)).words.filter((w) => w.firstDifference >= 0);
}

async function againstOwnServer<T>(
  version: '1.2' | '1.3',
  model: MealyMachine,
  work: (sul: SystemUnderLearning) => Promise<T>,
): Promise<T> {
  const peer = await referenceServer({ version, ...server });
  const sul = await openServerSul({ host: peer.host, port: peer.port, version, parallel: 8, waitMs: 200 });
  try {
    return await work(restrictInputs(sul, model.inputs));
  } finally {
    await sul.close();
    await peer.close();
  }
}

function describe(d: WordAgreement): string {
  const k = d.firstDifference;
  return `${d.word.join(' ')}: step ${k + 1} model ${d.model[k]}, server ${d.peer.outputs[k] ?? '(no majority)'} (${d.walks.map((w) => w[k]).join(', ')})`;
}

async function check(t: ExecutionContext, version: '1.2' | '1.3', file: string): Promise<void> {
  t.timeout(LIMIT_MS);
  const model = storedModel(new URL(`../../docs/learn/${file}`, import.meta.url));
  const started = Date.now();
  const found = await againstOwnServer(version, model, (sul) => disagreements(model, sul));
  t.log(`${file}: ${conformanceWords(model).length} words, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.deepEqual(found.map(describe), [], `the server is not the stored model ${file}`);
}

test.serial("docs/learn/dtls13-server12.json is dtls13's 1.2 server on every transition", (t) =>
  check(t, '1.2', 'dtls13-server12.json'),
);

test.serial("docs/learn/dtls13-server13.json is dtls13's 1.3 server on every transition", (t) =>
  check(t, '1.3', 'dtls13-server13.json'),
);

test.serial(
  "the 1.2 model stored before plaintext messages awaiting ChangeCipherSpec were dropped: its 4 words' answers",
  async (t) => {
    t.timeout(LIMIT_MS);
    const old = storedModel(new URL('./wrong-models/dtls13-server12.json', import.meta.url));
    const found = await againstOwnServer('1.2', old, (sul) => disagreements(old, sul));
    // Each differs at its first message after the ClientKeyExchange (application data there changes nothing).
    const after = /^ClientHello ClientHelloWithCookie ClientKeyExchange( ApplicationData)* (\w+)$/;
    const inputs = found.map((d) => after.exec(d.word.slice(0, d.firstDifference + 1).join(' '))?.[2]);
    t.deepEqual([...new Set(inputs)].sort(), ['ClientHello', 'ClientHelloWithCookie', 'ClientKeyExchange', 'Finished']);
    for (const d of found) {
      t.is(d.model[d.firstDifference], 'Alert(unexpected_message)');
      t.is(d.peer.outputs[d.firstDifference], 'timeout');
    }
  },
);
