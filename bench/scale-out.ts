import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen } from '../runtime/index.js';
import { listenWorkers } from '../runtime/workers.js';
import type { DtlsListener } from '../runtime/node/dtls/listener.js';
import type { DtlsWorkerListener } from '../runtime/node/dtls/workers/worker-listener.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import type { KeyPairKind } from '../runtime/pki/key-pair.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { cHandshakes, describeBuild, findCClient, type CClient } from './scale-out/c-client.js';
import type { ClientReply, ClientRequest } from './scale-out/clients.js';

/**
 * `npm run bench -- scale-out`: one server on N worker threads
 * (`listenWorkers(module, { workers: N })`, N = 1..cores, all listening at once on their
 * own ports) and full handshakes from client processes (they share no event
 * loop with the server), the Ns alternating within every round so drift
 * hits them alike, after a warm-up window per N that is not counted. Prints,
 * per N, the median handshakes per second and its ratio to one worker, the
 * workers' and the clients' CPU per handshake, then the goodput (UDP payload
 * bytes the server received per second from sessions sending full
 * 1,200-byte datagrams). Cookies on, each client verifying the chain. Two
 * workloads: ECDSA P-256 certificates (as deployed), where dtls13's own
 * client does as much work per handshake as the server; and RSA-4096 ones,
 * where the server's signature is most of a handshake's CPU
 * (`DTLS13_SCALE_OUT_KEYS=p256,rsa4096`, the default).
 *
 * The clients: `DTLS13_SCALE_OUT_CLIENT=c` (the default when it builds),
 * bench/scale-out/c-client.c, a load generator in C on wolfSSL 5.7.2 (its
 * build with assembly, bench/network/build-wolfssl-asm.sh, or
 * `DTLS13_SCALE_OUT_WOLFSSL=plain` for the interop build;
 * scale-out/c-client.ts compiles and caches it, building wolfSSL first if
 * need be): a thread per handshake in flight, each a new UDP socket, the
 * cookie HelloRetryRequest, the chain and name verified, the server's
 * NewSessionTicket taken in and acknowledged, closed without close_notify,
 * no resumption: the same datagrams as the JS client's, for a fraction of
 * its CPU. `node`: dtls13's own client, forked (scale-out/clients.ts).
 * `c,node` measures both, alternating within every round. Without a C
 * client (no wolfSSL build and none possible) the bench says so and uses
 * node. The goodput sessions are always the JS clients'.
 *
 * The clients run on the same cores as the server: on a 2-core machine a
 * 2-worker server and its clients want more than the 2 cores there are, so
 * the ratio there is a floor, and the cheaper the clients' handshakes the
 * less they take from the server (the bench prints the most the cores could
 * show with the measured CPU of both). On a bigger machine run the clients
 * elsewhere, or keep cores for them: `DTLS13_SCALE_OUT_WORKERS=4` (the
 * largest N), `DTLS13_SCALE_OUT_CLIENTS=4` (client processes), `taskset` the
 * server. Other knobs: `DTLS13_SCALE_OUT_ROUNDS` (default 3),
 * `DTLS13_SCALE_OUT_MS` (per measurement, default 3000),
 * `DTLS13_SCALE_OUT_WARMUP_MS` (per N and client before the rounds, default
 * the same; 0 for none), `DTLS13_SCALE_OUT_IN_FLIGHT` (handshakes at once per
 * client process: the C client's threads, default 32: the kernel's hash
 * deals new handshakes to the workers at random, and with fewer one worker
 * runs dry while the other has a queue; 6, 16 and 32 measured 1.45×, 1.59×
 * and 1.64× with RSA-4096 in one sitting).
 */

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** An integer from the environment variable `name`, `fallback` when unset; a RangeError naming it below `least`. */
export function envInt(name: string, fallback: number, least = 1): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? fallback : Number(v);
  if (!Number.isInteger(n) || n < least) throw new RangeError(`${name} must be an integer >= ${least}, got ${String(v)}`);
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

