import test from 'ava';
import { learn, type LearnResult } from '../../learn/learner/learn.js';
import { findBugPatterns } from '../../learn/learner/bug-patterns.js';
import { describeCoverage } from '../../learn/learner/report.js';
import { openServerSul } from '../../learn/mapper/server-sul.js';
import { referenceServer } from '../../learn/mapper/reference.js';
import type { SystemUnderLearning } from '../../learn/sul.js';
import { SERVER_STEPS } from '../../runtime/dtls13/server-handshake.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { makeIdentity } from '../support/pki-fixtures.js';

/** A run's limit: ava's own 5 minutes without a test ending would cut a learning run on a loaded machine short. */
const LEARN_LIMIT_MS = 20 * 60_000;

/**
 * dtls13 learns itself over real UDP: its own 1.3 and 1.2 servers (`referenceServer`, an echo server), 8 sessions at
 * once, the oracle seeded with the normal handshakes (the default). The alphabets are reduced to the handshake's
 * messages, application data and one alert, to keep CI time reasonable (the full 1.3 alphabet took 119 s). Then a
 * broken dtls13: its 1.3 server's step for the client's Certificate, patched in this test only, goes straight to
 * waiting for Finished, so the handshake completes without CertificateVerify; learning it reports
 * skipped-certificate-verify.
 */

const id = makeIdentity('p256', 'localhost', { at: Date.now() });
const clientId = makeIdentity('p256', 'client.test', { at: Date.now() });
const server = { cert: certificateToPem(id.chain[0]!), key: privateKeyToPem(id.privateKey) };
const ALERT = 'Alert(unexpected_message)';
const INPUTS_13 = [
  'ClientHello',
  'ClientHelloWithCookie',
  'Certificate',
  'CertificateVerify',
  'Finished',
  'ApplicationData',
  ALERT,
];
const INPUTS_12 = [
  'ClientHello',
  'ClientHelloWithCookie',
  'ClientKeyExchange',
  'ChangeCipherSpec',
  'Finished',
  'ApplicationData',
  ALERT,
];
const PARALLEL = 8;

/** The SUL with a reduced alphabet (its sessions take any of its inputs; the learner uses only these). */
function reduced(sul: SystemUnderLearning, inputs: readonly string[]): SystemUnderLearning {
  for (const i of inputs) if (!sul.inputs.includes(i)) throw new Error(`${i} is not an input of the mapper`);
  return { ...sul, inputs, open: () => sul.open(), close: () => sul.close() };
}

async function learnOwnServer(
  version: '1.2' | '1.3',
  inputs: readonly string[],
  clientAuth: boolean,
  extraStates: number | null = 1,
): Promise<LearnResult> {
  const peer = await referenceServer({
    version,
    ...server,
    ...(clientAuth ? { ca: certificateToPem(clientId.caDer) } : {}),
  });
  const sul = await openServerSul({
    host: peer.host,
    port: peer.port,
    version,
    parallel: PARALLEL,
    ...(clientAuth ? { cert: clientId.chain, key: clientId.privateKey } : {}),
  });
  try {
    return await learn(reduced(sul, inputs), { seed: 1, budget: 100, extraStates });
  } finally {
    await sul.close();
    await peer.close();
  }
}

/** Whether some state echoes application data: a connection came up. */
const connected = (r: LearnResult): boolean =>
  r.model.output.some((row) => row[r.model.inputs.indexOf('ApplicationData')] === 'ApplicationData');

/** Each own server learned once, shared by the tests that read it. */
const learned = new Map<string, Promise<LearnResult>>();
const ownServer = (version: '1.2' | '1.3'): Promise<LearnResult> => {
  let r = learned.get(version);
  if (r === undefined)
    learned.set(version, (r = learnOwnServer(version, version === '1.3' ? INPUTS_13 : INPUTS_12, false)));
  return r;
};

for (const version of ['1.3', '1.2'] as const) {
  test.serial(
    `dtls13's own ${version} server is learned over UDP: complete, and connected (ApplicationData echoed)`,
    async (t) => {
      t.timeout(LEARN_LIMIT_MS);
      const r = await ownServer(version);
      t.log(
        `${version} server: ${r.states} states, ${r.queries} queries, ${r.seconds.toFixed(1)} s, nondeterministic ${r.nondeterministic.length}, outvoted ${r.outvoted.length}; ${describeCoverage(r)}`,
      );
      t.true(r.complete);
      t.true(connected(r), 'a state echoes ApplicationData');
    },
  );
}

test.serial("dtls13's own 1.2 server shows no bug pattern", async (t) => {
  t.timeout(LEARN_LIMIT_MS);
  const r = await ownServer('1.2');
  t.deepEqual(r.bugPatterns, []);
  t.deepEqual(findBugPatterns(r.model, r), []);
});

// The hypothesis the oracle passes shows data-before-finished on ClientHello ClientHelloWithCookie ApplicationData
// ApplicationData (the second answered ApplicationData), which the server does not do (a direct walk answers timeout
// twice): the state after the early ApplicationData is merged with a connected one. learn() asks each finding's word
// before reporting it; the peer's answers are a counterexample, and the learner splits the merged state.
test.serial(
  "dtls13's own 1.3 server shows no bug pattern: a finding of a wrongly merged state is learned away",
  async (t) => {
    t.timeout(LEARN_LIMIT_MS);
    const r = await ownServer('1.3');
    for (const f of r.unconfirmed) t.log(`unconfirmed ${f.pattern}: ${f.word.join(' ')} -> ${f.outputs.join(' | ')}`);
    t.deepEqual(r.bugPatterns, []);
    t.deepEqual(findBugPatterns(r.model, r), [], 'the final model shows none either');
  },
);

test.serial(
  "dtls13's 1.3 server asking for a client certificate: no bug pattern; broken to skip CertificateVerify: reported",
  async (t) => {
    t.timeout(LEARN_LIMIT_MS);
    // k = 0 here: two more 1.3 servers at k = 1 would take CI minutes more, and this test is about the finding.
    const good = await learnOwnServer('1.3', INPUTS_13, true, 0);
    t.true(connected(good));
    t.deepEqual(good.bugPatterns, []);
    const steps = SERVER_STEPS as unknown as Record<string, unknown>;
    const original = steps['applyClientCertificate'] as (
      c: unknown,
      s: unknown,
      e: unknown,
    ) => { sent: unknown; peer: unknown };
    // The broken step: the certificate is checked and transcribed, then the server waits for Finished at once.
    steps['applyClientCertificate'] = (c: unknown, s: unknown, e: unknown) => {
      const next = original(c, s, e);
      return { kind: 'waitClientFinished', sent: next.sent, peer: next.peer, clientAuthenticated: true };
    };
    let broken: LearnResult;
    try {
      broken = await learnOwnServer('1.3', INPUTS_13, true, 0);
    } finally {
      steps['applyClientCertificate'] = original;
    }
    t.log(`broken 1.3 server: ${broken.states} states, ${broken.queries} queries, ${broken.seconds.toFixed(1)} s`);
    const found = broken.bugPatterns.find((f) => f.pattern === 'skipped-certificate-verify');
    t.truthy(found, JSON.stringify(broken.bugPatterns));
    t.log(`confirmed by ${found?.replays.agreed} of ${found?.replays.of} replays: ${found?.word.join(' ')}`);
  },
);
