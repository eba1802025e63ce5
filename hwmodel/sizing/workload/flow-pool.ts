/**
 * Flow-model runs on worker threads (`dtls13 size --jobs N`): a
 * configuration's seeds, and the configurations a proof or the sensitivity
 * table grows, are independent runs, so each goes to a free worker of the
 * pool, and the search, which is synchronous, waits on a shared counter
 * (Atomics.wait) and reads the answers off the workers' ports
 * (receiveMessageOnPort). A run is a function of its inputs: the runs are
 * the same to the bit as in this thread (run-encoding.ts carries them),
 * only sooner when cores are free. A batch of one run, or a pool of one,
 * runs in this thread.
 *
 * The workers are started by a supervisor thread (flow-supervisor.ts)
 * whose event loop, free while this thread waits, hears a worker end and
 * wakes the wait: a worker that dies without answering (out of memory,
 * killed) is dropped from the pool and its run made again in this thread
 * (the process's heap, not the worker's limit); a run that fails there too
 * ends the batch with a FlowRunLost naming it. The wait never outlives
 * every worker, and a run is never taken from a worker that did not answer
 * it.
 */
import {
  MessageChannel,
  receiveMessageOnPort,
  type MessagePort,
  type ResourceLimits,
  type Worker,
} from 'node:worker_threads';
import type { FlowRun } from './flow-run.js';
import { sequentialRunner, type FlowRunner, type RunJob } from './flow-runner.js';
import { startThread } from './flow-thread.js';
import { runOf, type RunData } from './run-encoding.js';

/** A run asked of a worker: the batch's `i`-th. */
export interface FlowJob extends RunJob {
  readonly i: number;
}

/** A worker's answer: the run as data, or the error it threw. */
export type FlowJobResult =
  { readonly i: number; readonly run: RunData } | { readonly i: number; readonly error: string };

