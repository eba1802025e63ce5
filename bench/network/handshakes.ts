import { openClientEndpoint } from '../../tests/support/udp-client.js';
import type { Identity } from '../../tests/support/pki-fixtures.js';
import { runWolf, startWolfServer, type PemFiles } from '../../tests/interop/wolfssl.js';
import { latencyLine } from './stats.js';
import { rebound, servingSocket } from './wolf-pacing.js';

/**
 * Sequential handshakes on loopback, client in this process, server in
 * another (our peer process, or wolfSSL's example server); one at a time,
 * each to completion at the client, then closed. Our time runs from
 * creating the client's socket to handshake complete. wolfSSL's client
 * reports its own (`-b 1`: from wolfSSL_new and its socket through
 * wolfSSL_connect, shutdown and close), in a fresh process each time, so
 * process start and certificate loading are not counted. Against wolfSSL's
 * server each client waits until it has rebound (see wolf-pacing.ts).
 * Ours ↔ ours also runs 8 in flight, reading each process's CPU time
 * around the run: first as the warm-up (both processes cold), then again
 * once V8 has compiled the handshake path.
 */

/** Our client: ms from connect to handshake complete at the client; `pace` runs between handshakes (untimed). */
async function ourClient(
  port: number,
  id: Identity,
  n: number,
  pace: () => Promise<void> = async () => {},
): Promise<number[]> {
  const times: number[] = [];
  // One anchor list for every connection, as an application keeps its options: the anchors are then parsed once.
  const trustAnchors = anchorsFor(id);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const c = openClientEndpoint({ port, trustAnchors, serverName: 'localhost', handshakeTimeoutMs: 10_000 });
    await c.handshake;
    times.push(performance.now() - t0);
    c.close();
    await c.closed;
    await pace();
  }
  return times;
}

const anchors = new WeakMap<Identity, readonly Uint8Array[]>();
function anchorsFor(id: Identity): readonly Uint8Array[] {
  let a = anchors.get(id);
  if (!a) anchors.set(id, (a = [id.caDer]));
  return a;
}

/** What a run of concurrent handshakes reached: handshakes per second, and each side's CPU per handshake (ms). */
interface ConcurrentRun {
  readonly perSecond: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs: number;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** `n` handshakes with up to `concurrency` in flight: handshakes per second over the whole run, and CPU per handshake on both sides. */
async function ourClientsConcurrent(
  port: number,
  id: Identity,
  n: number,
  concurrency: number,
  serverCpu: () => Promise<number>,
): Promise<ConcurrentRun> {
  const trustAnchors = anchorsFor(id);
  let started = 0;
  const server0 = await serverCpu();
  const client0 = cpuMicros();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const c = openClientEndpoint({ port, trustAnchors, serverName: 'localhost', handshakeTimeoutMs: 10_000 });
      await c.handshake;
      c.close();
      await c.closed;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - t0;
  const clientCpuMs = (cpuMicros() - client0) / 1000 / n;
  const serverCpuMs = ((await serverCpu()) - server0) / 1000 / n;
  return { perSecond: (n * 1000) / elapsed, clientCpuMs, serverCpuMs };
}

/** wolfSSL's example client (X25519 key share, our CA, no client certificate): its own handshake time per process. */
async function wolfClient(
  port: number,
  pem: PemFiles,
  n: number,
  pace: () => Promise<void> = async () => {},
): Promise<{ times: number[]; failures: string[] }> {
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await runWolf(
      'client',
      ['-u', '-v', '4', '-p', String(port), '-A', pem.ca, '-x', '-t', '-b', '1'],
      15_000,
    ).done;
    const m = /wolfSSL_connect avg took:\s*([\d.]+)\s*milliseconds/.exec(r.output);
    if (m) times.push(Number(m[1]));
    else failures.push(r.output.trim().split('\n').at(-1) ?? `exit ${String(r.code)}`);
    await pace();
  }
  return { times, failures };
}

/** A paced wolfSSL server (-i: one client after another): the next client waits until the server has a fresh socket bound. */
async function withWolfServer<T>(
  pem: PemFiles,
  run: (port: number, pace: () => Promise<void>) => Promise<T>,
): Promise<{ result: T; unpaced: number }> {
  const wolf = await startWolfServer(pem, ['-d', '-i', '-x']);
  let served: string | undefined;
  let unpaced = 0;
  const pace = async (): Promise<void> => {
    if (served === undefined || !(await rebound(wolf.port, served))) unpaced++;
    served = await servingSocket(wolf.port);
  };
  try {
    served = await servingSocket(wolf.port);
    return { result: await run(wolf.port, pace), unpaced };
  } finally {
    wolf.run.kill();
    await wolf.run.done;
  }
}

