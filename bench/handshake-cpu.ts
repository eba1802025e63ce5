import { Session } from 'node:inspector';
import { DtlsConnection, type ConnectionOptions } from '../runtime/connection/connection.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { clientSetupCpu } from './client-setup.js';

/**
 * CPU per handshake on each side, in one process: a full 1-RTT handshake
 * (ECDHE x25519, ECDSA P-256 certificate, AES-128-GCM, the default crypto
 * provider). The CPU time (`process.cpuUsage`, so time the machine gave to
 * other processes is not counted) is read once per side switch: a side's
 * segment is everything it does between receiving the other side's flight
 * and having emptied its own output (construction and connect included),
 * so both sides' work is counted and nothing else but the loop's own
 * bookkeeping. That is 6 readings per handshake (was one per call, 8); a
 * reading costs ~0.7 µs of CPU outside a profiler, counted in the segment
 * it closes (under --cpu-prof getrusage costs ~10 µs, so profiles of this
 * loop overstate it). One options object per side for every connection, as
 * an application keeps them. Prints client and server ms per handshake and
 * the handshakes per second of the whole loop.
 */

const NOW = Date.UTC(2026, 10, 21);

export interface HandshakeCpu {
  readonly clientMs: number;
  readonly serverMs: number;
  readonly perSecond: number;
}

