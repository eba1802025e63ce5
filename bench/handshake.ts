import { DtlsConnection } from '../runtime/connection/connection.js';
import type { CryptoProvider } from '../runtime/crypto/provider.js';
import { nobleProvider } from '../runtime/crypto/noble/index.js';
import { nodeProvider } from '../runtime/crypto/node/index.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { timedProvider, type CryptoClock } from './timed-provider.js';

/**
 * In-memory handshakes per second (client and server in this process, a
 * full 1-RTT handshake with ECDHE, certificate validation, CertificateVerify
 * and Finished both ways), and how that time splits between the crypto
 * provider and everything else (charts, codecs, record layer, flights),
 * measured in the same run.
 */

const NOW = Date.UTC(2026, 10, 21);

function identity() {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  return { ca: id.caDer, chain: id.chain, key: id.privateKey };
}

/** One options object per side, reused for every connection, as a server or client application would. */
function options(provider: CryptoProvider, id: ReturnType<typeof identity>) {
  return {
    // In memory, its client known: no anti-amplification wait (runtime/shared/amplification-limit.ts).
    server: {
      provider,
      certificate: { chain: id.chain, privateKey: id.key },
      wallClock: () => NOW,
      amplificationLimit: false,
    },
    client: { provider, trustAnchors: [id.ca], serverName: 'bench.test', wallClock: () => NOW },
  };
}

function oneHandshake(opts: ReturnType<typeof options>): void {
  const server = DtlsConnection.server(opts.server);
  const client = DtlsConnection.client(opts.client);
  client.connect(0);
  for (let round = 0; round < 8 && !(client.state === 'connected' && server.state === 'connected'); round++) {
    for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, round);
    for (let d = server.pollTransmit(); d; d = server.pollTransmit()) client.receive(d, round);
  }
  for (let d = client.pollTransmit(); d; d = client.pollTransmit()) server.receive(d, 9);
  if (client.state !== 'connected' || server.state !== 'connected')
    throw new Error(`handshake failed: ${client.failure?.message ?? server.failure?.message}`);
}

/** Runs the handshake benchmark and prints its table. */
export function benchHandshake(): void {
  const id = identity();
  console.log(
    '\nhandshakes: in-memory, client + server in one process (ECDHE x25519, ECDSA P-256 certificates, AES-128-GCM)\n',
  );
  console.log(
    `${'provider'.padEnd(10)}${'handshakes/s'.padEnd(15)}${'ms each'.padEnd(10)}${'crypto'.padEnd(10)}${'the rest'.padEnd(10)}crypto calls each`,
  );
  for (const inner of [nodeProvider, nobleProvider]) {
    const clock: CryptoClock = { ms: 0, calls: 0 };
    const provider = timedProvider(inner, clock);
    const opts = options(provider, id);
    for (let i = 0; i < 20; i++) oneHandshake(opts); // warm-up
    clock.ms = 0;
    clock.calls = 0;
    const n = inner.name === 'noble' ? 60 : 300;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) oneHandshake(opts);
    const total = performance.now() - t0;
    const crypto = clock.ms / total;
    console.log(
      `${inner.name.padEnd(10)}${(n / (total / 1000)).toFixed(0).padEnd(15)}${(total / n).toFixed(2).padEnd(10)}${`${(crypto * 100).toFixed(0)}%`.padEnd(10)}${`${((1 - crypto) * 100).toFixed(0)}%`.padEnd(10)}${(clock.calls / n).toFixed(0)}`,
    );
  }
}