/** Who makes the handshakes: `c`, bench/scale-out/c-client.c on wolfSSL; `node`, dtls13's own client (clients.ts). */
type ClientKind = 'c' | 'node';

/** The client kinds `DTLS13_SCALE_OUT_CLIENT` asks for (`c`, `node` or `c,node`); by default the C client when it builds, else node. */
function chooseClients(log: (line: string) => void): { readonly kinds: readonly ClientKind[]; readonly c: CClient | undefined } {
  const asked = process.env.DTLS13_SCALE_OUT_CLIENT ?? '';
  if (asked === '') {
    const c = findCClient(log);
    if (c === undefined) log("scale-out: no C client, so dtls13's own JS clients make the handshakes (DTLS13_SCALE_OUT_CLIENT=node)");
    return { kinds: c === undefined ? ['node'] : ['c'], c };
  }
  const kinds = [...new Set(asked.split(','))];
  for (const k of kinds) if (k !== 'c' && k !== 'node') throw new RangeError(`DTLS13_SCALE_OUT_CLIENT: ${k} is neither c nor node`);
  if (!kinds.includes('c')) return { kinds: kinds as ClientKind[], c: undefined };
  const c = findCClient(log);
  if (c === undefined) throw new Error('DTLS13_SCALE_OUT_CLIENT asks for the C client, which could not be built (see above)');
  return { kinds: kinds as ClientKind[], c };
}

export async function benchScaleOut(log: (line: string) => void): Promise<void> {
  const keys = (process.env.DTLS13_SCALE_OUT_KEYS ?? 'p256,rsa4096').split(',');
  for (const kind of keys)
    if (WORKLOADS[kind] === undefined) throw new RangeError(`DTLS13_SCALE_OUT_KEYS: ${kind} is none of ${Object.keys(WORKLOADS).join(', ')}`);
  const clients = chooseClients(log);
  for (const [i, kind] of keys.entries()) await benchWorkload(log, kind as KeyPairKind, i === 0, clients.kinds, clients.c);
}

/** What one kind of client measured, over the rounds. */
interface Measures {
  /** Per N: handshakes per second, one per round. */
  readonly rates: Map<number, number[]>;
  readonly failures: Map<number, number>;
  /** Per N: the workers' event loop CPU (ms) and the handshakes they served, over the handshake windows. */
  readonly cpu: Map<number, { ms: number; handshakes: number }>;
  /** The client processes' CPU (ms) and the handshakes they completed, over every handshake window. */
  readonly clientCpu: { ms: number; handshakes: number };
}

