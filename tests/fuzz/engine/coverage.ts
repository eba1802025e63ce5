/**
 * Block coverage of the code under test through V8's precise coverage
 * (node:inspector, `Profiler.startPreciseCoverage` with call counts and
 * block granularity). `reset()` before an execution, `features()` after: the
 * features are (block, hit-count bucket) pairs, as integers.
 *
 * V8 reports a block only where its count differs from the enclosing range's,
 * so a block that runs exactly as often as its function disappears from the
 * report. Every range ever reported is therefore remembered per function,
 * and its count is read from the innermost range reported this time that
 * contains it.
 *
 * Two V8 behaviours decide when coverage must start. Functions compiled
 * before precise block coverage started keep bytecode without block counters.
 * Optimized code does not count the calls of the functions it inlined, so a
 * block's count falls to 0 once its caller is optimized. Both make the same
 * input reach fewer features as the run goes on. So `startCoverage()` turns
 * V8's optimizing compiler off (`--no-opt`) and starts block coverage for the
 * whole process, and the fuzzer's entry points call it (start-coverage.ts)
 * before they import any code under test.
 */
import { Session, type Profiler } from 'node:inspector';
import { setFlagsFromString } from 'node:v8';

let session: Session | undefined;

function post(s: Session, method: string, params?: object): void {
  let failure: Error | null = null;
  s.post(method, params ?? {}, (err) => {
    failure = err;
  });
  if (failure !== null) throw new Error(`${method} failed: ${String(failure)}`);
}

/** Starts precise block coverage for this process, once; call it before the code under test is loaded. */
export function startCoverage(): Session {
  if (session === undefined) {
    setFlagsFromString('--no-opt');
    session = new Session();
    session.connect();
    post(session, 'Profiler.enable');
    post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }
  return session;
}

interface KnownRange {
  readonly start: number;
  readonly end: number;
  readonly id: number;
}

/** AFL-style hit-count classes: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+. */
function bucket(count: number): number {
  if (count <= 3) return count - 1;
  if (count < 8) return 3;
  if (count < 16) return 4;
  if (count < 32) return 5;
  if (count < 128) return 6;
  return 7;
}

export class BlockCoverage {
  private readonly session = startCoverage();
  private readonly include: (url: string) => boolean;
  /** Known ranges per function (script URL and function start). */
  private readonly functions = new Map<string, KnownRange[]>();
  private nextId = 0;

  constructor(include: (url: string) => boolean) {
    this.include = include;
  }

  /** Blocks known so far (all scripts under test). */
  get blocks(): number {
    return this.nextId;
  }

  /** Forgets the counts gathered so far. */
  reset(): void {
    this.take();
  }

  /** The features hit since the last reset (or features call). */
  features(): Set<number> {
    const out = new Set<number>();
    for (const script of this.take()) {
      if (!this.include(script.url)) continue;
      for (const fn of script.functions) {
        const reported = fn.ranges;
        const head = reported[0];
        if (head === undefined || head.count === 0) continue;
        const key = `${script.url}#${head.startOffset}`;
        let known = this.functions.get(key);
        if (known === undefined) {
          known = [];
          this.functions.set(key, known);
        }
        for (const r of reported) {
          if (!known.some((k) => k.start === r.startOffset && k.end === r.endOffset))
            known.push({ start: r.startOffset, end: r.endOffset, id: this.nextId++ });
        }
        for (const k of known) {
          const count = innermostCount(reported, k);
          if (count > 0) out.add(k.id * 8 + bucket(count));
        }
      }
    }
    return out;
  }

  private take(): Profiler.ScriptCoverage[] {
    let result: Profiler.ScriptCoverage[] | undefined;
    let failure: Error | null = null;
    // A session connected to this thread answers synchronously.
    this.session.post('Profiler.takePreciseCoverage', (err, res) => {
      failure = err;
      result = res?.result;
    });
    if (failure !== null || result === undefined)
      throw new Error(`Profiler.takePreciseCoverage failed: ${String(failure)}`);
    return result;
  }
}

/** The count of the smallest reported range that contains `k` (0 when none does). */
function innermostCount(reported: readonly Profiler.CoverageRange[], k: KnownRange): number {
  let best: Profiler.CoverageRange | undefined;
  for (const r of reported) {
    if (
      r.startOffset <= k.start &&
      k.end <= r.endOffset &&
      (best === undefined || r.endOffset - r.startOffset < best.endOffset - best.startOffset)
    )
      best = r;
  }
  return best?.count ?? 0;
}
