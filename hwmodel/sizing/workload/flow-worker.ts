/**
 * A worker thread of flow-pool.ts: counts itself started, then runs the
 * flow model for each job the pool posts it, answers on its own port and
 * counts the job done on the shared counter the pool waits on (so the
 * pool, blocked, can read the answer as soon as it wakes).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { runFlow } from './flow-model.js';
import type { FlowJob, FlowJobResult } from './flow-pool.js';
import { runData } from './run-encoding.js';

const { port, done } = workerData as { readonly port: MessagePort; readonly done: Int32Array };

parentPort?.on('message', (job: FlowJob) => {
  let result: FlowJobResult;
  try {
    result = { i: job.i, run: runData(runFlow(job.traffic, job.knobs, job.costs, job.plan)) };
  } catch (e) {
    result = { i: job.i, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(result);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
// Started: the pool waits for this before it waits for answers (flow-pool.ts).
Atomics.add(done, 1, 1);
Atomics.notify(done, 1);
