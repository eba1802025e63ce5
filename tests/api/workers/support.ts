/** What the workers tests share: a 2-worker server with the echo worker module, clients placed on a chosen worker, probes of the kernel's hash. */
import type { ExecutionContext } from 'ava';
import { createSocket } from 'node:dgram';
import { connect, type DtlsSession } from '../../../runtime/index.js';
import { listenWorkers } from '../../../runtime/workers.js';
import type { ConnectOptions } from '../../../runtime/api/options.js';
import type { DtlsWorkerListener } from '../../../runtime/api/workers/worker-listener.js';
import { nextMessage, pemIdentity, sleep } from '../fixtures.js';

export const id = pemIdentity('localhost');
export const ECHO_WORKER = new URL('./fixtures/echo-worker.ts', import.meta.url);

/**
 * A 2-worker server closed when the test ends, passed or failed: a failed
 * assertion throws (AVA 6 on), and worker threads left running keep the
 * test file's process from exiting.
 */
export function workersServer(t: ExecutionContext, extra: Record<string, unknown> = {}): DtlsWorkerListener {
  const server = listenWorkers(ECHO_WORKER, {
    workers: 2,
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    cid: 8,
    maxEarlyData: 1024,
    ...extra,
  });
  t.teardown(() => server.close());
  return server;
}

/**
 * How long a reply or a condition may take: a bound on liveness, not on speed. Beside CI's learning runs (load average
 * near 40) a worker started in a dead one's place loads its module under tsx and took longer than the 10 s once allowed.
 */
const LIVENESS_MS = 60_000;

/** Sends `text` and returns the reply ("<worker>[ early]: text"); rejects when none comes within LIVENESS_MS. */
export async function exchange(session: DtlsSession, text: string): Promise<string> {
  const reply = nextMessage(session);
  session.send(text);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(() => reject(new Error(`no reply to '${text}' within ${LIVENESS_MS} ms`)), LIVENESS_MS)),
  );
  try {
    return (await Promise.race([reply, late])).toString();
  } finally {
    clearTimeout(timer);
  }
}

/** The worker a reply names. */
export function workerOf(reply: string): number {
  return Number(reply.split(/[ :]/)[0]);
}

/** A client served by `worker` (new local ports until the kernel's hash puts one there), closed when the test ends. */
export async function clientOn(
  t: ExecutionContext,
  port: number,
  worker: number,
  options: ConnectOptions = {},
): Promise<DtlsSession> {
  for (let tries = 0; tries < 40; tries++) {
    const client = connect('127.0.0.1', port, {
      ca: id.ca,
      servername: 'localhost',
      cid: 4,
      handshakeTimeout: LIVENESS_MS,
      ...options,
    });
    t.teardown(() => client.close());
    await client.opened;
    if (workerOf(await exchange(client, 'where')) === worker) return client;
    await client.close();
  }
  throw new Error(`no client landed on worker ${worker} in 40 tries`);
}

/** Waits for `condition`, up to LIVENESS_MS. */
export async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < LIVENESS_MS; waited += 10) await sleep(10);
}

/** Which worker's socket the kernel's hash gives datagrams from 127.0.0.1:`localPort` (a junk datagram, seen in the workers' counts). */
export async function hashedWorker(server: DtlsWorkerListener, localPort: number): Promise<number> {
  const before = server.stats.workers.map((w) => w.packetsReceived);
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(localPort, '127.0.0.1', () => resolve());
  });
  socket.send(Uint8Array.of(0), server.address!.port, '127.0.0.1');
  await until(() => server.stats.workers.some((w, i) => w.packetsReceived > before[i]!));
  socket.close();
  const moved = server.stats.workers.findIndex((w, i) => w.packetsReceived > before[i]!);
  if (moved < 0) throw new Error('the probe reached no worker');
  return moved;
}