function concurrentLine(name: string, run: ConcurrentRun, n: number, concurrency: number): string {
  return `  ${name.padEnd(34)} ${run.perSecond.toFixed(0).padStart(5)} handshakes/s with ${concurrency} in flight (n=${n}); CPU per handshake: client ${run.clientCpuMs.toFixed(2)} ms, server ${run.serverCpuMs.toFixed(2)} ms (both processes share this machine's cores)`;
}

/** How many handshakes each run does. */
export interface HandshakeCounts {
  /** Sequential handshakes per latency line. */
  readonly sequential: number;
  /** Handshakes of the concurrent run (8 in flight), after the warm-up. */
  readonly concurrent: number;
  /**
   * The most handshakes the warm-up does (8 in flight, in rounds of {@link WARM_UP_ROUND}, each round's rate printed:
   * the first is the processes' cold figure); it stops sooner once a round is within 5 % of the one before.
   */
  readonly warmUp: number;
}

/** Handshakes per warm-up round. */
export const WARM_UP_ROUND = 1000;

/** Warm-up rounds until the rate settles (a round within 5 % of the previous one) or `max` handshakes are done. */
async function warmUp(
  port: number,
  id: Identity,
  max: number,
  concurrency: number,
  serverCpu: () => Promise<number>,
): Promise<void> {
  const rounds: ConcurrentRun[] = [];
  let done = 0;
  let settled = false;
  while (done < max && !settled) {
    const n = Math.min(WARM_UP_ROUND, max - done);
    const run = await ourClientsConcurrent(port, id, n, concurrency, serverCpu);
    const previous = rounds.at(-1);
    settled = previous !== undefined && Math.abs(run.perSecond - previous.perSecond) <= 0.05 * previous.perSecond;
    rounds.push(run);
    done += n;
  }
  const cold = rounds[0]!;
  console.log(
    `  ${'dtls13 → dtls13 warm-up'.padEnd(34)} ${rounds.map((r) => r.perSecond.toFixed(0)).join(', ')} handshakes/s in rounds of ${WARM_UP_ROUND}, ${concurrency} in flight (${done} in all; ${settled ? 'the last two within 5 %' : 'stopped at BENCH_NET_WARMUP'}); cold (the first round), CPU per handshake: client ${cold.clientCpuMs.toFixed(2)} ms, server ${cold.serverCpuMs.toFixed(2)} ms`,
  );
}

/** Prints the handshake lines. `ourPort` is the peer process's dtls13 server; `serverCpu` reads that process's CPU time (µs). */
export async function handshakeLatency(
  ourPort: number,
  serverCpu: () => Promise<number>,
  id: Identity,
  pem: PemFiles | undefined,
  counts: HandshakeCounts,
): Promise<void> {
  const concurrency = 8;
  const n = counts.sequential;
  // V8 compiles the handshake path over a process's first few thousand handshakes (both processes here): the warm-up
  // brings both to their steady state, and its first round is what a freshly started pair of processes reaches.
  if (counts.warmUp > 0) await warmUp(ourPort, id, counts.warmUp, concurrency, serverCpu);
  console.log(latencyLine('dtls13 client → dtls13 server', await ourClient(ourPort, id, n)));
  if (counts.concurrent > 0) {
    const run = await ourClientsConcurrent(ourPort, id, counts.concurrent, concurrency, serverCpu);
    console.log(concurrentLine('dtls13 clients → dtls13 server', run, counts.concurrent, concurrency));
  }
  if (!pem) {
    console.log('  wolfSSL: not measured (no wolfSSL build)');
    return;
  }
  const paceNote = (unpaced: number): string =>
    unpaced > 0 ? `${unpaced} handshakes not paced: wolfSSL did not rebind within 2 s` : '';
  const ours = await withWolfServer(pem, async (port, pace) => {
    await ourClient(port, id, 5, pace);
    return ourClient(port, id, n, pace);
  });
  console.log(latencyLine('dtls13 client → wolfSSL server', ours.result, paceNote(ours.unpaced)));
  const theirs = await wolfClient(ourPort, pem, n);
  console.log(
    latencyLine(
      'wolfSSL client → dtls13 server',
      theirs.times,
      theirs.failures.length ? `${theirs.failures.length} failed: ${theirs.failures[0]}` : '',
    ),
  );
  const both = await withWolfServer(pem, (port, pace) => wolfClient(port, pem, n, pace));
  console.log(
    latencyLine(
      'wolfSSL client → wolfSSL server',
      both.result.times,
      [
        paceNote(both.unpaced),
        both.result.failures.length ? `${both.result.failures.length} failed: ${both.result.failures[0]}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    ),
  );
}
