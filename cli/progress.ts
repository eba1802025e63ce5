/**
 * The progress display of long `dtls13 simulate` runs, driven by simulated
 * time: how far the simulation is (simulated time against --duration, or
 * without one the share of connections closed), the wall-clock time it has
 * taken, its rate (simulated time per wall second) and the time left at
 * that rate. On a terminal one line redrawn at most every 100 ms; elsewhere
 * a line per tenth.
 * `dtls13 simulate` feeds it from simulate()'s `onProgress` (every 10
 * simulated ms).
 */
import { performance } from 'node:perf_hooks';
import { formatTime, type SimTime } from '../hwmodel/kernel/time.js';

export interface ProgressState {
  /** Simulated time reached. */
  readonly now: SimTime;
  /** Where the run stops (--duration), if it has such an end. */
  readonly end?: SimTime | undefined;
  readonly closed: number;
  readonly total: number;
}

export interface ProgressOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** How much of the run is done, in [0, 1]: simulated time against the end, else connections closed. */
export function progressFraction(s: ProgressState): number {
  const f = s.end !== undefined && s.end > 0 ? s.now / s.end : s.total > 0 ? s.closed / s.total : 0;
  return Math.min(1, Math.max(0, f));
}

function wallText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** One progress line: bar (on a terminal), percentage, simulated time, wall time, rate, ETA, connections. */
export function progressLine(s: ProgressState, wallMs: number, bar: boolean, width = 24): string {
  const f = progressFraction(s);
  const parts: string[] = [];
  if (bar) {
    const filled = Math.round(f * width);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`);
  }
  parts.push(`${(f * 100).toFixed(0).padStart(3)}%`);
  parts.push(`simulated ${formatTime(s.now)}${s.end !== undefined ? ` of ${formatTime(s.end)}` : ''}`);
  parts.push(`elapsed ${wallText(wallMs)}`);
  if (wallMs > 0 && s.now > 0) parts.push(`${formatTime(Math.round((s.now / wallMs) * 1000))}/s`);
  parts.push(f > 0 && f < 1 ? `ETA ${wallText((wallMs * (1 - f)) / f)}` : f >= 1 ? 'done' : 'ETA …');
  parts.push(`${s.closed}/${s.total} connections closed`);
  return parts.join('  ');
}

/** A throttled progress display for one run. */
export class SimulationProgress {
  private readonly out: ProgressOutput;
  private readonly clock: () => number;
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastTenth = -1;
  private finished = false;

  constructor(out: ProgressOutput, clock: () => number = () => performance.now()) {
    this.out = out;
    this.clock = clock;
    this.started = clock();
  }

  update(s: ProgressState): void {
    if (this.finished) return;
    const now = this.clock();
    if (this.out.isTTY === true) {
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.out.write(`\r${progressLine(s, now - this.started, true)}\x1b[K`);
    } else {
      const tenth = Math.floor(progressFraction(s) * 10);
      if (tenth <= this.lastTenth) return;
      this.lastTenth = tenth;
      this.out.write(`${progressLine(s, now - this.started, false)}\n`);
    }
  }

  finish(s: ProgressState): void {
    if (this.finished) return;
    this.finished = true;
    const line = progressLine(s, this.clock() - this.started, this.out.isTTY === true);
    this.out.write(this.out.isTTY === true ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
