/**
 * The supervisor thread of flow-pool.ts: starts the pool's flow workers
 * (flow-worker.ts), each given its port to the pool, and, its own event
 * loop free while the pool's thread waits, hears each one end. A worker
 * that ends (out of memory, killed, its module not loaded) is marked dead
 * on the shared counters and the pool woken, so it never waits on a run
 * that will not come.
 */
import { workerData, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { startThread } from './flow-thread.js';

/** The counters the pool shares (flow-pool.ts): WAKE, then each worker's started and dead flags. */
const WAKE = 0;
const DEAD = 2;

const { ports, state, resourceLimits } = workerData as {
  readonly ports: readonly MessagePort[];
  readonly state: Int32Array;
  readonly resourceLimits: ResourceLimits | undefined;
};

for (const [j, port] of ports.entries()) {
  const worker = startThread('flow-worker', { port, state, j }, [port], resourceLimits);
  // An 'error' (out of memory, a throw outside a job) is followed by 'exit'; heard here, it would end this thread.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    Atomics.store(state, DEAD + 2 * j, 1);
    Atomics.add(state, WAKE, 1);
    Atomics.notify(state, WAKE);
  });
}
