/**
 * Flow-model runs on worker threads (`dtls13 size --jobs N`): a
 * configuration's seeds are independent runs, so each goes to a worker of
 * the pool, and the search, which is synchronous, waits for them all on a
 * shared counter (Atomics.wait) and reads their answers off the workers'
 * ports (receiveMessageOnPort). A run is a function of its inputs: the
 * runs are the same to the bit as in this thread (run-encoding.ts carries
 * them), only sooner when cores are free. A batch of one run, or a pool of
 * one, runs in this thread. A worker that dies without answering (out of
 * memory) leaves the wait unended: the pool is for a command's own process.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { DeviceCosts, DeviceKnobs } from './device.js';
import type { FlowRun, RunPlan } from './flow-run.js';
import { sequentialRunner, type FlowRunner } from './flow-runner.js';
import { runOf, type RunData } from './run-encoding.js';
import type { Traffic } from './traffic.js';

/** A run asked of a worker: the batch's `i`-th. */
export interface FlowJob {
  readonly i: number;
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  readonly costs: DeviceCosts;
  readonly plan: RunPlan;
}

/** A worker's answer: the run as data, or the error it threw. */
export type FlowJobResult =
  { readonly i: number; readonly run: RunData } | { readonly i: number; readonly error: string };

interface Thread {
  readonly worker: Worker;
  readonly answers: MessagePort;
}

export class FlowPool implements FlowRunner {
  readonly size: number;
  readonly #threads: Thread[] = [];
  readonly #done = new Int32Array(new SharedArrayBuffer(4));

  /** A pool of `size` workers (1 or more), started when a batch first needs them. */
  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`a pool has 1 or more workers, got ${size}`);
    this.size = size;
  }

  runs(traffic: Traffic, knobs: DeviceKnobs, costs: DeviceCosts, plans: readonly RunPlan[]): FlowRun[] {
    if (this.size === 1 || plans.length <= 1) return sequentialRunner.runs(traffic, knobs, costs, plans);
    const n = Math.min(this.size, plans.length);
    while (this.#threads.length < n) this.#threads.push(this.#start());
    Atomics.store(this.#done, 0, 0);
    plans.forEach((plan, i) => this.#threads[i % n]!.worker.postMessage({ i, traffic, knobs, costs, plan }));
    for (let c = Atomics.load(this.#done, 0); c < plans.length; c = Atomics.load(this.#done, 0))
      Atomics.wait(this.#done, 0, c);
    const out: FlowRun[] = [];
    const errors: string[] = [];
    for (const t of this.#threads.slice(0, n))
      for (let m = receiveMessageOnPort(t.answers); m !== undefined; m = receiveMessageOnPort(t.answers)) {
        const r = m.message as FlowJobResult;
        if ('error' in r) errors.push(r.error);
        else out[r.i] = runOf(r.run);
      }
    if (errors.length > 0) throw new Error(`a flow run failed on a worker thread: ${errors[0]}`);
    return out;
  }

  /** Ends the workers (the pool starts new ones if asked again). */
  async close(): Promise<void> {
    const threads = this.#threads.splice(0);
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
