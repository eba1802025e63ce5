/**
 * `npm run bench -- learn-server13`: the wall time of learning a real DTLS 1.3 server with parallel queries against
 * the same run sequentially. The server is dtls13's own (`referenceServer`, an echo server, a fresh one per run) over
 * real UDP on 127.0.0.1, learned through the mapper (`openServerSul`) with CI's reduced alphabet (tests/learn/
 * self.test.ts: the handshake's messages, ApplicationData and one alert), seed 1, oracle budget 100, each answer
 * waited for up to 200 ms. The seed fixes the learner's queries, so the runs differ only in how many sessions overlap
 * (a nondeterministic answer, which the report counts, would add repeats).
 */
import { loadavg } from 'node:os';
import { learn } from '../learn/learner/learn.js';
import { openServerSul } from '../learn/mapper/server-sul.js';
import { referenceServer } from '../learn/mapper/reference.js';
import { restrictInputs } from '../learn/sul.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';

const INPUTS = [
  'ClientHello',
  'ClientHelloWithCookie',
  'Certificate',
  'CertificateVerify',
  'Finished',
  'ApplicationData',
  'Alert(unexpected_message)',
];
const PARALLELS = [1, 4, 8];

export async function benchLearnServer13(log: (line: string) => void): Promise<void> {
  const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'bench learn CA' });
  log(`learn-server13: dtls13's 1.3 server over UDP, ${INPUTS.length} inputs, budget 100, wait 200 ms`);
  let sequential: number | undefined;
  for (const parallel of PARALLELS) {
    const server = await referenceServer({
      version: '1.3',
      cert: id.chain.map(certificateToPem).join(''),
      key: privateKeyToPem(id.privateKey),
    });
    const sul = await openServerSul({ host: server.host, port: server.port, version: '1.3', parallel, waitMs: 200 });
    try {
      const before = loadavg()[0]!;
      const r = await learn(restrictInputs(sul, INPUTS), { seed: 1, budget: 100 });
      sequential ??= r.seconds;
      log(
        `  parallel ${String(parallel).padStart(2)}: ${r.seconds.toFixed(1).padStart(6)} s, ${r.states} states, ${r.transitions} transitions, ${r.queries} queries, ${r.steps} steps, nondeterministic ${r.nondeterministic.length}; ${(sequential / r.seconds).toFixed(1)}x the sequential run (load average ${before.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)})`,
      );
    } finally {
      await sul.close();
      await server.close();
    }
  }
}
