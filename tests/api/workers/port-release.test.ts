/**
 * When the endpoint ends, every descriptor of its port is closed, however it ended. A worker stopped from outside
 * (`terminate()`) is replaced on a copy of its socket; when the replacement is stopped too before it is ready, the
 * endpoint ends. The replacement's copy was never taken by a socket in its thread, so the primary closes it: after
 * `closed`, a plain bind of the port and a new `listenWorkers` on it both work, and the new one serves clients.
 */
import test, { type ExecutionContext } from 'ava';
import { createSocket } from 'node:dgram';
import type { Worker } from 'node:worker_threads';
import { connect } from '../../../runtime/index.js';
import { listenWorkers } from '../../../runtime/workers.js';
import { nativeBinding } from '../../../runtime/crypto/native/binding.js';
import type { DtlsWorkerListener, WorkerExit } from '../../../runtime/api/workers/worker-listener.js';
import { sleep } from '../fixtures.js';
import { exchange, id, workersServer } from './support.js';

/** The primary's threads (its admission's), by worker number (a replacement in its dead one's place). */
const threadsOf = (server: DtlsWorkerListener): readonly Worker[] =>
  (server.admission as unknown as { readonly threads: readonly Worker[] }).threads;

/** Binds a plain UDP socket to 127.0.0.1:`port` and closes it; rejects with the bind's error. */
async function plainBind(port: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
  } finally {
    socket.close();
  }
}

/**
 * Worker 0 of a 2-worker server is terminated; its replacement is terminated `after` the first exit was told (0: at
 * once, before its thread ran; else that many ms, the report's 0.3 s). The endpoint is closed; then the port is free.
 */
async function terminateTwiceThenRebind(t: ExecutionContext, after: number): Promise<void> {
  const server = workersServer(t);
  const { port } = await server.listening;
  const exits: WorkerExit[] = [];
  const firstExit = new Promise<void>((resolve) => {
    server.onworkerexit = (exit) => {
      exits.push(exit);
      resolve();
    };
  });
  const first = threadsOf(server)[0]!;
  void first.terminate();
  await firstExit;
  t.true(exits[0]!.replaced, 'a worker that was ready is replaced');
  if (after > 0) await sleep(after);
  const replacement = threadsOf(server)[0]!;
  t.not(replacement, first);
  await replacement.terminate();
  // Ended (the replacement died before it was ready) or replaced again (it was ready within `after`): either way closed.
  await server.closed.catch(() => {});
  await server.close();
  t.true(server.destroyed);

  await t.notThrowsAsync(plainBind(port), 'a plain socket binds the port');
  const again = workersServer(t, { port });
  t.is((await again.listening).port, port);
  const client = connect('127.0.0.1', port, { ca: id.ca, servername: 'localhost' });
  t.teardown(() => client.close());
  await client.opened;
  t.regex(await exchange(client, 'served'), /^[01]: served$/);
  await again.close();
}

const native =
  process.platform === 'linux' &&
  typeof (nativeBinding as { reuseportDup?: unknown } | undefined)?.reuseportDup === 'function';

(native ? test : test.skip)(
  'a replacement terminated before its thread ran: the endpoint ends and the port is free',
  async (t) => {
    await terminateTwiceThenRebind(t, 0);
  },
);

(native ? test : test.skip)('workers terminated 0.3 s apart: after close() the port is free', async (t) => {
  await terminateTwiceThenRebind(t, 300);
});

(native ? test : test.skip)('a worker module that does not load: listening rejects and the port is free', async (t) => {
  // A port of our own, free now: the failed endpoint must leave it so.
  const probe = createSocket('udp4');
  await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address();
  probe.close();
  const server = listenWorkers(new URL('./fixtures/no-such-module.ts', import.meta.url), {
    workers: 2,
    cert: id.cert,
    key: id.key,
    host: '127.0.0.1',
    port,
  });
  await t.throwsAsync(server.listening);
  await t.throwsAsync(server.closed);
  await t.notThrowsAsync(plainBind(port), 'a plain socket binds the port');
});
