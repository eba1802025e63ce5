/**
 * A progress bar for long simulation runs. On a TTY it redraws one line with
 * `\r`, at most once per `minIntervalMs`; on anything else it prints a plain
 * line each time another tenth of the work is done; disabled, it prints
 * nothing.
 */
import { performance } from 'node:perf_hooks';

/** Where progress goes (a `process.stderr`-like stream). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** Options of {@link ProgressBar}. */
export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Amount of work in all (simulated ps, handshakes, …); positive. */
  readonly total: number;
  /** Default true; false prints nothing at all. */
  readonly enabled?: boolean;
  /** Text before the bar. */
  readonly label?: string;
  /** Least wall-clock time between TTY redraws (default 100 ms). */
  readonly minIntervalMs?: number;
  /** Wall clock in ms (default `performance.now`); injectable for tests. */
  readonly clock?: () => number;
  /** Bar width in characters on a TTY (default 30). */
  readonly width?: number;
  /** Text after the percentage, e.g. the simulated time reached. */
  readonly detail?: (done: number, total: number) => string;
}

/** A throttled progress display. */
export class ProgressBar {
  readonly #o: ProgressOptions;
  readonly #tty: boolean;
  readonly #clock: () => number;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastTenth = -1;
  #finished = false;

  constructor(options: ProgressOptions) {
    if (!(Number.isFinite(options.total) && options.total > 0))
      throw new RangeError(`progress total must be a positive number, got ${String(options.total)}`);
    this.#o = options;
    this.#tty = options.stream.isTTY === true;
    this.#clock = options.clock ?? (() => performance.now());
  }

  /** Reports that `done` of the total is done (clamped to [0, total]). */
  update(done: number): void {
    if (this.#o.enabled === false || this.#finished) return;
    const d = Math.min(this.#o.total, Math.max(0, done));
    if (this.#tty) {
      const now = this.#clock();
      if (now - this.#lastDraw < (this.#o.minIntervalMs ?? 100)) return;
      this.#lastDraw = now;
      this.#o.stream.write(`\r${this.#line(d, true)}`);
    } else {
      const tenth = Math.floor((d / this.#o.total) * 10);
      if (tenth <= this.#lastTenth) return;
      this.#lastTenth = tenth;
      this.#o.stream.write(`${this.#line(d, false)}\n`);
    }
  }

  /** Shows the end state (100% unless `done` says otherwise) and ends the line; later updates are ignored. */
  finish(done = this.#o.total): void {
    if (this.#o.enabled === false || this.#finished) return;
    const d = Math.min(this.#o.total, Math.max(0, done));
    if (this.#tty) this.#o.stream.write(`\r${this.#line(d, true)}\n`);
    else if (Math.floor((d / this.#o.total) * 10) > this.#lastTenth) this.#o.stream.write(`${this.#line(d, false)}\n`);
    this.#finished = true;
  }

  #line(done: number, bar: boolean): string {
    const fraction = done / this.#o.total;
    const parts: string[] = [];
    if (this.#o.label !== undefined) parts.push(this.#o.label);
    if (bar) {
      const width = this.#o.width ?? 30;
      const filled = Math.round(fraction * width);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
    }
    parts.push(`${(fraction * 100).toFixed(1).padStart(5)}%`);
    if (this.#o.detail !== undefined) parts.push(this.#o.detail(done, this.#o.total));
    return parts.join(' ');
  }
}
