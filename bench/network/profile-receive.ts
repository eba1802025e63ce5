import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { makeIdentity } from '../../tests/support/pki-fixtures.js';
import { openClientEndpoint } from '../../tests/support/udp-client.js';
import { startPeer } from './peer.js';
import { loadNote } from './stats.js';
import { jsTrial } from './trial.js';

/**
 * `tsx bench/network/profile-receive.ts [dir]`: the network bench's native
 * goodput trial only (AES-128-GCM, 1,200-byte payloads), with the receiving
 * peer process under `node --cpu-prof` (its profile written to `dir`,
 * default ./profiles; `-`: no profile, e.g. for `perf record` with BENCH_NET_PEER_ARGS=--perf-basic-prof): where the receiver's time goes, recvmmsg batch →
 * open → deliver. BENCH_NET_ROUNDS trials (default 5) of BENCH_NET_TRIAL_MS
 * (1000) each, BENCH_NET_PEER_ARGS more node flags for the peer; prints every trial's goodput and receiver CPU per payload.
 */
const dir = process.argv[2] ?? 'profiles';
const rounds = Number(process.env.BENCH_NET_ROUNDS ?? 5);
const o = { payload: 1200, trialMs: Number(process.env.BENCH_NET_TRIAL_MS ?? 1000), rounds, burst: 32, bufferSize: 4 * 1024 * 1024 };

async function main(): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const extra = (process.env.BENCH_NET_PEER_ARGS ?? '').split(' ').filter(Boolean);
  const peer = await startPeer(id, o.bufferSize, [...(dir === '-' ? [] : ['--cpu-prof', '--cpu-prof-dir', dir]), ...extra]);
  try {
    const port = peer.nativePort;
    if (port === undefined) throw new Error('the peer has no native server');
    const client = openClientEndpoint({
      port,
      provider: nativeProvider,
      cipherSuites: ['tls_aes_128_gcm_sha256'],
      trustAnchors: [id.caDer],
      serverName: 'localhost',
    });
    await client.handshake;
    client.socket.setSendBufferSize(o.bufferSize);
    console.log(`profile-receive (${loadNote()}):`);
    for (let r = 0; r < rounds; r++) {
      const t = await jsTrial(peer, 'dtls-native', (d) => client.send(d), o);
      console.log(
        `  trial ${r}: ${((t.delivered * 8) / 1000).toFixed(0)} Mbit/s, offered ${((t.offered * 8) / 1000).toFixed(0)}, ${(t.lost * 100).toFixed(0)}% lost, receiver ${t.receiverCpu.toFixed(2)} µs/payload, sender ${t.senderCpu.toFixed(2)} µs`,
      );
    }
    client.close();
    await client.closed;
  } finally {
    await peer.stop();
  }
}

await main();
