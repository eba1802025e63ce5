import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen } from '../runtime/index.js';
import { listenWorkers } from '../runtime/workers.js';
import type { DtlsListener } from '../runtime/api/listener.js';
import type { DtlsWorkerListener } from '../runtime/api/workers/worker-listener.js';
import { certificateToPem, privateKeyToPem } from '../runtime/pki/pem.js';
import type { KeyPairKind } from '../runtime/pki/key-pair.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { cHandshakes, describeBuild, findCClient, type CClient } from './scale-out/c-client.js';
import type { ClientReply, ClientRequest } from './scale-out/clients.js';
import { describePlacement, pin, pinning, placementFor, type Placement } from './scale-out/placement.js';
import type { WorkerStats } from '../runtime/api/workers/worker-stats.js';

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
 * Placement (scale-out/placement.ts): before each measurement the bench pins
 * its own process (the server's threads) to the last N cores and the clients
 * to the others with taskset, where that leaves the clients a core; on 2
 * cores one worker runs on CPU 1 and the clients on CPU 0, while 2 workers
 * and their clients share both cores, which it prints, with the rate the
 * workers' measured CPU allows with a core each (a model). Per N it prints
 * each worker's CPU per handshake and received bytes, the cross-worker work
 * per handshake (datagrams forwarded, messages posted), and every ratio as
 * the median of the rounds' ratios with their spread. On a bigger machine:
 * `DTLS13_SCALE_OUT_WORKERS=4` (the largest N), `DTLS13_SCALE_OUT_CLIENTS=4`
 * (client processes); `DTLS13_SCALE_OUT_PIN=0` leaves placement to the
 * scheduler. Other knobs: `DTLS13_SCALE_OUT_ROUNDS` (default 3),
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
  if (!Number.isInteger(n) || n < least)
    throw new RangeError(`${name} must be an integer >= ${least}, got ${String(v)}`);
  return n;
}