/** A run whose worker died without answering and that failed in this thread too: the batch ends with it. */
export class FlowRunLost extends Error {
  override readonly name = 'FlowRunLost';
  readonly job: RunJob;
  constructor(job: RunJob, cause: unknown) {
    super(
      `the flow run of ${runName(job)} ended its worker thread without an answer and failed in this thread: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.job = job;
  }
}

/** A run named for a reader: its knobs, seed and window. */
export function runName(job: RunJob): string {
  const k = Object.entries(job.knobs)
    .map(([n, v]) => `${n} ${String(v)}`)
    .join(', ');
  return `[${k}] seed ${job.plan.seed}, ${job.plan.windowUs.toLocaleString('en-US')} µs after ${job.plan.warmupUs} µs`;
}

/** How long a batch waits for its workers to start (ms): loading the model takes seconds, more on a loaded machine. */
const START_MS = 300_000;

/** The shared counters: WAKE counts every answer, start and end; then a worker's started and dead flags. */
const WAKE = 0;
const STARTED = 1;
const DEAD = 2;

interface Thread {
  readonly j: number;
  readonly port: MessagePort;
}

export class FlowPool implements FlowRunner {
  readonly size: number;
  readonly #resourceLimits: ResourceLimits | undefined;
  #threads: Thread[] = [];
  #supervisor: Worker | undefined;
  #state = new Int32Array(new SharedArrayBuffer(0));
  /** Runs made again in this thread after their worker died. */
  #redone = 0;

  /** A pool of `size` workers (1 or more), started when a batch first needs them; `resourceLimits` each worker's. */
  constructor(size: number, options: { readonly resourceLimits?: ResourceLimits } = {}) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`a pool has 1 or more workers, got ${size}`);
    this.size = size;
    this.#resourceLimits = options.resourceLimits;
  }

  /** Runs made again in this thread because their worker died without answering. */
  get redone(): number {
    return this.#redone;
  }

  /** The workers alive (those that died are dropped). */
  get alive(): number {
    return this.#threads.filter((t) => !this.#dead(t)).length;
  }

  runs(jobs: readonly RunJob[], made?: (i: number, run: FlowRun) => void): FlowRun[] {
    if (this.size === 1 || jobs.length <= 1) return sequentialRunner.runs(jobs, made);
    if (this.#supervisor === undefined) this.#start();
    this.#awaitStarted();
    this.#threads = this.#threads.filter((t) => !this.#dead(t));
    const out: FlowRun[] = [];
    const errors: string[] = [];
    let next = 0;
    let answered = 0;
    // Each worker one job at a time, the next to the first that answers (configurations' runs differ in length).
    const busy = new Map<Thread, number>();
    const give = (t: Thread): void => {
      if (next >= jobs.length || errors.length > 0) return;
      t.port.postMessage({ i: next, ...jobs[next]! });
      busy.set(t, next++);
    };
    const here = (i: number): void => {
      try {
        out[i] = sequentialRunner.runs([jobs[i]!])[0]!;
      } catch (e) {
        throw new FlowRunLost(jobs[i]!, e);
      }
      made?.(i, out[i]);
      this.#redone++;
      answered++;
    };
    for (const t of this.#threads) give(t);
    while (answered < jobs.length) {
      const seen = Atomics.load(this.#state, WAKE);
      const lost: number[] = [];
      let woke = false;
      for (const [t, i] of [...busy]) {
        // An answer posted before its worker died is read first: the worker counts it before it can end.
        const m = receiveMessageOnPort(t.port);
        if (m !== undefined) {
          const r = m.message as FlowJobResult;
          answered++;
          busy.delete(t);
          if ('error' in r) errors.push(r.error);
          else {
            const run = runOf(r.run);
            out[r.i] = run;
            made?.(r.i, run);
          }
          give(t);
          woke = true;
        } else if (this.#dead(t)) {
          busy.delete(t);
          this.#threads = this.#threads.filter((x) => x !== t);
          lost.push(i);
          woke = true;
        }
      }
      for (const i of lost) here(i);
      if (errors.length > 0 && busy.size === 0) break;
      // No worker left: the rest in this thread.
      if (busy.size === 0) {
        while (next < jobs.length && errors.length === 0) here(next++);
        break;
      }
      if (!woke) Atomics.wait(this.#state, WAKE, seen);
    }
    if (errors.length > 0) throw new Error(`a flow run failed on a worker thread: ${errors[0]}`);
    return out;
  }

  /** Ends the supervisor and its workers (the pool starts new ones if asked again). */
  async close(): Promise<void> {
    const s = this.#supervisor;
    this.#supervisor = undefined;
    const threads = this.#threads.splice(0);
    if (s !== undefined) await s.terminate();
    for (const t of threads) t.port.close();
  }

  #dead(t: Thread): boolean {
    return Atomics.load(this.#state, DEAD + 2 * t.j) === 1;
  }

  #start(): void {
    this.#state = new Int32Array(new SharedArrayBuffer(4 * (2 + 2 * this.size)));
    const channels = Array.from({ length: this.size }, () => new MessageChannel());
    this.#threads = channels.map((c, j) => ({ j, port: c.port1 }));
    const ports = channels.map((c) => c.port2);
    const s = startThread(
      'flow-supervisor',
      { ports, state: this.#state, resourceLimits: this.#resourceLimits },
      ports,
    );
    // The supervisor only hears the workers; an error of its own is not the search's.
    s.on('error', () => undefined);
    s.unref();
    this.#supervisor = s;
  }

  /** Waits until each worker has started or ended (a worker whose module failed to load ends), 5 minutes at most. */
  #awaitStarted(): void {
    const by = Date.now() + START_MS;
    for (;;) {
      const seen = Atomics.load(this.#state, WAKE);
      const waiting = this.#threads.filter(
        (t) => Atomics.load(this.#state, STARTED + 2 * t.j) === 0 && !this.#dead(t),
      ).length;
      if (waiting === 0) return;
      if (Date.now() >= by)
        throw new Error(
          `${waiting} of ${this.#threads.length} flow-model worker threads did not start in ${START_MS} ms`,
        );
      Atomics.wait(this.#state, WAKE, seen, by - Date.now());
    }
  }
}
