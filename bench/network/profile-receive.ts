import { nativeProvider } from '../../runtime/crypto/native/index.js';
import { aeadCeiling } from './aead-ceiling.js';
import { makeIdentity } from '../../tests/support/pki-fixtures.js';
import { openSession, type Version } from './dtls12.js';
import { peerClient, startPeer } from './peer.js';
import { loadNote, median } from './stats.js';
import { jsTrial } from './trial.js';
import { payloadFromEnv } from './payload.js';

/**
 * `tsx bench/network/profile-receive.ts [dir]`: the network bench's native
 * goodput trial only (AES-128-GCM, 1,200-byte payloads or BENCH_NET_PAYLOAD's), with the receiving
 * peer process under `node --cpu-prof` (its profile written to `dir`,
 * default ./profiles; `-`: no profile, e.g. for `perf record` with BENCH_NET_PEER_ARGS=--perf-basic-prof): where the receiver's time goes, recvmmsg batch →
 * open → deliver. BENCH_NET_ROUNDS trials (default 5) of BENCH_NET_TRIAL_MS
 * (1000) each, BENCH_NET_PEER_ARGS more node flags for the peer; prints every trial's goodput and receiver CPU per payload.
 * A second argument `1.2` (or `both`) sends DTLS 1.2 records (ECDHE-ECDSA-AES128-GCM-SHA256) through
 * `connect()` with `maxVersion: 'DTLSv1.2'` to the same server; `both` alternates 1.2 and 1.3 trials in one run
 * (1.3 through `connect()` too), so their ratio is taken under the same load.
 * BENCH_NET_MESSAGE_BUFFERS=batch profiles the server with `messageBuffers: 'batch'` instead.
 */
const dir = process.argv[2] ?? 'profiles';
const which = process.argv[3] ?? '1.3';
if (which !== '1.2' && which !== '1.3' && which !== 'both')
  throw new Error(`the version is 1.2, 1.3 or both, got ${which}`);
const rounds = Number(process.env.BENCH_NET_ROUNDS ?? 5);
const batch = process.env.BENCH_NET_MESSAGE_BUFFERS === 'batch';
const receiver = batch ? 'dtls-native-batch' : 'dtls-native';
const o = {
  payload: payloadFromEnv(process.env.BENCH_NET_PAYLOAD),
  trialMs: Number(process.env.BENCH_NET_TRIAL_MS ?? 1000),
  rounds,
  burst: 32,
  bufferSize: 4 * 1024 * 1024,
};

async function main(): Promise<void> {
  if (!nativeProvider) throw new Error('the native addon is not built (or DTLS13_NATIVE=0)');
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const extra = (process.env.BENCH_NET_PEER_ARGS ?? '').split(' ').filter(Boolean);
  const peer = await startPeer(id, o.bufferSize, [
    ...(dir === '-' ? [] : ['--cpu-prof', '--cpu-prof-dir', dir]),
    ...extra,
  ]);
  try {
    const port = batch ? peer.nativeBatchPort : peer.nativePort;
    if (port === undefined) throw new Error('the peer has no native server');
    if (which !== '1.3')
      return await versions(peer, port, id, which === 'both' ? ['DTLSv1.2', 'DTLSv1.3'] : ['DTLSv1.2']);
    const client = await peerClient(port, id, nativeProvider, o.bufferSize);
    console.log(`profile-receive (${loadNote()}):`);
    for (let r = 0; r < rounds; r++) {
      const t = await jsTrial(peer, receiver, (d) => client.send(d), o);
      console.log(
        `  trial ${r}: ${((t.delivered * 8) / 1000).toFixed(0)} Mbit/s, offered ${((t.offered * 8) / 1000).toFixed(0)}, ${(t.lost * 100).toFixed(0)}% lost, receiver ${t.receiverCpu.toFixed(2)} µs/payload, sender ${t.senderCpu.toFixed(2)} µs`,
      );
    }
    client.close();
    await client.closed;
    const ceiling = aeadCeiling('tls_aes_128_gcm_sha256', o.payload);
    if (ceiling !== undefined)
      console.log(
        `  AEAD time per record: ${((o.payload / ceiling.bytesPerMs) * 1000).toFixed(3)} µs (${ceiling.how})`,
      );
  } finally {
    await peer.stop();
  }
}

/** Trials through connect() sessions of each version, alternating; the medians per version at the end. */
async function versions(
  peer: Awaited<ReturnType<typeof startPeer>>,
  port: number,
  id: ReturnType<typeof makeIdentity>,
  list: readonly Version[],
): Promise<void> {
  const provider = nativeProvider!;
  const sessions = [];
  for (const v of list)
    sessions.push(await openSession(port, id, v, { provider, suite: 'tls_aes_128_gcm_sha256', mtu: 1400 }));
  console.log(`profile-receive ${list.join(' / ')} via connect() (${loadNote()}):`);
  const figures = list.map(() => ({ mbit: [] as number[], cpu: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < list.length; k++) {
      const s = sessions[k]!;
      const t = await jsTrial(peer, receiver, (d) => void s.send(d), o);
      figures[k]!.mbit.push((t.delivered * 8) / 1000);
      figures[k]!.cpu.push(t.receiverCpu);
      console.log(
        `  trial ${r} ${list[k]}: ${((t.delivered * 8) / 1000).toFixed(0)} Mbit/s, offered ${((t.offered * 8) / 1000).toFixed(0)}, ${(t.lost * 100).toFixed(0)}% lost, receiver ${t.receiverCpu.toFixed(2)} µs/payload, sender ${t.senderCpu.toFixed(2)} µs`,
      );
    }
  }
  list.forEach((v, k) =>
    console.log(
      `  median ${v}: ${median(figures[k]!.mbit).toFixed(0)} Mbit/s, receiver ${median(figures[k]!.cpu).toFixed(2)} µs/payload`,
    ),
  );
  for (const s of sessions) await s.close();
}

await main();