/** The measured handshakes (after the warm-up), and the warm-up's own figures (the process's first handshakes when this runs first). */
export interface HandshakeCpuRun extends HandshakeCpu {
  readonly handshakes: number;
  readonly warmup: HandshakeCpu & { readonly handshakes: number };
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** One side's segment: the other side's datagrams in, this side's out. */
function deliver(to: DtlsConnection, datagrams: readonly Uint8Array[], now: number): Uint8Array[] {
  for (const d of datagrams) to.receive(d, now);
  const out: Uint8Array[] = [];
  for (let d = to.pollTransmit(); d; d = to.pollTransmit()) out.push(d);
  return out;
}

/**
 * `n` handshakes measured after `warmup` ones. The warm-up matters: a fresh
 * process needs a few thousand handshakes before the JIT and the heap's
 * young generation settle (per-side CPU falls by about half, measured), so
 * the steady figure is what a server that keeps handshaking spends; the
 * warm-up's own figure is printed beside it.
 */
export function handshakeCpu(n: number, warmup = 2000): HandshakeCpuRun {
  const id = createThrowawayIdentity({ serverName: 'bench.test', caName: 'bench CA', at: NOW });
  const server: ConnectionOptions = {
    certificate: { chain: id.chain, privateKey: id.privateKey },
    wallClock: () => NOW,
    amplificationLimit: false, // in memory, its client known: no anti-amplification wait (amplification-limit.ts)
  };
  const client: ConnectionOptions = { trustAnchors: [id.caDer], serverName: 'bench.test', wallClock: () => NOW };
  let clientMs = 0;
  let serverMs = 0;
  const one = (): void => {
    let t = process.cpuUsage();
    const c = DtlsConnection.client(client);
    c.connect(0);
    let toServer = deliver(c, [], 0);
    clientMs += cpuMs(t);
    let s: DtlsConnection | undefined;
    for (let round = 0; round < 8 && !(c.state === 'connected' && s?.state === 'connected'); round++) {
      t = process.cpuUsage();
      s ??= DtlsConnection.server(server);
      const toClient = deliver(s, toServer, round);
      serverMs += cpuMs(t);
      t = process.cpuUsage();
      toServer = deliver(c, toClient, round);
      clientMs += cpuMs(t);
    }
    if (s === undefined) throw new Error('handshake did not start');
    // The client's answer to the server's last flight; what the server says to that is left unread.
    t = process.cpuUsage();
    deliver(s, toServer, 9);
    serverMs += cpuMs(t);
    if (c.state !== 'connected' || s.state !== 'connected')
      throw new Error(`handshake failed: ${c.failure?.message ?? s.failure?.message}`);
  };
  const measure = (count: number): HandshakeCpu => {
    clientMs = 0;
    serverMs = 0;
    const t0 = process.cpuUsage();
    for (let i = 0; i < count; i++) one();
    const total = cpuMs(t0);
    return { clientMs: clientMs / count, serverMs: serverMs / count, perSecond: (count * 1000) / total };
  };
  const cold = measure(warmup);
  return { ...measure(n), handshakes: n, warmup: { ...cold, handshakes: warmup } };
}

/** `session.post` of a connected in-process inspector session, which answers synchronously: the answer returned. */
export function syncPost(session: Session): (method: string, params?: object) => unknown {
  return (method, params = {}) => {
    let answer: unknown;
    let failure: Error | null = null;
    session.post(method, params, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  };
}

/** A node of V8's sampling heap profile (the fields read here). */
interface HeapProfileNode {
  readonly selfSize: number;
  readonly children: readonly HeapProfileNode[];
}

/**
 * Bytes allocated per handshake (both sides), after `warmup` handshakes:
 * V8's sampling heap profiler over `n` handshakes, counting objects
 * collected since (`includeObjectsCollectedByMajorGC/MinorGC`), one sample
 * per 1 KiB allocated on average; the profile's sizes are V8's estimate of
 * all bytes allocated. A separate pass: the profiler slows the handshakes it
 * watches, so the CPU figures come from runs without it.
 */
export function handshakeAllocation(n: number, warmup = 500): number {
  handshakeCpu(1, warmup);
  const session = new Session();
  session.connect();
  const post = syncPost(session);
  try {
    post('HeapProfiler.enable');
    post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    handshakeCpu(n, 0);
    const { profile } = post('HeapProfiler.stopSampling') as { readonly profile: { readonly head: HeapProfileNode } };
    let total = 0;
    const walk = (node: HeapProfileNode): void => {
      total += node.selfSize;
      for (const c of node.children) walk(c);
    };
    walk(profile.head);
    return total / n;
  } finally {
    session.disconnect();
  }
}

const fromEnv = (): [number, number] => [
  Number(process.env.DTLS13_BENCH_HANDSHAKES ?? 500),
  Number(process.env.DTLS13_BENCH_WARMUP ?? 2000),
];

const ALLOCATION_HANDSHAKES = 300;
const CLIENT_SETUPS = 5000;

/** `npm run bench -- handshake`: the per-side line. */
export function benchHandshakeCpu(log: (line: string) => void): void {
  const r = handshakeCpu(...fromEnv());
  const ms = (x: HandshakeCpu): string =>
    `client ${x.clientMs.toFixed(2)} ms, server ${x.serverMs.toFixed(2)} ms each; ${x.perSecond.toFixed(0)} handshakes/s of CPU`;
  log(
    `\nhandshake CPU, in one process (x25519, ECDSA P-256, AES-128-GCM, default provider; CPU read once per side switch):\n` +
      `  steady, ${r.handshakes} handshakes after ${r.warmup.handshakes}: ${ms(r)}\n` +
      `  the ${r.warmup.handshakes} warm-up handshakes (JIT and heap settling): ${ms(r.warmup)}\n` +
      `  allocated: ${(handshakeAllocation(ALLOCATION_HANDSHAKES) / 1024).toFixed(0)} KiB per handshake, both sides (V8's sampling heap profiler, collected objects included, ${ALLOCATION_HANDSHAKES} handshakes)\n` +
      `  a connect()'s setup before its first datagram (options with a PEM ca, then DtlsConnection.client): ${clientSetupCpu(CLIENT_SETUPS).toFixed(1)} µs of CPU each`,
  );
}

if (process.argv[1]?.endsWith('handshake-cpu.ts') && process.argv.includes('--json')) {
  const r = handshakeCpu(...fromEnv());
  process.stdout.write(
    `${JSON.stringify({ ...r, allocatedBytes: Math.round(handshakeAllocation(ALLOCATION_HANDSHAKES)) })}\n`,
  );
}
