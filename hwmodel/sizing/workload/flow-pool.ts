/**
 * Flow-model runs on worker threads (`dtls13 size --jobs N`): a
 * configuration's seeds, and the configurations a proof or the sensitivity
 * table grows, are independent runs, so each goes to a free worker of the
 * pool, and the search, which is synchronous, waits on a shared counter of
 * the runs done (Atomics.wait) and reads their answers off the workers'
 * ports (receiveMessageOnPort). A run is a function of its inputs: the
 * runs are the same to the bit as in this thread (run-encoding.ts carries
 * them), only sooner when cores are free. A batch of one run, or a pool of
 * one, runs in this thread. A worker that dies without answering (out of
 * memory) leaves the wait unended: the pool is for a command's own process.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { FlowRun } from './flow-run.js';
import { sequentialRunner, type FlowRunner, type RunJob } from './flow-runner.js';
import { runOf, type RunData } from './run-encoding.js';

/** A run asked of a worker: the batch's `i`-th. */
export interface FlowJob extends RunJob {
  readonly i: number;
}

/** A worker's answer: the run as data, or the error it threw. */
export type FlowJobResult =
  { readonly i: number; readonly run: RunData } | { readonly i: number; readonly error: string };

/** How long a batch waits for its workers to start (ms): loading the model takes seconds, more on a loaded machine. */
const START_MS = 300_000;

interface Thread {
  readonly worker: Worker;
  readonly answers: MessagePort;
}

export class FlowPool implements FlowRunner {
  readonly size: number;
  readonly #threads: Thread[] = [];
  /** [0]: the runs of the batch answered; [1]: the workers started (each counts itself once its module is loaded). */
  readonly #done = new Int32Array(new SharedArrayBuffer(8));

  /** A pool of `size` workers (1 or more), started when a batch first needs them. */
  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`a pool has 1 or more workers, got ${size}`);
    this.size = size;
  }

  runs(jobs: readonly RunJob[]): FlowRun[] {
    if (this.size === 1 || jobs.length <= 1) return sequentialRunner.runs(jobs);
    const n = Math.min(this.size, jobs.length);
    while (this.#threads.length < n) this.#threads.push(this.#start());
    const threads = this.#threads.slice(0, n);
    // A worker whose module failed to load would never answer: wait for each to say it started, 5 minutes at most.
    const by = Date.now() + START_MS;
    for (let c = Atomics.load(this.#done, 1); c < n; c = Atomics.load(this.#done, 1)) {
      if (Date.now() >= by)
        throw new Error(`${n - c} of ${n} flow-model worker threads did not start in ${START_MS} ms`);
      Atomics.wait(this.#done, 1, c, by - Date.now());
    }
    // Each worker one job at a time, the next to the first that answers (configurations' runs differ in length).
    const out: FlowRun[] = [];
    const errors: string[] = [];
    let next = 0;
    let answered = 0;
    const busy = new Set<Thread>();
    const give = (t: Thread): void => {
      if (next >= jobs.length) return;
      t.worker.postMessage({ i: next, ...jobs[next++]! });
      busy.add(t);
    };
    Atomics.store(this.#done, 0, 0);
    for (const t of threads) give(t);
    while (answered < jobs.length) {
      Atomics.wait(this.#done, 0, answered);
      for (const t of [...busy]) {
        const m = receiveMessageOnPort(t.answers);
        if (m === undefined) continue;
        const r = m.message as FlowJobResult;
        answered++;
        busy.delete(t);
        if ('error' in r) errors.push(r.error);
        else out[r.i] = runOf(r.run);
        if (errors.length === 0) give(t);
      }
      if (errors.length > 0 && busy.size === 0) break;
    }
    if (errors.length > 0) throw new Error(`a flow run failed on a worker thread: ${errors[0]}`);
    return out;
  }

  /** Ends the workers (the pool starts new ones if asked again). */
  async close(): Promise<void> {
    const threads = this.#threads.splice(0);
    Atomics.store(this.#done, 1, 0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
    for (const t of threads) t.answers.close();
  }

  #start(): Thread {
    const { port1, port2 } = new MessageChannel();
    const workerData = { port: port2, done: this.#done };
    const built = new URL('./flow-worker.js', import.meta.url);
    const worker = existsSync(built)
      ? new Worker(built, { workerData, transferList: [port2] })
      : // From source (under tsx): Node 20 does not pass tsx's loader on to a worker thread, so the worker registers it.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); ` +
            `return import(${JSON.stringify(new URL('./flow-worker.ts', import.meta.url).href)}); });`,
          { eval: true, workerData, transferList: [port2] },
        );
    worker.unref();
    return { worker, answers: port1 };
  }
}
