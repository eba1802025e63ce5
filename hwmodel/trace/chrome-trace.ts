/**
 * A transaction trace in the Chrome trace-event format (the JSON object
 * form, `{"traceEvents": [...]}`), which the Perfetto UI (ui.perfetto.dev)
 * and chrome://tracing open: one complete event (`ph: "X"`) per lane grant,
 * a process per module and a thread per lane, times in µs, with sort
 * indices so viewers list the modules in the order they first worked and
 * each module's lanes in lane order. Written to a sink as the run goes, so
 * a long run does not hold its events. tests/hwmodel/workflow/perfetto.test.ts
 * opens one in Perfetto's UI (the npm build, headless); the screenshots in
 * docs/hwmodel show it there and in Chromium's DevTools Performance panel.
 */
import type { SimTime } from '../kernel/time.js';
import type { TraceSink } from './sink.js';

/**
 * One event of the file, as a reader sees it: metadata (`ph: "M"`, a
 * process or thread name or sort index in `args`) or a lane grant
 * (`ph: "X"`, `ts` and `dur` in µs).
 */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly name?: string; readonly sort_index?: number };
}

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
    let pid = this.#pids.get(module);
    if (pid === undefined) {
      pid = this.#pids.size + 1;
      this.#pids.set(module, pid);
      this.#event({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: module } });
      this.#event({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
    }
    const key = `${pid}/${lane}`;
    if (!this.#threads.has(key)) {
      this.#threads.add(key);
      this.#event({ name: 'thread_name', ph: 'M', pid, tid: lane, args: { name: `lane ${lane}` } });
      this.#event({ name: 'thread_sort_index', ph: 'M', pid, tid: lane, args: { sort_index: lane } });
    }
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
