import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { listen } from '../runtime/index.js';
import type { DtlsListener } from '../runtime/node/dtls/listener.js';
import type { DtlsWorkerListener } from '../runtime/node/dtls/workers/worker-listener.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import type { KeyPairKind } from '../runtime/pki/key-pair.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import type { ClientReply, ClientRequest } from './scale-out/clients.js';

/**
 * `npm run bench -- scale-out`: one server on N worker threads
 * (`listen({ workers: N })`, N = 1..cores, all listening at once on their
 * own ports) and full handshakes from client processes (forked: they share
 * no event loop with the server), the Ns alternating within every round so
 * drift hits them alike. Prints, per N, the median handshakes per second
 * and its ratio to one worker, then the goodput (UDP payload bytes the
 * server received per second from sessions sending full 1,200-byte datagrams).
 * Cookies on, each client verifying the chain. Two workloads: ECDSA P-256
 * certificates (as deployed), where the client does as much work per
 * handshake as the server; and RSA-4096 ones, where the server's signature
 * is most of a handshake's CPU and the client's verification little, so
 * that on a machine whose clients share the server's cores the server is
 * still the bottleneck and the ratio measures the server's scaling
 * (`DTLS13_SCALE_OUT_KEYS=p256,rsa4096`, the default).
 *
 * The clients run on the same cores as the server: on a 2-core machine a
 * 2-worker server and its clients want more than the 2 cores there are, so
 * the ratio there is a floor. On a bigger machine run the clients elsewhere,
 * or keep cores for them: `DTLS13_SCALE_OUT_WORKERS=4` (the largest N),
 * `DTLS13_SCALE_OUT_CLIENTS=4` (client processes), `taskset` the server.
 * Other knobs: `DTLS13_SCALE_OUT_ROUNDS` (default 3), `DTLS13_SCALE_OUT_MS`
 * (per measurement, default 3000), `DTLS13_SCALE_OUT_IN_FLIGHT` (handshakes
 * at once per client process, default 16).
 */

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(v)}`);
  return n;
}

function startClient(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./scale-out/clients.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('error', reject);
  });
}

function ask(child: ChildProcess, request: ClientRequest): Promise<ClientReply> {
  return new Promise((resolve) => {
    child.once('message', (m: ClientReply) => resolve(m));
    child.send(request);
  });
}

const WORKLOADS: Readonly<Record<string, string>> = {
  p256: 'ECDSA P-256 certificates: the client does about as much per handshake as the server',
  rsa4096: 'RSA-4096 certificates: server-bound, the server signs (most of its CPU), the client only verifies',
};

export async function benchScaleOut(log: (line: string) => void): Promise<void> {
  const keys = (process.env.DTLS13_SCALE_OUT_KEYS ?? 'p256,rsa4096').split(',');
  for (const [i, kind] of keys.entries()) {
    if (WORKLOADS[kind] === undefined) throw new RangeError(`DTLS13_SCALE_OUT_KEYS: ${kind} is none of ${Object.keys(WORKLOADS).join(', ')}`);
    await benchWorkload(log, kind as KeyPairKind, i === 0);
  }
}

async function benchWorkload(log: (line: string) => void, kind: KeyPairKind, withGoodput: boolean): Promise<void> {
  const most = envInt('DTLS13_SCALE_OUT_WORKERS', availableParallelism());
  const rounds = envInt('DTLS13_SCALE_OUT_ROUNDS', 3);
  const ms = envInt('DTLS13_SCALE_OUT_MS', 3000);
  const inFlight = envInt('DTLS13_SCALE_OUT_IN_FLIGHT', 16);
  const clientCount = envInt('DTLS13_SCALE_OUT_CLIENTS', 1);
  const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'scale-out CA', kind });
  const cert = id.chain.map((c) => certificateToPem(c)).join('');
  const key = privateKeyToPem(id.privateKey);
  const ca = certificateToPem(id.caDer);
  const module = new URL('./scale-out/sink-worker.ts', import.meta.url);
  const servers = new Map<number, DtlsWorkerListener | DtlsListener>();
  // N = 0: before workers, `listen(onsession)` on this process's own event loop (the baseline); then 1..most worker threads.
  const ns = Array.from({ length: most + 1 }, (_, i) => i);
  const common = {
    cert,
    key,
    host: '127.0.0.1',
    maxSessions: 0,
    maxSessionsPerHost: 0,
    maxHandshakes: 1_000_000,
    maxHandshakesPerHost: 1_000_000,
    idleTimeout: 5_000,
  };
  for (const n of ns) {
    const server = n === 0 ? listen((session) => (session.onmessage = () => {}), common) : listen(module, { workers: n, ...common });
    await server.listening;
    servers.set(n, server);
  }
  const clients = await Promise.all(Array.from({ length: clientCount }, startClient));
  const rates = new Map<number, number[]>(ns.map((n) => [n, []]));
  const failures = new Map<number, number>(ns.map((n) => [n, 0]));
  /** Per N: the workers' event loop CPU (ms) and the handshakes they served, over the handshake windows. */
  const cpu = new Map<number, { ms: number; handshakes: number }>(ns.map((n) => [n, { ms: 0, handshakes: 0 }]));
  /** The client processes' CPU (ms) and the handshakes they completed, over every handshake window. */
  const clientCpu = { ms: 0, handshakes: 0 };
  const goodputs = new Map<number, number[]>(ns.map((n) => [n, []]));
  const loads: number[] = [];
  log(`scale-out: ${WORKLOADS[kind]}`);
  log(
    `scale-out: ${availableParallelism()} cores, N = 1..${most} workers, ${clientCount} client process(es) x ${inFlight} handshakes in flight, ${rounds} rounds of ${ms} ms`,
  );
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ns : [...ns].reverse();
    for (const n of order) {
      const server = servers.get(n)!;
      const port = server.address!.port;
      const cpuBefore = n === 0 ? 0 : (server as DtlsWorkerListener).stats.threadCpuMs;
      const sessionsBefore = server.stats.serverSessions;
      const replies = await Promise.all(clients.map((c) => ask(c, { type: 'handshakes', port, ms, inFlight, ca })));
      const count = replies.reduce((a, r) => a + r.count, 0);
      clientCpu.ms += replies.reduce((a, r) => a + r.cpuMs, 0);
      clientCpu.handshakes += count;
      failures.set(n, failures.get(n)! + replies.reduce((a, r) => a + r.failed, 0));
      if (n > 0) {
        await new Promise((r) => setTimeout(r, 150)); // the workers' rows are at most 100 ms old
        const c = cpu.get(n)!;
        c.ms += (server as DtlsWorkerListener).stats.threadCpuMs - cpuBefore;
        c.handshakes += server.stats.serverSessions - sessionsBefore;
      }
      const elapsed = Math.max(...replies.map((r) => r.ms));
      rates.get(n)!.push((count / elapsed) * 1000);
      loads.push(loadavg()[0]!);
    }
    for (const n of withGoodput ? order : []) {
      const server = servers.get(n)!;
      const before = server.stats.bytesReceived;
      const t0 = performance.now();
      await Promise.all(clients.map((c) => ask(c, { type: 'goodput', port: server.address!.port, ms, sessions: 4 * Math.max(1, n), ca })));
      await new Promise((r) => setTimeout(r, 150)); // the workers' counters are at most 100 ms old
      goodputs.get(n)!.push(((server.stats.bytesReceived - before) / (performance.now() - t0 - 150)) * 1000);
    }
  }
  const one = median(rates.get(1)!);
  const oneGoodput = withGoodput ? median(goodputs.get(1)!) : 0;
  const before = median(rates.get(0)!);
  const rounds$ = (xs: readonly number[]): string => xs.map((r) => r.toFixed(0)).join(', ');
  log(`scale-out: before (listen without workers: one event loop, this process's) ${before.toFixed(0)} handshakes/s (rounds ${rounds$(rates.get(0)!)})`);
  for (const n of ns.slice(1)) {
    const rate = median(rates.get(n)!);
    const target = `target ≥ ${(0.8 * n).toFixed(1)}×; ${(rate / before).toFixed(2)}× before; ${failures.get(n)} failed`;
    log(`scale-out: ${n} workers ${rate.toFixed(0)} handshakes/s = ${(rate / one).toFixed(2)}× one worker (${target}; rounds ${rounds$(rates.get(n)!)})`);
  }
  // What the server would do with a core per worker and clients elsewhere: its own CPU per handshake, measured in the workers' threads.
  const perHandshake = (n: number): number => cpu.get(n)!.ms / Math.max(1, cpu.get(n)!.handshakes);
  for (const n of ns.slice(1)) {
    const capacity = (n * 1000) / perHandshake(n);
    log(
      `scale-out: ${n} workers: ${perHandshake(n).toFixed(2)} ms of worker CPU per handshake -> ${capacity.toFixed(0)} handshakes/s with ${n} core(s) of its own = ${(capacity / (1000 / perHandshake(1))).toFixed(2)}× one worker (a model from the measured CPU, not a measured rate)`,
    );
  }
  // The most any server could do here: every handshake costs the server's CPU and the clients', and all share the cores.
  const clientPer = clientCpu.ms / Math.max(1, clientCpu.handshakes);
  const cores = availableParallelism();
  const bound = (cores * 1000) / (perHandshake(most) + clientPer);
  log(
    `scale-out: the clients spent ${clientPer.toFixed(2)} ms of CPU per handshake: with ${cores} cores shared by them and ${most} workers (${perHandshake(most).toFixed(2)} ms), at most ${bound.toFixed(0)} handshakes/s = ${(bound / one).toFixed(2)}× one worker's measured rate can be measured on this machine`,
  );
  if (withGoodput) log(`scale-out: before goodput ${(median(goodputs.get(0)!) / 1e6).toFixed(1)} MB/s received (4 sessions)`);
  for (const n of withGoodput ? ns.slice(1) : []) {
    const g = median(goodputs.get(n)!);
    log(
      `scale-out: ${n} workers goodput ${(g / 1e6).toFixed(1)} MB/s received = ${(g / oneGoodput).toFixed(2)}× one worker (${4 * n} sessions sending full 1,200-byte datagrams)`,
    );
  }
  log(`scale-out: load average ${median(loads).toFixed(2)} (1-minute, median over the rounds)`);
  for (const c of clients) c.kill();
  await Promise.all([...servers.values()].map((s) => s.close()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchScaleOut(console.log);
