/**
 * The coverage-guided loop: run the corpus (saved inputs and the target's
 * seeds), then mutate inputs picked from it; an input that reaches a new
 * (block, hit-count bucket) feature, on two runs, joins the corpus. An
 * exception out of the target is a crash: minimized, saved with a report
 * under the crash directory, and fuzzing goes on (each distinct crash once).
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Prng } from '../../support/prng.js';
import { loadDir, saveInput } from './corpus.js';
import { BlockCoverage } from './coverage.js';
import { DTLS_DICTIONARY, mutateBytes } from './mutate.js';
import type { FuzzTarget, MutationTools } from './target.js';

export interface FuzzOptions {
  readonly seconds: number;
  readonly corpusDir: string;
  /** Write inputs with new coverage into corpusDir. */
  readonly save: boolean;
  readonly crashDir: string;
  readonly seed: number;
  /** Where the input being run is written before each run, so a watchdog can save it after a hang. */
  readonly currentFile?: string;
  /** Called about once a second with a status line. */
  readonly status: (line: string) => void;
  /** Called with the path of each new crash. */
  readonly crash: (path: string, summary: string) => void;
}

export interface FuzzResult {
  readonly execs: number;
  readonly corpus: number;
  readonly features: number;
  readonly blocks: number;
  readonly crashes: readonly string[];
}

/** Code under test: the runtime and what it generated (not the harness, not dependencies). */
export const UNDER_TEST = (url: string): boolean =>
  (url.includes('/runtime/') || url.includes('/generated/')) && !url.includes('/node_modules/');

const ROOT = new URL('../../../', import.meta.url).pathname;

