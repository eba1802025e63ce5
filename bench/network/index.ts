import { ConfigError } from '../../runtime/config-error.js';
import { ALL_CIPHER_SUITES, type SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import { makeIdentity } from '../../tests/support/pki-fixtures.js';
import { writePem, wolfsslBuild, type PemFiles } from '../../tests/interop/wolfssl.js';
import { goodput, type GoodputOptions } from './goodput.js';
import { handshakes12 } from './dtls12.js';
import { handshakeLatency } from './handshakes.js';
import { startPeer } from './peer.js';
import { RECEIVE_BATCH } from '../../runtime/node/datagram-io.js';
import { allowedCpus, describePlacement, pin, PLACEMENT } from './placement.js';
import { loadNote } from './stats.js';
import { payloadFromEnv } from './payload.js';

/**
 * `npm run bench -- network`: on loopback, with clients and senders in this
 * process and servers and receivers in a peer process (or wolfSSL's):
 * handshake latency (p50, p99) and rate for dtls13 and wolfSSL in all four
 * pairings, and application-data goodput of dtls13 (node and native
 * providers), wolfSSL in C without and with assembly, and plain UDP in C
 * (unbatched, sendmmsg/recvmmsg, and UDP GSO/GRO where the kernel has them),
 * each as a ratio to plain node:dgram between the same two processes; then
 * the native provider's goodput against each C baseline and its receiver's
 * CPU per payload. DTLS 1.2 beside 1.3 (dtls12.ts): handshakes and goodput
 * through connect() with maxVersion 'DTLSv1.2' and with 1.3, to the same
 * dtls13 server, and wolfSSL's 1.2 (-v 3), as ratios.
 *
 * Environment: BENCH_NET_HANDSHAKES (sequential handshakes per latency line, default 100; 0 skips all handshakes),
 * BENCH_NET_CONCURRENT (handshakes of the 8-in-flight run, default 2000), BENCH_NET_WARMUP (at most this many dtls13
 * handshakes first, 8 in flight, in rounds of 1,000 until the rate settles, each round's rate printed; default 10000),
 * BENCH_NET_ROUNDS (5), BENCH_NET_PAYLOAD (the application payload of every goodput contender, bytes: 1 up to one
 * record in one datagram of the sessions' 1,400-byte MTU, payload.ts; default 1200; each row prints records/s),
 * BENCH_NET_TRIAL_MS (1000), BENCH_NET_BURST (32), BENCH_NET_BUFFER
 * (SO_RCVBUF/SO_SNDBUF asked on every socket of both runs, default 4 MiB; 0 = system default), BENCH_NET_PEER_ARGS
 * (node flags for the peer process, e.g. --cpu-prof), BENCH_NET_SUITES (goodput suites, comma-separated; default
 * tls_aes_128_gcm_sha256,tls_chacha20_poly1305_sha256), BENCH_NET_CPUS (S:R, taskset CPU lists: senders and this
 * process on S, receivers and the peer processes on R; unset: not pinned, placement.ts).
 *
 * The receiver's profile alone: `npx tsx bench/network/profile-receive.ts [dir]` (docs/benchmarks.md, the receive path).
 */
const HANDSHAKES = envInt('BENCH_NET_HANDSHAKES', 100, 0);
const WARM_UP = envInt('BENCH_NET_WARMUP', 10_000, 0);
const CONCURRENT = envInt('BENCH_NET_CONCURRENT', 2000, 0);
const GOODPUT: GoodputOptions = {
  payload: payloadFromEnv(process.env.BENCH_NET_PAYLOAD),
  trialMs: envInt('BENCH_NET_TRIAL_MS', 1000),
  rounds: envInt('BENCH_NET_ROUNDS', 5),
  burst: envInt('BENCH_NET_BURST', 32),
  // Large enough that scheduling hiccups on a busy machine do not overflow the receiver (Linux caps it at net.core.rmem_max/wmem_max).
  bufferSize: envInt('BENCH_NET_BUFFER', 4 * 1024 * 1024),
};

const SUITES = envSuites('BENCH_NET_SUITES', ['tls_aes_128_gcm_sha256', 'tls_chacha20_poly1305_sha256']);

function envSuites(name: string, fallback: readonly SupportedCipherSuite[]): readonly SupportedCipherSuite[] {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const names = v.split(',').map((x) => x.trim());
  const bad = names.find((x) => !(ALL_CIPHER_SUITES as readonly string[]).includes(x));
  if (bad !== undefined)
    throw new ConfigError(name, `names an unknown suite '${bad}' (known: ${ALL_CIPHER_SUITES.join(', ')})`);
  return names as SupportedCipherSuite[];
}

function envInt(name: string, fallback: number, min = 1): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `must be an integer >= ${min}, got ${v}`);
  return n;
}

