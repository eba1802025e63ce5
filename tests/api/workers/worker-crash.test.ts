/**
 * A worker of `listenWorkers` that dies (issue 56 finding 6, and the point
 * round four left open). Before: the endpoint ended with it, and every
 * client, the healthy workers' too, was closed. Now the dead worker's
 * sessions end with an internal_error alert, `onworkerexit` names them, a
 * new worker takes the dead one's place on the same socket (the primary
 * kept it: the reuseport group, the kernel's hash and the CID program do
 * not change), the other workers' sessions go on on the worker they were
 * on, and new handshakes reach the new worker.
 */
import { type ExecutionContext } from 'ava';
import { listenWorkers, type WorkerExit } from '../../../runtime/workers.js';
import type { DtlsSession } from '../../../runtime/index.js';
import { clientOn, exchange, id, until } from './support.js';
import { workersTest } from './workers-test.js';

const CRASHING = new URL('./fixtures/crashing-worker.ts', import.meta.url);

/** How `session` ended within 10 s: 'close_notify', the error of a failure, or 'still open'. */
async function ending(session: DtlsSession): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still open'), 10_000)));
  try {
    return await Promise.race([
      session.closed.then(
        () => session.closeReason ?? 'closed',
        (e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The number after "<worker>: " in a reply. */
const numberIn = (reply: string): number => Number(reply.split(': ')[1]);

/**
 * Three workers; a client on `victim` and two on each other worker; the victim's module dies by `how`. The victim's
 * client is told, the others go on where they were, and a new client reaches a new thread in the victim's place.
 */
async function crashAndGoOn(
  t: ExecutionContext,
  how: 'crash' | 'exit',
  victim: number,
  cid: Record<string, unknown>,
): Promise<void> {
  const server = listenWorkers(CRASHING, { workers: 3, cert: id.cert, key: id.key, host: '127.0.0.1', ...cid });
  t.teardown(() => server.close());
  const exits: WorkerExit[] = [];
  server.onworkerexit = (exit) => exits.push(exit);
  const { port } = await server.listening;
  const onDead = await clientOn(t, port, victim);
  const healthy: { session: DtlsSession; worker: number }[] = [];
  for (let w = 0; w < 3; w++)
    if (w !== victim) for (let k = 0; k < 2; k++) healthy.push({ session: await clientOn(t, port, w), worker: w });
  const deadPort = numberIn(await exchange(onDead, 'port'));
  const deadThread = numberIn(await exchange(onDead, 'thread'));
  const dead = ending(onDead);
  onDead.send(how);
  const deadWay = await dead;
  t.log(`the dead worker's client: ${deadWay}`);
  t.regex(deadWay, /^failed: .*internal_error/);
  await until(() => exits.length > 0);
  t.is(exits.length, 1);
  t.is(exits[0]!.worker, victim);
  t.true(exits[0]!.replaced);
  t.deepEqual(exits[0]!.failed, [{ address: '127.0.0.1', port: deadPort }]);
  t.deepEqual(exits[0]!.closed, []);
  // Every healthy session still exchanges data, with the worker it had.
  for (const { session, worker } of healthy) {
    t.is(await exchange(session, 'still there'), `${worker}: still there`);
    t.is(session.closeReason, undefined);
  }
  // New handshakes reach the victim's place: a new thread answers there.
  const fresh = await clientOn(t, port, victim);
  t.not(numberIn(await exchange(fresh, 'thread')), deadThread);
  t.is(await exchange(fresh, 'hello'), `${victim}: hello`);
  t.false(server.destroyed);
  await server.close();
  await t.notThrowsAsync(server.closed);
}

workersTest(
  'a worker that throws out of its event loop is replaced: 4-tuple hash sessions of the others go on, its client gets internal_error',
  (t) => crashAndGoOn(t, 'crash', 0, {}),
);

workersTest(
  'a worker that calls process.exit is replaced: CID-steered sessions of the others go on, its client gets internal_error',
  (t) => crashAndGoOn(t, 'exit', 1, { cid: 8 }),
);

workersTest(
  'a worker that dies before the endpoint listens is not replaced: listening rejects, closed rejects',
  async (t) => {
    const server = listenWorkers(new URL('./fixtures/no-such-module.ts', import.meta.url), {
      workers: 2,
      cert: id.cert,
      key: id.key,
      host: '127.0.0.1',
    });
    await t.throwsAsync(server.listening);
    await t.throwsAsync(server.closed);
    t.true(server.destroyed);
  },
);
