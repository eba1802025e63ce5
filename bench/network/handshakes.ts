import { connectUdp } from '../../runtime/node/client.js';
import { DtlsEndpoint } from '../../runtime/node/endpoint.js';
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
 */

/** Our client: ms from connect to handshake complete at the client; `pace` runs between handshakes (untimed). */
async function ourClient(port: number, id: Identity, n: number, pace: () => Promise<void> = async () => {}): Promise<number[]> {
  const times: number[] = [];
  // One anchor list for every connection, as an application keeps its options: the anchors are then parsed once.
  const trustAnchors = anchorsFor(id);
  for (let i = 0; i < n; i++) {
    const t0 = DtlsEndpoint.now();
    const c = connectUdp({ port, trustAnchors, serverName: 'localhost', handshakeTimeoutMs: 10_000 });
    await c.handshake;
    times.push(DtlsEndpoint.now() - t0);
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

/** `n` handshakes with up to `concurrency` in flight: handshakes per second over the whole run. */
async function ourClientsConcurrent(port: number, id: Identity, n: number, concurrency: number): Promise<number> {
  const trustAnchors = anchorsFor(id);
  let started = 0;
  const t0 = DtlsEndpoint.now();
  const worker = async (): Promise<void> => {
    while (started < n) {
      started++;
      const c = connectUdp({ port, trustAnchors, serverName: 'localhost', handshakeTimeoutMs: 10_000 });
      await c.handshake;
      c.close();
      await c.closed;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (n * 1000) / (DtlsEndpoint.now() - t0);
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
    const r = await runWolf('client', ['-u', '-v', '4', '-p', String(port), '-A', pem.ca, '-x', '-t', '-b', '1'], 15_000).done;
    const m = /wolfSSL_connect avg took:\s*([\d.]+)\s*milliseconds/.exec(r.output);
    if (m) times.push(Number(m[1]));
    else failures.push(r.output.trim().split('\n').at(-1) ?? `exit ${String(r.code)}`);
    await pace();
  }
  return { times, failures };
}

/** A paced wolfSSL server (-i: one client after another): the next client waits until the server has a fresh socket bound. */
async function withWolfServer<T>(pem: PemFiles, run: (port: number, pace: () => Promise<void>) => Promise<T>): Promise<{ result: T; unpaced: number }> {
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

/** Prints the four handshake lines. `ourPort` is the peer process's dtls13 server. */
export async function handshakeLatency(ourPort: number, id: Identity, pem: PemFiles | undefined, n: number, warmUp: number): Promise<void> {
  // Untimed first: V8 compiles the handshake path over the first few hundred handshakes of a process (both processes here).
  const cold = await ourClient(ourPort, id, warmUp);
  if (warmUp > 0) console.log(latencyLine(`dtls13 → dtls13, the ${warmUp} warm-up`, cold));
  console.log(latencyLine('dtls13 client → dtls13 server', await ourClient(ourPort, id, n)));
  const concurrency = 8;
  console.log(
    `  ${'dtls13 clients → dtls13 server'.padEnd(34)} ${(await ourClientsConcurrent(ourPort, id, n, concurrency)).toFixed(0)} handshakes/s with ${concurrency} in flight (clients' CPU shares this machine's 2 cores with the server's)`,
  );
  if (!pem) {
    console.log('  wolfSSL: not measured (no wolfSSL build)');
    return;
  }
  const paceNote = (unpaced: number): string => (unpaced > 0 ? `${unpaced} handshakes not paced: wolfSSL did not rebind within 2 s` : '');
  const ours = await withWolfServer(pem, async (port, pace) => {
    await ourClient(port, id, 5, pace);
    return ourClient(port, id, n, pace);
  });
  console.log(latencyLine('dtls13 client → wolfSSL server', ours.result, paceNote(ours.unpaced)));
  const theirs = await wolfClient(ourPort, pem, n);
  console.log(
    latencyLine('wolfSSL client → dtls13 server', theirs.times, theirs.failures.length ? `${theirs.failures.length} failed: ${theirs.failures[0]}` : ''),
  );
  const both = await withWolfServer(pem, (port, pace) => wolfClient(port, pem, n, pace));
  console.log(
    latencyLine(
      'wolfSSL client → wolfSSL server',
      both.result.times,
      [paceNote(both.unpaced), both.result.failures.length ? `${both.result.failures.length} failed: ${both.result.failures[0]}` : '']
        .filter(Boolean)
        .join('; '),
    ),
  );
}
