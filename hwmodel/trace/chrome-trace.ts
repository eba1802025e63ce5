/**
 * A transaction trace in the Chrome trace-event format (the JSON object
 * form, `{"traceEvents": [...]}`), which the Perfetto UI (ui.perfetto.dev)
 * and chrome://tracing open: one complete event (`ph: "X"`) per lane grant,
 * a process per module and a thread per lane; one per transaction a
 * module's socket took (transaction-trace.ts), with its connection,
 * operation and bytes, and flow events linking a datagram's stages, times in µs, with sort
 * indices so viewers list the modules in the order they first worked and
 * each module's lanes in lane order. Written to a sink as the run goes, so
 * a long run does not hold its events. tests/hwmodel/workflow/perfetto.test.ts
 * opens one in Perfetto's UI (the npm build, headless); the screenshots in
 * docs/hwmodel show it there and in Chromium's DevTools Performance panel.
 */
import type { SimTime } from '../kernel/time.js';
import type { TraceSink } from './sink.js';

/** What a transaction slice carries in `args`. */
export interface TransactionArgs {
  /** The connection's index (absent for memory accesses, which serve the device). */
  readonly connection?: number;
  /** `aead_open+mask`, `datagram in`, `read`… */
  readonly operation: string;
  readonly bytes: number;
  /** The memory address of an access. */
  readonly address?: number;
}

/**
 * One event of the file, as a reader sees it: metadata (`ph: "M"`, a
 * process or thread name or sort index in `args`), a lane grant or a
 * transaction (`ph: "X"`, `ts` and `dur` in µs; a transaction's `args`
 * name its connection, operation and bytes), or a flow event (`ph` `s`,
 * `t`, `f`: one flow, `id`, per datagram received, bound to the enclosing
 * slice, `bp: "e"`).
 */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly id?: number;
  readonly bp?: string;
  readonly args?: { readonly name?: string; readonly sort_index?: number } & Partial<TransactionArgs>;
}

/** Where a flow event stands in its flow: the first slice, one in between, the last. */
export type FlowStep = 's' | 't' | 'f';

/** Thread ids of transaction tracks start here, after any module's lanes. */
export const TRANSACTION_TID = 1000;

/** Picoseconds per trace-event microsecond. */
const PS_PER_US = 1_000_000;

export class ChromeTraceWriter {
  readonly #sink: TraceSink;
  readonly #pids = new Map<string, number>();
  readonly #threads = new Set<string>();
  #first = true;
  #closed = false;
  #events = 0;

  constructor(sink: TraceSink) {
    this.#sink = sink;
    // No displayTimeUnit: the format makes it a display preference, but Perfetto's importer reads "ns" there as the
    // unit of every ts and dur, which would show a run 1,000 times shorter than it was.
    this.#sink.write('{"traceEvents":[\n');
  }

  /** Complete events written so far (metadata events not counted). */
  get events(): number {
    return this.#events;
  }

  /** One lane of `module` served a request over [start, finish). */
  served(module: string, lane: number, start: SimTime, finish: SimTime): void {
    if (this.#closed) return;
    const pid = this.#thread(module, lane, `lane ${lane}`);
    this.#event({
      name: module.slice(module.lastIndexOf('.') + 1),
      cat: 'lane',
      ph: 'X',
      pid,
      tid: lane,
      ts: start / PS_PER_US,
      dur: (finish - start) / PS_PER_US,
    });
    this.#events++;
  }

  /**
   * A transaction `module` took over [start, finish) on its track `track`
   * (a thread named `label`: transactions overlapping in time go on
   * different tracks), with its connection, operation and bytes.
   */
  transaction(
    module: string,
    track: number,
    label: string,
    start: SimTime,
    finish: SimTime,
    args: TransactionArgs,
  ): void {
    if (this.#closed) return;
    const tid = TRANSACTION_TID + track;
    const pid = this.#thread(module, tid, label);
    this.#event({
      name: args.operation,
      cat: 'transaction',
      ph: 'X',
      pid,
      tid,
      ts: start / PS_PER_US,
      dur: (finish - start) / PS_PER_US,
      args,
    });
    this.#events++;
  }

  /** A flow event of flow `id` at `at`, bound to the transaction slice enclosing it on `module`'s track `track` (named `label`). */
  flow(id: number, step: FlowStep, module: string, track: number, label: string, at: SimTime): void {
    if (this.#closed) return;
    const pid = this.#thread(module, TRANSACTION_TID + track, label);
    this.#event({
      name: 'datagram',
      cat: 'flow',
      ph: step,
      id,
      pid,
      tid: TRANSACTION_TID + track,
      ts: at / PS_PER_US,
      bp: 'e',
    });
  }

  /** `module`'s process id, with thread `tid` named `label` (both declared on first use). */
  #thread(module: string, tid: number, label: string): number {
    let pid = this.#pids.get(module);
    if (pid === undefined) {
      pid = this.#pids.size + 1;
      this.#pids.set(module, pid);
      this.#event({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: module } });
      this.#event({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
    }
    const key = `${pid}/${tid}`;
    if (!this.#threads.has(key)) {
      this.#threads.add(key);
      this.#event({ name: 'thread_name', ph: 'M', pid, tid, args: { name: label } });
      this.#event({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
    }
    return pid;
  }

  /** Ends the JSON document. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sink.write('\n]}\n');
  }

  #event(e: Record<string, unknown>): void {
    this.#sink.write(`${this.#first ? '' : ',\n'}${JSON.stringify(e)}`);
    this.#first = false;
  }
}