async function benchWorkload(
  log: (line: string) => void,
  kind: KeyPairKind,
  withGoodput: boolean,
  kinds: readonly ClientKind[],
  c: CClient | undefined,
): Promise<void> {
  const most = envInt('DTLS13_SCALE_OUT_WORKERS', availableParallelism());
  const rounds = envInt('DTLS13_SCALE_OUT_ROUNDS', 3);
  const ms = envInt('DTLS13_SCALE_OUT_MS', 3000);
  const warmupMs = envInt('DTLS13_SCALE_OUT_WARMUP_MS', ms, 0);
  const inFlight = envInt('DTLS13_SCALE_OUT_IN_FLIGHT', 32);
  const clientCount = envInt('DTLS13_SCALE_OUT_CLIENTS', 1);
  const serverName = 'localhost';
  const id = createThrowawayIdentity({ serverName, caName: 'scale-out CA', kind });
  const cert = id.chain.map((c) => certificateToPem(c)).join('');
  const key = privateKeyToPem(id.privateKey);
  const ca = certificateToPem(id.caDer);
  const caDir = mkdtempSync(join(tmpdir(), 'dtls13-scale-out-'));
  const caFile = join(caDir, 'ca.pem');
  writeFileSync(caFile, ca);
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
    // The goodput senders share the cores with the workers: a worker off its core for a time slice would find the
    // default SO_RCVBUF (208 KiB, about 0.4 ms of this traffic) overflowed. For every N; Linux grants it up to
    // net.core.rmem_max (4 MiB on this project's machines; stock Linux 208 KiB, so raise it with sysctl elsewhere).
    udpReceiveBufferSize: 4 * 1024 * 1024,
  };
  for (const n of ns) {
    const server = n === 0 ? listen((session) => (session.onmessage = () => {}), common) : listenWorkers(module, { workers: n, ...common });
    await server.listening;
    servers.set(n, server);
  }
  // The JS client processes make the goodput sessions whichever client makes the handshakes.
  const jsClients = await Promise.all(Array.from({ length: clientCount }, startClient));
  const handshakes = (k: ClientKind, port: number, windowMs: number): Promise<ClientReply[]> =>
    k === 'node'
      ? Promise.all(jsClients.map((child) => ask(child, { type: 'handshakes', port, ms: windowMs, inFlight, ca })))
      : Promise.all(jsClients.map(() => cHandshakes(c!, port, caFile, serverName, inFlight, windowMs)));
  const measures = new Map<ClientKind, Measures>(
    kinds.map((k) => [
      k,
      {
        rates: new Map(ns.map((n) => [n, []])),
        failures: new Map(ns.map((n) => [n, 0])),
        cpu: new Map(ns.map((n) => [n, { ms: 0, handshakes: 0 }])),
        clientCpu: { ms: 0, handshakes: 0 },
      },
    ]),
  );
  const goodputs = new Map<number, number[]>(ns.map((n) => [n, []]));
  const loads: number[] = [];
  const describe = (k: ClientKind): string =>
    k === 'c'
      ? `C clients (bench/scale-out/c-client.c on ${describeBuild(c!.build)}): ${clientCount} process(es) x ${inFlight} threads, one handshake at a time each`
      : `JS clients (dtls13's own, bench/scale-out/clients.ts): ${clientCount} process(es) x ${inFlight} handshakes in flight`;
  log(`scale-out: ${WORKLOADS[kind]}`);
  log(`scale-out: ${availableParallelism()} cores, N = 1..${most} workers, a warm-up of ${warmupMs} ms then ${rounds} rounds of ${ms} ms`);
  for (const k of kinds) log(`scale-out: handshakes from ${describe(k)}`);
  // V8 compiles the handshake path over a process's first few thousand handshakes (the workers' and the JS clients'):
  // one window per N and client before the rounds, not counted.
  if (warmupMs > 0) for (const n of ns) for (const k of kinds) await handshakes(k, servers.get(n)!.address!.port, warmupMs);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ns : [...ns].reverse();
    const kindOrder = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const n of order) {
      for (const k of kindOrder) {
        const m = measures.get(k)!;
        const server = servers.get(n)!;
        const cpuBefore = n === 0 ? 0 : (server as DtlsWorkerListener).stats.threadCpuMs;
        const sessionsBefore = server.stats.serverSessions;
        const replies = await handshakes(k, server.address!.port, ms);
        const count = replies.reduce((a, r) => a + r.count, 0);
        m.clientCpu.ms += replies.reduce((a, r) => a + r.cpuMs, 0);
        m.clientCpu.handshakes += count;
        m.failures.set(n, m.failures.get(n)! + replies.reduce((a, r) => a + r.failed, 0));
        if (n > 0) {
          await new Promise((r) => setTimeout(r, 150)); // the workers' rows are at most 100 ms old
          const cpu = m.cpu.get(n)!;
          cpu.ms += (server as DtlsWorkerListener).stats.threadCpuMs - cpuBefore;
          cpu.handshakes += server.stats.serverSessions - sessionsBefore;
        }
        const elapsed = Math.max(...replies.map((r) => r.ms));
        m.rates.get(n)!.push((count / elapsed) * 1000);
        loads.push(loadavg()[0]!);
      }
    }
    for (const n of withGoodput ? order : []) {
      const server = servers.get(n)!;
      const before = server.stats.bytesReceived;
      const t0 = performance.now();
      await Promise.all(jsClients.map((child) => ask(child, { type: 'goodput', port: server.address!.port, ms, sessions: 4 * Math.max(1, n), ca })));
      await new Promise((r) => setTimeout(r, 150)); // the workers' counters are at most 100 ms old
      goodputs.get(n)!.push(((server.stats.bytesReceived - before) / (performance.now() - t0 - 150)) * 1000);
    }
  }
  for (const k of kinds) report(log, k === 'c' ? 'C clients' : 'JS clients', measures.get(k)!, ns, kinds.length > 1);
  if (withGoodput) {
    const oneGoodput = median(goodputs.get(1)!);
    log(`scale-out: before goodput ${(median(goodputs.get(0)!) / 1e6).toFixed(1)} MB/s received (4 sessions)`);
    for (const n of ns.slice(1)) {
      const g = median(goodputs.get(n)!);
      log(
        `scale-out: ${n} workers goodput ${(g / 1e6).toFixed(1)} MB/s received = ${(g / oneGoodput).toFixed(2)}× one worker (${4 * n} sessions sending full 1,200-byte datagrams)`,
      );
    }
  }
  log(`scale-out: load average ${median(loads).toFixed(2)} (1-minute, median over the rounds)`);
  for (const child of jsClients) child.kill();
  await Promise.all([...servers.values()].map((server) => server.close()));
  rmSync(caDir, { recursive: true, force: true });
}

