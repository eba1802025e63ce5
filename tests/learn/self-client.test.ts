import test from 'ava';
import { findBugPatterns } from '../../learn/learner/bug-patterns.js';
import { learn, type LearnResult } from '../../learn/learner/learn.js';
import { describeCoverage } from '../../learn/learner/report.js';
import { openClientSul } from '../../learn/mapper/client-sul.js';
import { referenceClient } from '../../learn/mapper/reference.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/** A run's limit: ava's own 5 minutes without a test ending would cut a learning run on a loaded machine short. */
const LEARN_LIMIT_MS = 20 * 60_000;

/**
 * dtls13 learns its own client over real UDP, in both versions: `dtls13 client` (the package's dist/cli/main.js,
 * which CI builds from this source; under tsx each start costs twice the CPU), started once per session with the
 * session's port, trusting the CA of the certificate the mapper's server side presents. The alphabets are reduced to
 * the server flight's messages (no HelloRetryRequest or HelloVerifyRequest), application data and one alert, to keep
 * CI time down: every query starts a client process. The model must be complete, with the
 * client's Finished seen (`dtls13 client` prints what it receives and echoes nothing, so no state echoes) and
 * show no bug pattern, confirmed or in the model. The conformance test runs at k = 0 (every transition followed by the
 * words that identify its target: the model is the client's unless the client has more states than it): at k = 1 it
 * took 11 minutes for 1.3 alone on the 2-core machine, each of its tests a client process; tests/learn/conformance
 * checks k = 1 itself.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const ALERT = 'Alert(unexpected_message)';
const INPUTS = {
  '1.3': [
    'ServerHello',
    'EncryptedExtensions',
    'Certificate',
    'CertificateVerify',
    'Finished',
    'ApplicationData',
    ALERT,
  ],
  '1.2': [
    'ServerHello',
    'Certificate',
    'ServerKeyExchange',
    'ServerHelloDone',
    'ChangeCipherSpec',
    'Finished',
    'ApplicationData',
    ALERT,
  ],
} as const;

function reduced(sul: SystemUnderLearning, inputs: readonly string[]): SystemUnderLearning {
  for (const i of inputs) if (!sul.inputs.includes(i)) throw new Error(`${i} is not an input of the mapper`);
  return { ...sul, inputs, open: () => sul.open(), close: () => sul.close() };
}

async function learnOwnClient(version: '1.2' | '1.3'): Promise<LearnResult> {
  const client = referenceClient({ version, ca: id.caDer });
  const sul = await openClientSul({
    host: '127.0.0.1',
    port: 0,
    version,
    parallel: 4,
    clientCommand: client.command,
    cert: id.chain,
    key: id.privateKey,
  });
  try {
    return await learn(reduced(sul, INPUTS[version]), { seed: 1, budget: 40, extraStates: 0 });
  } finally {
    await sul.close();
    client.close();
  }
}

for (const version of ['1.3', '1.2'] as const) {
  test.serial(
    `dtls13's own ${version} client is learned over UDP: complete, its Finished seen, no bug pattern`,
    async (t) => {
      t.timeout(LEARN_LIMIT_MS);
      const r = await learnOwnClient(version);
      t.log(
        `${version} client: ${r.states} states, ${r.transitions} transitions, ${r.queries} queries, ${r.seconds.toFixed(1)} s, nondeterministic ${r.nondeterministic.length}, unconfirmed ${r.unconfirmed.length}`,
      );
      for (const n of r.nondeterministic) t.log(`nondeterministic: ${n.word.join(' ')} ${JSON.stringify(n.answers)}`);
      t.log(describeCoverage(r));
      t.true(r.complete);
      t.is(r.coverage?.extraStates, 0);
      // 1.3: our Finished is answered with the client's; 1.2: our ServerHelloDone with ClientKeyExchange+...+Finished.
      const finished = r.model.output.some((row) => row.some((o) => o.split('+').includes('Finished')));
      t.true(finished, "the client's Finished is in the model: the handshake's cryptography held");
      t.deepEqual(r.bugPatterns, []);
      t.deepEqual(findBugPatterns(r.model, r), []);
    },
  );
}