function startClient(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./scale-out/clients.ts', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
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

/** The servers' limits: on 127.0.0.1, none on sessions or handshakes, sessions idle for 5 s closed. */
export const SERVER_LIMITS = {
  host: '127.0.0.1',
  maxSessions: 0,
  maxSessionsPerHost: 0,
  maxHandshakes: 1_000_000,
  maxHandshakesPerHost: 1_000_000,
  idleTimeout: 5_000,
} as const;

/** Who makes the handshakes: `c`, bench/scale-out/c-client.c on wolfSSL; `node`, dtls13's own client (clients.ts). */
type ClientKind = 'c' | 'node';

/** The client kinds `DTLS13_SCALE_OUT_CLIENT` asks for (`c`, `node` or `c,node`); by default the C client when it builds, else node. */
function chooseClients(log: (line: string) => void): {
  readonly kinds: readonly ClientKind[];
  readonly c: CClient | undefined;
} {
  const asked = process.env.DTLS13_SCALE_OUT_CLIENT ?? '';
  if (asked === '') {
    const c = findCClient(log);
    if (c === undefined)
      log("scale-out: no C client, so dtls13's own JS clients make the handshakes (DTLS13_SCALE_OUT_CLIENT=node)");
    return { kinds: c === undefined ? ['node'] : ['c'], c };
  }
  const kinds = [...new Set(asked.split(','))];
  for (const k of kinds)
    if (k !== 'c' && k !== 'node') throw new RangeError(`DTLS13_SCALE_OUT_CLIENT: ${k} is neither c nor node`);
  if (!kinds.includes('c')) return { kinds: kinds as ClientKind[], c: undefined };
  const c = findCClient(log);
  if (c === undefined)
    throw new Error('DTLS13_SCALE_OUT_CLIENT asks for the C client, which could not be built (see above)');
  return { kinds: kinds as ClientKind[], c };
}

export async function benchScaleOut(log: (line: string) => void): Promise<void> {
  const keys = (process.env.DTLS13_SCALE_OUT_KEYS ?? 'p256,rsa4096').split(',');
  for (const kind of keys)
    if (WORKLOADS[kind] === undefined)
      throw new RangeError(`DTLS13_SCALE_OUT_KEYS: ${kind} is none of ${Object.keys(WORKLOADS).join(', ')}`);
  const clients = chooseClients(log);
  for (const [i, kind] of keys.entries())
    await benchWorkload(log, kind as KeyPairKind, i === 0, clients.kinds, clients.c);
}

/** The median of `xs` and their spread, as the bench prints a ratio: `1.02× (0.95–1.10)`. */
function spread(xs: readonly number[]): string {
  return `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
}

/** Round r's value of N over one worker's, for each round. */
function ratios(perRound: ReadonlyMap<number, readonly number[]>, n: number): number[] {
  return perRound.get(n)!.map((v, r) => v / perRound.get(1)![r]!);
}

/** Per worker of one N, summed over the rounds: its thread's CPU, the handshakes it served, what crossed threads. */
interface WorkerTotals {
  readonly cpuMs: number[];
  readonly handshakes: number[];
  forwarded: number;
  posted: number;
}

/** Adds what each worker did between two reads of `stats.workers`. */
function addRows(totals: WorkerTotals, before: readonly WorkerStats[], after: readonly WorkerStats[]): void {
  after.forEach((row, i) => {
    totals.cpuMs[i] = (totals.cpuMs[i] ?? 0) + row.threadCpuMs - before[i]!.threadCpuMs;
    totals.handshakes[i] = (totals.handshakes[i] ?? 0) + row.serverSessions - before[i]!.serverSessions;
    totals.forwarded += row.forwardedOut - before[i]!.forwardedOut;
    totals.posted += row.messagesPosted - before[i]!.messagesPosted;
  });
}

/** What one kind of client measured, over the rounds. */
interface Measures {
  /** Per N: handshakes per second, one per round. */
  readonly rates: Map<number, number[]>;
  /** Per N: each worker's totals. */
  readonly workers: Map<number, WorkerTotals>;
  readonly failures: Map<number, number>;
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
  // The machine's cores (read before the bench pins itself: availableParallelism() reads this process's affinity).
  const cores = availableParallelism();
  const most = envInt('DTLS13_SCALE_OUT_WORKERS', cores);
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
    ...SERVER_LIMITS,
    // The goodput senders share the cores with the workers: a worker off its core for a time slice would find the
    // default SO_RCVBUF (208 KiB, about 0.4 ms of this traffic) overflowed. For every N; Linux grants it up to
    // net.core.rmem_max (4 MiB on this project's machines; stock Linux 208 KiB, so raise it with sysctl elsewhere).
    udpReceiveBufferSize: 4 * 1024 * 1024,
  };
  const canPin = pinning();
  const placements = new Map<number, Placement | undefined>(
    ns.map((n) => [n, canPin ? placementFor(n, cores) : undefined]),
  );
  for (const n of ns) {
    const server =
      n === 0
        ? listen((session) => (session.onmessage = () => {}), common)
        : listenWorkers(module, { workers: n, ...common });
    await server.listening;
    servers.set(n, server);
  }
  // The JS client processes make the goodput sessions whichever client makes the handshakes.
  const jsClients = await Promise.all(Array.from({ length: clientCount }, startClient));
  /** Pins the server (this process) and the JS clients for N; the C clients start on the clients' CPUs. */
  const place = (n: number): string | undefined => {
    const p = placements.get(n);
    if (p === undefined) return undefined;
    pin(process.pid, p.server);
    for (const child of jsClients) pin(child.pid!, p.clients);
    return p.clients;
  };
  const handshakes = (k: ClientKind, n: number, windowMs: number): Promise<ClientReply[]> => {
    const port = servers.get(n)!.address!.port;
    const cpus = place(n);
    return k === 'node'
      ? Promise.all(jsClients.map((child) => ask(child, { type: 'handshakes', port, ms: windowMs, inFlight, ca })))
      : Promise.all(jsClients.map(() => cHandshakes(c!, port, caFile, serverName, inFlight, windowMs, cpus)));
  };
  const measures = new Map<ClientKind, Measures>(
    kinds.map((k) => [
      k,
      {
        rates: new Map(ns.map((n) => [n, []])),
        workers: new Map(ns.map((n) => [n, { cpuMs: [], handshakes: [], forwarded: 0, posted: 0 }])),
        failures: new Map(ns.map((n) => [n, 0])),
        clientCpu: { ms: 0, handshakes: 0 },
      },
    ]),
  );
  const goodputs = new Map<number, number[]>(ns.map((n) => [n, []]));
  /** Per N: the bytes each worker received in the goodput windows, summed over the rounds, and the windows' time. */
  const goodputRows = new Map<number, { bytes: number[]; ms: number }>(ns.map((n) => [n, { bytes: [], ms: 0 }]));
  const loads: number[] = [];
  const describe = (k: ClientKind): string =>
    k === 'c'
      ? `C clients (bench/scale-out/c-client.c on ${describeBuild(c!.build)}): ${clientCount} process(es) x ${inFlight} threads, one handshake at a time each`
      : `JS clients (dtls13's own, bench/scale-out/clients.ts): ${clientCount} process(es) x ${inFlight} handshakes in flight`;
  log(`scale-out: ${WORKLOADS[kind]}`);
  log(
    `scale-out: ${cores} cores, N = 1..${most} workers, a warm-up of ${warmupMs} ms then ${rounds} rounds of ${ms} ms`,
  );
  for (const k of kinds) log(`scale-out: handshakes from ${describe(k)}`);
  for (const n of ns) log(`scale-out: placement: ${describePlacement(n, placements.get(n))}`);
  // V8 compiles the handshake path over a process's first few thousand handshakes (the workers' and the JS clients'):
  // one window per N and client before the rounds, not counted.
  if (warmupMs > 0) for (const n of ns) for (const k of kinds) await handshakes(k, n, warmupMs);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ns : [...ns].reverse();
    const kindOrder = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const n of order) {
      for (const k of kindOrder) {
        const m = measures.get(k)!;
        const server = servers.get(n)!;
        const rowsBefore = n === 0 ? [] : (server as DtlsWorkerListener).stats.workers;
        const replies = await handshakes(k, n, ms);
        const count = replies.reduce((a, r) => a + r.count, 0);
        m.clientCpu.ms += replies.reduce((a, r) => a + r.cpuMs, 0);
        m.clientCpu.handshakes += count;
        m.failures.set(n, m.failures.get(n)! + replies.reduce((a, r) => a + r.failed, 0));
        if (n > 0) {
          await new Promise((r) => setTimeout(r, 150)); // the workers' rows are at most 100 ms old
          addRows(m.workers.get(n)!, rowsBefore, (server as DtlsWorkerListener).stats.workers);
        }
        const elapsed = Math.max(...replies.map((r) => r.ms));
        m.rates.get(n)!.push((count / elapsed) * 1000);
        loads.push(loadavg()[0]!);
      }
    }
    for (const n of withGoodput ? order : []) {
      const server = servers.get(n)!;
      const before = server.stats.bytesReceived;
      const rowsBefore = n === 0 ? [] : (server as DtlsWorkerListener).stats.workers;
      place(n);
      const t0 = performance.now();
      await Promise.all(
        jsClients.map((child) =>
          ask(child, { type: 'goodput', port: server.address!.port, ms, sessions: 4 * Math.max(1, n), ca }),
        ),
      );
      await new Promise((r) => setTimeout(r, 150)); // the workers' counters are at most 100 ms old
      const windowMs = performance.now() - t0 - 150;
      goodputs.get(n)!.push(((server.stats.bytesReceived - before) / windowMs) * 1000);
      const rows = goodputRows.get(n)!;
      rows.ms += windowMs;
      if (n > 0)
        (server as DtlsWorkerListener).stats.workers.forEach(
          (w, i) => (rows.bytes[i] = (rows.bytes[i] ?? 0) + w.bytesReceived - rowsBefore[i]!.bytesReceived),
        );
    }
  }
  for (const k of kinds)
    report(log, k === 'c' ? 'C clients' : 'JS clients', measures.get(k)!, ns, kinds.length > 1, placements, cores);
  if (withGoodput) {
    log(`scale-out: before goodput ${(median(goodputs.get(0)!) / 1e6).toFixed(1)} MB/s received (4 sessions)`);
    for (const n of ns.slice(1)) {
      const g = median(goodputs.get(n)!);
      const perWorker = ratios(goodputs, n).map((r) => r / n);
      const rows = goodputRows.get(n)!;
      const each = rows.bytes.map((b, i) => `worker ${i} ${((b / rows.ms) * 1e-3).toFixed(1)}`).join(', ');
      log(
        `scale-out: ${n} workers goodput ${(g / 1e6).toFixed(1)} MB/s received = ${spread(ratios(goodputs, n))} one worker; per worker ${spread(perWorker)} one worker's (target 1.00×; ${each} MB/s; ${4 * n} sessions sending full 1,200-byte datagrams)`,
      );
    }
  }
  log(`scale-out: load average ${median(loads).toFixed(2)} (1-minute, median over the rounds)`);
  if (canPin) pin(process.pid, `0-${cores - 1}`);
  for (const child of jsClients) child.kill();
  await Promise.all([...servers.values()].map((server) => server.close()));
  rmSync(caDir, { recursive: true, force: true });
}