/** One line naming an exception and where in the code under test it came from, numbers blanked (to tell crashes apart). */
export function crashSignature(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error ${typeof e}`;
  const frame = (e.stack ?? '').split('\n').find((l) => /\/(runtime|generated)\//.test(l)) ?? '';
  const where = frame
    .replace(/^\s*at\s+/, '')
    .replace(/\(?(?:file:\/\/)?[^()\s]*\/(runtime|generated)\//, '$1/')
    .replace(/:\d+:\d+\)?$/, '');
  return `${e.name}: ${e.message.split('\n')[0]!.replace(/\d+/g, 'N')} @ ${where}`;
}

/** Shortest input (by byte-block deletion) on which `fails` still holds, within `budgetMs`. */
export function minimize(input: Uint8Array, fails: (candidate: Uint8Array) => boolean, budgetMs: number): Uint8Array {
  const deadline = performance.now() + budgetMs;
  let current = input;
  for (let size = Math.max(1, current.length >>> 1); size >= 1; size >>>= 1) {
    for (let at = 0; at + size <= current.length;) {
      if (performance.now() > deadline) return current;
      const candidate = new Uint8Array(current.length - size);
      candidate.set(current.subarray(0, at));
      candidate.set(current.subarray(at + size), at);
      if (fails(candidate)) current = candidate;
      else at += size;
    }
    if (size === 1) break;
  }
  return current;
}

export async function fuzz(target: FuzzTarget, o: FuzzOptions): Promise<FuzzResult> {
  const coverage = new BlockCoverage(UNDER_TEST);
  target.setup?.();
  const rng = new Prng(o.seed);
  const dictionary = [...DTLS_DICTIONARY, ...(target.dictionary ?? [])];
  const seen = new Set<number>();
  const corpus: Uint8Array[] = [];
  const crashes: string[] = [];
  const signatures = new Set<string>();
  let execs = 0;

  const exec = (input: Uint8Array): { features: Set<number>; error: unknown } => {
    if (o.currentFile) writeFileSync(o.currentFile, input);
    execs++;
    coverage.reset();
    let error: unknown;
    try {
      target.run(input);
    } catch (e) {
      error = e ?? new Error('undefined thrown');
    }
    return { features: coverage.features(), error };
  };

  // Crashes saved before (hangs are not replayed: they would hang this process): found again, they are reported under their saved file.
  const known = new Map<string, string>();
  const targetCrashDir = join(o.crashDir, target.name);
  for (const e of loadDir(targetCrashDir)) {
    if (e.name.startsWith('hang-')) continue;
    try {
      target.run(e.input);
    } catch (err) {
      known.set(crashSignature(err), relative(ROOT, join(targetCrashDir, e.name)));
    }
  }

  const report = (input: Uint8Array, error: unknown): void => {
    const signature = crashSignature(error);
    if (signatures.has(signature)) return;
    signatures.add(signature);
    const saved = known.get(signature);
    if (saved !== undefined) {
      crashes.push(saved);
      o.crash(saved, `${signature} (found before)`);
      return;
    }
    const fails = (c: Uint8Array): boolean => {
      try {
        target.run(c);
        return false;
      } catch (e) {
        return crashSignature(e) === signature;
      }
    };
    const path = writeCrashReport(target, targetCrashDir, minimize(input, fails, 20_000));
    crashes.push(path);
    o.crash(path, signature);
  };

  /** Adds `input` when it reaches features not seen yet (checked on a second run, so flaky counts do not count). */
  const consider = (
    input: Uint8Array,
    result: { features: Set<number>; error: unknown },
    fromDisk: boolean,
  ): boolean => {
    if (result.error !== undefined) {
      report(input, result.error);
      return false;
    }
    const fresh = [...result.features].filter((f) => !seen.has(f));
    if (fresh.length === 0) return false;
    const again = exec(input).features;
    const stable = fresh.filter((f) => again.has(f));
    if (stable.length === 0) return false;
    for (const f of stable) seen.add(f);
    corpus.push(input);
    if (o.save && !fromDisk) saveInput(join(o.corpusDir), input);
    return true;
  };

  const started = performance.now();
  let lastStatus = started;
  const status = (phase: string): void => {
    const now = performance.now();
    if (now - lastStatus < 1000 && phase !== 'done') return;
    lastStatus = now;
    const secs = (now - started) / 1000;
    o.status(
      `${phase} ${secs.toFixed(0)}s execs ${execs} (${Math.round(execs / Math.max(secs, 0.001))}/s) corpus ${corpus.length} features ${seen.size} blocks ${coverage.blocks} crashes ${crashes.length}`,
    );
  };

  const initial = [
    ...loadDir(o.corpusDir).map((e) => ({ input: e.input, fromDisk: true })),
    ...target.seeds().map((input) => ({ input, fromDisk: false })),
  ];
  for (const { input, fromDisk } of initial) {
    consider(input, exec(input), fromDisk);
    status('init');
  }
  if (corpus.length === 0) corpus.push(new Uint8Array(0));

  const tools: MutationTools = {
    rng,
    bytes: (data) =>
      mutateBytes(data, rng, { maxLength: target.maxLength, dictionary }, corpus[rng.below(corpus.length)]),
    donor: () => corpus[rng.below(corpus.length)]!,
  };
  const deadline = started + o.seconds * 1000;
  let lastYield = performance.now();
  while (performance.now() < deadline) {
    const parent =
      rng.below(2) === 0
        ? corpus[corpus.length - 1 - rng.below(Math.min(16, corpus.length))]!
        : corpus[rng.below(corpus.length)]!;
    const child = target.mutate && rng.below(2) === 0 ? target.mutate(parent, tools) : tools.bytes(parent);
    consider(child, exec(child), false);
    status('fuzz');
    if (performance.now() - lastYield > 250) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  status('done');
  return { execs, corpus: corpus.length, features: seen.size, blocks: coverage.blocks, crashes };
}

/**
 * Saves a crashing input as `<dir>/crash-<hash>` with a `.txt` report (the
 * exception from a fresh run, the input described, the command that replays
 * it, and `note` if given); returns the input's path relative to the repository.
 */
export function writeCrashReport(target: FuzzTarget, dir: string, input: Uint8Array, note?: string): string {
  const path = saveInput(dir, input, 'crash-');
  let error: unknown = new Error('the input no longer throws');
  try {
    target.run(input);
  } catch (e) {
    error = e;
  }
  const rel = relative(ROOT, path);
  const lines = [
    `target: ${target.name}`,
    `signature: ${crashSignature(error)}`,
    `reproduce: npm run fuzz -- ${target.name} --replay ${rel}`,
    ...(note === undefined ? [] : [`note: ${note}`]),
    '',
    error instanceof Error ? (error.stack ?? String(error)) : String(error),
    '',
    target.describe?.(input) ?? '',
    '',
  ];
  writeFileSync(`${path}.txt`, lines.join('\n'));
  return rel;
}

/** Features of each input, for corpus minimization (no crash handling: a crashing input keeps its features). */
export function featuresOf(target: FuzzTarget, inputs: readonly Uint8Array[]): Set<number>[] {
  const coverage = new BlockCoverage(UNDER_TEST);
  target.setup?.();
  const out = inputs.map((input) => {
    coverage.reset();
    try {
      target.run(input);
    } catch {
      // Counted like any other input.
    }
    return coverage.features();
  });
  return out;
}
