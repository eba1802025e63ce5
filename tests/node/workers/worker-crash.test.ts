/**
 * A worker of `listenWorkers` that dies (issue 56 finding 6): its module
 * throws out of the event loop. Before, the endpoint ended and every
 * client, the dead worker's and the healthy one's, was left open without a
 * word. Now the dead worker's sessions end with an internal_error alert,
 * the other worker's with close_notify as the endpoint ends, and
 * `onworkerexit` names the sessions that ended each way.
 */
import test from 'ava';
import { listenWorkers, type WorkerExit } from '../../../runtime/workers.js';
import type { DtlsSession } from '../../../runtime/index.js';
import { clientOn, exchange, id, until } from './support.js';

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

test('a worker that throws out of its event loop: its client gets internal_error, the other worker\u2019s close_notify, and onworkerexit names both', async (t) => {
  const server = listenWorkers(CRASHING, { workers: 2, cert: id.cert, key: id.key, host: '127.0.0.1', cid: 8 });
  t.teardown(() => server.close());
  const exits: WorkerExit[] = [];
  server.onworkerexit = (exit) => exits.push(exit);
  const { port } = await server.listening;
  const onDead = await clientOn(t, port, 0);
  const onHealthy = await clientOn(t, port, 1);
  const deadPort = Number((await exchange(onDead, 'port')).split(': ')[1]);
  const healthyPort = Number((await exchange(onHealthy, 'port')).split(': ')[1]);
  const dead = ending(onDead);
  const healthy = ending(onHealthy);
  onDead.send('crash');
  const [deadWay, healthyWay] = await Promise.all([dead, healthy]);
  t.log(`the dead worker's client: ${deadWay}; the healthy worker's: ${healthyWay}`);
  t.regex(deadWay, /^failed: .*internal_error/);
  t.is(healthyWay, 'close_notify');
  await t.throwsAsync(server.closed, { message: /worker 0 exited .*a bug in the module/ });
  await until(() => exits.length > 0);
  t.is(exits.length, 1);
  t.is(exits[0]!.worker, 0);
  t.deepEqual(exits[0]!.failed, [{ address: '127.0.0.1', port: deadPort }]);
  t.deepEqual(exits[0]!.closed, [{ address: '127.0.0.1', port: healthyPort }]);
});