/**
 * The lines of one kind of client: the rates per N and their ratios to one worker (median and spread of the rounds'),
 * each worker's CPU per handshake and what crossed threads, and what that CPU lets this machine show.
 */
function report(
  log: (line: string) => void,
  who: string,
  m: Measures,
  ns: readonly number[],
  labelled: boolean,
  placements: ReadonlyMap<number, Placement | undefined>,
  cores: number,
): void {
  const say = (line: string): void => log(labelled ? `scale-out: [${who}] ${line}` : `scale-out: ${line}`);
  const one = median(m.rates.get(1)!);
  const before = median(m.rates.get(0)!);
  const rounds$ = (xs: readonly number[]): string => xs.map((r) => r.toFixed(0)).join(', ');
  say(
    `before (listen without workers: one event loop, this process's) ${before.toFixed(0)} handshakes/s (rounds ${rounds$(m.rates.get(0)!)})`,
  );
  for (const n of ns.slice(1)) {
    const rate = median(m.rates.get(n)!);
    const apart = placements.get(n)?.separated === true ? 'clients on other cores' : 'clients on the same cores';
    const target = `target ≥ ${(0.8 * n).toFixed(1)}× (${apart}); ${spread(m.rates.get(n)!.map((v, r) => v / m.rates.get(0)![r]!))} before; ${m.failures.get(n)} failed`;
    say(
      `${n} workers ${rate.toFixed(0)} handshakes/s = ${spread(ratios(m.rates, n))} one worker (${target}; rounds ${rounds$(m.rates.get(n)!)})`,
    );
  }
  // Each worker's own CPU per handshake (its event loop thread's clock): the same for every N when workers add.
  const totals = (n: number): WorkerTotals => m.workers.get(n)!;
  const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
  const perHandshake = (n: number): number => sum(totals(n).cpuMs) / Math.max(1, sum(totals(n).handshakes));
  for (const n of ns.slice(1)) {
    const t = totals(n);
    const each = t.cpuMs
      .map(
        (ms, i) => `worker ${i} ${(ms / Math.max(1, t.handshakes[i]!)).toFixed(3)} ms (${t.handshakes[i]} handshakes)`,
      )
      .join(', ');
    const handshakes = Math.max(1, sum(t.handshakes));
    say(
      `${n} workers: worker CPU per handshake ${each}; across threads per handshake ${(t.forwarded / handshakes).toFixed(3)} datagrams forwarded, ${(t.posted / handshakes).toFixed(3)} messages posted`,
    );
  }
  // What the server would do with a core per worker and clients elsewhere: a model from the workers' measured CPU.
  for (const n of ns.slice(1)) {
    const capacity = (n * 1000) / perHandshake(n);
    say(
      `${n} workers: ${perHandshake(n).toFixed(3)} ms of worker CPU per handshake (${(perHandshake(n) / perHandshake(1)).toFixed(2)}× one worker's) -> ${capacity.toFixed(0)} handshakes/s with ${n} core(s) of its own = ${(capacity / (1000 / perHandshake(1))).toFixed(2)}× one worker (a model from the measured CPU, not a measured rate)`,
    );
  }
  // The most any server could do here: every handshake costs the server's CPU and the clients', and all share the cores.
  const most = ns.at(-1)!;
  const clientPer = m.clientCpu.ms / Math.max(1, m.clientCpu.handshakes);
  const bound = (cores * 1000) / (perHandshake(most) + clientPer);
  say(
    `the clients spent ${clientPer.toFixed(2)} ms of CPU per handshake: with ${cores} cores shared by them and ${most} workers (${perHandshake(most).toFixed(2)} ms), at most ${bound.toFixed(0)} handshakes/s = ${(bound / one).toFixed(2)}× one worker's measured rate can be measured on this machine`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchScaleOut(console.log);