function wolfPem(id: Parameters<typeof writePem>[0]): PemFiles | undefined {
  try {
    wolfsslBuild();
    return writePem(id);
  } catch (e) {
    console.log(`  (wolfSSL unavailable: ${e instanceof Error ? e.message : String(e)})`);
    return undefined;
  }
}

export async function benchNetwork(): Promise<void> {
  const id = makeIdentity('p256', 'localhost', { at: Date.now() });
  const peerArgs = (process.env.BENCH_NET_PEER_ARGS ?? '').split(' ').filter(Boolean);
  if (PLACEMENT !== undefined) pin(process.pid, PLACEMENT.sender);
  const peer = await startPeer(id, GOODPUT.bufferSize, peerArgs);
  // The same server in a process whose V8 sweeps ArrayBuffers on the main thread: each received record's plaintext is an
  // ArrayBuffer of its own (tests/buffers), and V8's concurrent sweeper frees them under glibc's arena lock that the
  // receiver's next allocation waits for (docs/benchmarks.md, the receive path).
  let unswept: Awaited<ReturnType<typeof startPeer>> | undefined;
  let pem: ReturnType<typeof wolfPem> = undefined;
  try {
    unswept = await startPeer(id, GOODPUT.bufferSize, ['--no-concurrent-array-buffer-sweeping', ...peerArgs]);
    pem = wolfPem(id);
    console.log(
      `\nnetwork, on loopback, payload ${GOODPUT.payload} B: clients/senders in this process, servers/receivers in another (${loadNote()})`,
    );
    console.log(
      `  ${describePlacement(peer.pid)}; the unswept peer on ${unswept.pid === undefined ? '?' : allowedCpus(unswept.pid)}`,
    );
    console.log(
      'handshakes (ECDSA P-256 certificate, X25519, AES-128-GCM, HelloRetryRequest cookie round trip; client-side time to complete):',
    );
    // The server on the default provider (native when the addon loads), as the client is.
    if (HANDSHAKES > 0)
      await handshakeLatency(peer.nativePort ?? peer.dtlsPort, () => peer.reset(), id, pem, {
        sequential: HANDSHAKES,
        concurrent: CONCURRENT,
        warmUp: WARM_UP,
      });
    else console.log('  skipped (BENCH_NET_HANDSHAKES=0)');
    if (HANDSHAKES > 0) await handshakes12(peer.nativePort ?? peer.dtlsPort, id, pem, HANDSHAKES, CONCURRENT);
    const buffers =
      GOODPUT.bufferSize > 0
        ? `${GOODPUT.bufferSize}-byte socket buffers asked (receiver got ${peer.bufferSize.recv})`
        : `default socket buffers (receiver ${peer.bufferSize.recv} bytes)`;
    console.log(
      `goodput: ${GOODPUT.payload}-byte payloads for ${GOODPUT.trialMs} ms per trial, bursts of ${GOODPUT.burst} per event-loop turn, ${buffers} ` +
        `for every system, C included; recvmmsg takes up to ${RECEIVE_BATCH} per call in dtls13 and the batched C baselines (${loadNote()}); ` +
        'each ratio is the median of per-round ratios, with its spread:',
    );
    await goodput(peer, id, pem, GOODPUT, SUITES, unswept);
  } finally {
    pem?.remove();
    await peer.stop();
    await unswept?.stop();
  }
}
