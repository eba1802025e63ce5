/**
 * What `npm run release` (scripts/release.ts) says while it works: a header per step, with its number, the count of
 * steps and the time since the release began (`release: [3/9, 0:54] tsx scripts/bundle-entry.ts`), and, on a
 * terminal, a line under it redrawn every second with the step's time and the step's latest line of output. Where the
 * output is not a terminal (a CI log, a pipe) only the headers are written; `quiet`: nothing.
 */

/** Where the progress goes: a stream, and whether it is a terminal (a redrawn line works there only). */
export interface ProgressOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Nothing at all (`--quiet`). */
  readonly quiet?: boolean;
  /** How often the terminal's line is redrawn, ms (default 1000). */
  readonly redrawMs?: number;
  /** The clock, ms (default `performance.now`). */
  readonly now?: () => number;
}

/** m:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A release's steps, one at a time. */
export class ReleaseProgress {
  private readonly steps: number;
  private readonly out: ProgressOut;
  private readonly now: () => number;
  private readonly live: boolean;
  private readonly quiet: boolean;
  private readonly redrawMs: number;
  private readonly began: number;
  private index = 0;
  private stepBegan = 0;
  private latest = '';
  private timer: NodeJS.Timeout | undefined;
  /** The terminal's line holds a redrawn text (cleared before anything else is written). */
  private drawn = false;

  constructor(steps: number, out: ProgressOut, options: ProgressOptions = {}) {
    this.steps = steps;
    this.out = out;
    this.now = options.now ?? (() => performance.now());
    this.quiet = options.quiet === true;
    this.live = !this.quiet && out.isTTY === true;
    this.redrawMs = options.redrawMs ?? 1000;
    this.began = this.now();
  }

  /** The next step begins: its header (and, on a terminal, its redrawn line). */
  begin(title: string): void {
    this.stop();
    this.index++;
    this.stepBegan = this.now();
    this.latest = '';
    if (this.quiet) return;
    this.out.write(`release: [${this.index}/${this.steps}, ${clock(this.stepBegan - this.began)}] ${title}\n`);
    if (this.live) {
      this.timer = setInterval(() => this.redraw(), this.redrawMs);
      this.timer.unref();
    }
  }

  /** Output of the running step: its last non-empty line is shown on the terminal's line. */
  output(chunk: string): void {
    const line = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .at(-1);
    if (line !== undefined) this.latest = line;
  }

  /** A line of the release's own (a result): written whole, the terminal's line cleared first. */
  say(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }

  /** The step ends (and the release, after the last). */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private redraw(): void {
    const t = this.now();
    const text = `  ${clock(t - this.stepBegan)} in this step, ${clock(t - this.began)} in all${this.latest === '' ? '' : `: ${this.latest}`}`;
    // A terminal of unknown width (0: a pseudo-terminal nobody sized) is taken as 80 columns.
    const width = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    this.out.write(`\r\x1b[K${text.slice(0, width - 1)}`);
    this.drawn = true;
  }
}
