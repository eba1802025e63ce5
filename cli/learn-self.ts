/**
 * `dtls13 learn --reference self`: dtls13's own peer of the version and role being learned, learned live first with
 * the same alphabet (learn/mapper/reference.ts), as the model the peer's is diffed against.
 */
import { learn, type LearnOptions } from '../learn/learner/learn.js';
import type { MealyMachine } from '../learn/learner/mealy.js';
import { openClientSul, openServerSul, referenceServer } from '../learn/mapper/index.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { withPlanInputs, type LearnPlan } from './learn-plan.js';
import { CliUsageError } from './usage-error.js';

/**
 * Learns our own server (a throwaway certificate) or client (hosted in this process, trusting the certificate we
 * present) as `plan` learns the peer.
 */
export async function learnOwnPeer(plan: LearnPlan, options: LearnOptions): Promise<MealyMachine> {
  const common = {
    version: plan.version,
    parallel: plan.parallel,
    ...plan.credentials,
    ...(plan.waitMs !== undefined ? { waitMs: plan.waitMs } : {}),
  };
  if (plan.target.role === 'server') {
    const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'dtls13 learn reference CA' });
    const ours = plan.credentials.cert;
    const server = await referenceServer({
      version: plan.version,
      cert: id.chain.map(certificateToPem).join(''),
      key: privateKeyToPem(id.privateKey),
      ...(ours !== undefined ? { ca: ours[ours.length - 1]! } : {}),
    });
    try {
      const sul = await withPlanInputs(
        plan,
        openServerSul({ host: server.host, port: server.port, ...common, ca: [id.caDer] }),
      );
      try {
        return (await learn(sul, options)).model;
      } finally {
        await sul.close();
      }
    } finally {
      await server.close();
    }
  }
  const cert = plan.credentials.cert;
  if (cert === undefined)
    throw new CliUsageError(
      '--reference self, learning a client, needs --cert and --key: our client trusts the certificate we present',
    );
  // dtls13's own client hosted here (learn/mapper/own-client.ts): the client `referenceClient`'s command starts,
  // without a process per session.
  const sul = await withPlanInputs(
    plan,
    openClientSul({ host: '127.0.0.1', port: 0, ownClient: { ca: cert[cert.length - 1]! }, ...common }),
  );
  try {
    return (await learn(sul, options)).model;
  } finally {
    await sul.close();
  }
}
