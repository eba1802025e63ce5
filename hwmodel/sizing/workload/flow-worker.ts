/**
 * A flow worker of flow-pool.ts (started by its supervisor,
 * flow-supervisor.ts): counts itself started, then runs the flow model for
 * each job the pool posts on its port, answers on the same port and wakes
 * the pool on the shared counters (so the pool, blocked, can read the
 * answer as soon as it wakes).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { runFlow } from './flow-model.js';
import type { FlowJob, FlowJobResult } from './flow-pool.js';
import { runData } from './run-encoding.js';

const WAKE = 0;
const STARTED = 1;

const { port, state, j } = workerData as { readonly port: MessagePort; readonly state: Int32Array; readonly j: number };

port.on('message', (job: FlowJob) => {
  let result: FlowJobResult;
  try {
    result = { i: job.i, run: runData(runFlow(job.traffic, job.knobs, job.costs, job.plan)) };
  } catch (e) {
    result = { i: job.i, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(result);
  Atomics.add(state, WAKE, 1);
  Atomics.notify(state, WAKE);
});
// Started: the pool waits for this before it waits for answers (flow-pool.ts).
Atomics.store(state, STARTED + 2 * j, 1);
Atomics.add(state, WAKE, 1);
Atomics.notify(state, WAKE);