/** The lines of one kind of client: the rates per N and their ratios to one worker, the CPU per handshake and what it lets this machine show. */
function report(log: (line: string) => void, who: string, m: Measures, ns: readonly number[], labelled: boolean): void {
  const say = (line: string): void => log(labelled ? `scale-out: [${who}] ${line}` : `scale-out: ${line}`);
  const one = median(m.rates.get(1)!);
  const before = median(m.rates.get(0)!);
  const rounds$ = (xs: readonly number[]): string => xs.map((r) => r.toFixed(0)).join(', ');
  say(`before (listen without workers: one event loop, this process's) ${before.toFixed(0)} handshakes/s (rounds ${rounds$(m.rates.get(0)!)})`);
  for (const n of ns.slice(1)) {
    const rate = median(m.rates.get(n)!);
    const target = `target ≥ ${(0.8 * n).toFixed(1)}×; ${(rate / before).toFixed(2)}× before; ${m.failures.get(n)} failed`;
    say(`${n} workers ${rate.toFixed(0)} handshakes/s = ${(rate / one).toFixed(2)}× one worker (${target}; rounds ${rounds$(m.rates.get(n)!)})`);
  }
  // What the server would do with a core per worker and clients elsewhere: its own CPU per handshake, measured in the workers' threads.
  const perHandshake = (n: number): number => m.cpu.get(n)!.ms / Math.max(1, m.cpu.get(n)!.handshakes);
  for (const n of ns.slice(1)) {
    const capacity = (n * 1000) / perHandshake(n);
    say(
      `${n} workers: ${perHandshake(n).toFixed(2)} ms of worker CPU per handshake -> ${capacity.toFixed(0)} handshakes/s with ${n} core(s) of its own = ${(capacity / (1000 / perHandshake(1))).toFixed(2)}× one worker (a model from the measured CPU, not a measured rate)`,
    );
  }
  // The most any server could do here: every handshake costs the server's CPU and the clients', and all share the cores.
  const most = ns.at(-1)!;
  const clientPer = m.clientCpu.ms / Math.max(1, m.clientCpu.handshakes);
  const cores = availableParallelism();
  const bound = (cores * 1000) / (perHandshake(most) + clientPer);
  say(
    `the clients spent ${clientPer.toFixed(2)} ms of CPU per handshake: with ${cores} cores shared by them and ${most} workers (${perHandshake(most).toFixed(2)} ms), at most ${bound.toFixed(0)} handshakes/s = ${(bound / one).toFixed(2)}× one worker's measured rate can be measured on this machine`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchScaleOut(console.log);
