/**
 * What a scale-out client spends per handshake: `npx tsx --cpu-prof --cpu-prof-dir=DIR bench/scale-out/profile-client.ts [p256|rsa4096]`
 * runs full handshakes for 5 s against a 1-worker server (its own thread, so the main thread's profile is the client's).
 */
import { listenWorkers } from '../../runtime/workers.js';
import type { KeyPairKind } from '../../runtime/pki/key-pair.js';
import { certificateToPem, privateKeyToPem } from '../../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../../runtime/pki/throwaway-identity.js';
import { nativeBinding } from '../../runtime/crypto/native/binding.js';

const threadCpuMs = (): number => nativeBinding?.threadCpuTime?.() ?? Number.NaN;

const kind = (process.argv[2] ?? 'p256') as KeyPairKind;
const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'profile CA', kind });
const server = listenWorkers(new URL('./sink-worker.ts', import.meta.url), {
  workers: 1,
  cert: id.chain.map((c) => certificateToPem(c)).join(''),
  key: privateKeyToPem(id.privateKey),
  host: '127.0.0.1',
  maxSessionsPerHost: 0,
  maxHandshakesPerHost: 1_000_000,
});
const { port } = await server.listening;
const { handshakes } = await import('./clients.js');
const cpu0 = threadCpuMs();
const reply = await handshakes(port, 5000, 16, certificateToPem(id.caDer));
const cpu = threadCpuMs() - cpu0;
console.log(
  `${kind}: ${reply.count} handshakes in ${reply.ms.toFixed(0)} ms; client thread CPU ${(cpu / reply.count).toFixed(2)} ms per handshake`,
);
await server.close();
process.exit(0);
