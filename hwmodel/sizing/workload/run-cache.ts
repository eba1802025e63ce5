/**
 * A run cache (`dtls13 size --run-cache DIR`): each flow-model run a search
 * makes kept in a file of its own, so a search stopped and started again
 * replays the runs it had finished and reaches the same answer byte for
 * byte. A run is a function of its inputs, and its file is named by a hash
 * of all of them: the model's code (the text of flow-model.ts and of every
 * module it imports, as this copy ships them: `modelCodeHash`), v8's
 * version, the traffic (the question at its load), the knobs, the costs
 * (the engine and platform as priced) and the plan (seed, window, warm-up).
 * A change to any of these misses; nothing is ever invalidated by hand.
 *
 * A file holds a header line, its key, the payload's length and SHA-256,
 * then the run (run-encoding.ts), gzipped (an entry is mostly empty
 * histogram buckets: some 1.5 KB, not 22; a plain one reads as well, so a
 * folder of them can be kept with a project); it is written to a temporary name and
 * renamed, so a stop mid-write leaves no entry. One that does not read back
 * whole (truncated, its hash or its key wrong, not a run) is not trusted:
 * it is reported (`RunCacheProblem`), run again and written anew.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DeviceCosts, DeviceKnobs } from './device.js';
import type { FlowRun, RunPlan } from './flow-run.js';
import type { FlowRunner } from './flow-runner.js';
import { decodeRun, encodeRun, RunDataError } from './run-encoding.js';
import type { Traffic } from './traffic.js';

/** The entries' layout; a new layout misses every older entry. */
const FORMAT = 'dtls13 flow run 1';

/** Why an entry was not trusted. */
export type RunCacheProblemKind = 'truncated' | 'corrupt' | 'other key' | 'unreadable';

export interface RunCacheProblem {
  readonly file: string;
  readonly kind: RunCacheProblemKind;
  readonly detail: string;
}

/** What a cache did: runs replayed from it, runs made and stored, entries not trusted. */
export interface RunCacheStats {
  replayed: number;
  stored: number;
  ignored: number;
}

/** The run cache in `dir` (made when missing); `onProblem` hears of every entry not trusted. */
export class RunCache {
  readonly dir: string;
  readonly stats: RunCacheStats = { replayed: 0, stored: 0, ignored: 0 };
  readonly problems: RunCacheProblem[] = [];
  readonly #onProblem: ((p: RunCacheProblem) => void) | undefined;

  constructor(dir: string, onProblem?: (p: RunCacheProblem) => void) {
    mkdirSync(dir, { recursive: true });
    this.dir = dir;
    this.#onProblem = onProblem;
  }

  /** The file of the run keyed `key`. */
  fileOf(key: string): string {
    return join(this.dir, `${key}.run`);
  }

  /** The run stored under `key`, or undefined: none, or one not trusted (reported). */
  get(key: string): FlowRun | undefined {
    const file = this.fileOf(key);
    if (!existsSync(file)) return undefined;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      return this.#ignore(file, 'unreadable', e instanceof Error ? e.message : String(e));
    }
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      try {
        bytes = gunzipSync(bytes);
      } catch (e) {
        const end = (e as { code?: unknown }).code === 'Z_BUF_ERROR';
        return this.#ignore(file, end ? 'truncated' : 'corrupt', `gzip: ${(e as Error).message}`);
      }
    }
    const lines: string[] = [];
    let at = 0;
    for (let i = 0; i < 4; i++) {
      const nl = bytes.indexOf(10, at);
      if (nl < 0) return this.#ignore(file, 'truncated', `its header ends after ${bytes.length} bytes`);
      lines.push(bytes.toString('latin1', at, nl));
      at = nl + 1;
    }
    const [format, storedKey, lengthText, sha] = lines as [string, string, string, string];
    if (format !== FORMAT) return this.#ignore(file, 'corrupt', `not a run cache entry (${JSON.stringify(format)})`);
    if (storedKey !== key) return this.#ignore(file, 'other key', `it holds ${storedKey.slice(0, 16)}…`);
    const length = Number(lengthText);
    const payload = bytes.subarray(at);
    if (!Number.isSafeInteger(length) || payload.length > length)
      return this.#ignore(file, 'corrupt', `its length ${JSON.stringify(lengthText)} is not its payload's`);
    if (payload.length < length) return this.#ignore(file, 'truncated', `${payload.length} of ${length} bytes`);
    if (createHash('sha256').update(payload).digest('hex') !== sha)
      return this.#ignore(file, 'corrupt', "its payload's SHA-256 is not the one it states");
    try {
      const run = decodeRun(payload);
      this.stats.replayed++;
      return run;
    } catch (e) {
      if (!(e instanceof RunDataError)) throw e;
      return this.#ignore(file, 'corrupt', e.message);
    }
  }

  /** Stores `run` under `key` (written whole, then renamed into place). */
  put(key: string, run: FlowRun): void {
    const payload = encodeRun(run);
    const sha = createHash('sha256').update(payload).digest('hex');
    const head = Buffer.from(`${FORMAT}\n${key}\n${payload.length}\n${sha}\n`, 'latin1');
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.${threadId}.tmp`;
    writeFileSync(tmp, gzipSync(Buffer.concat([head, payload])));
    renameSync(tmp, file);
    this.stats.stored++;
  }

  #ignore(file: string, kind: RunCacheProblemKind, detail: string): undefined {
    const p: RunCacheProblem = { file, kind, detail };
    this.stats.ignored++;
    this.problems.push(p);
    this.#onProblem?.(p);
    return undefined;
  }
}

/** `inner`'s runs, each replayed from `cache` when stored there, else made by `inner` (all at once) and stored. */
export function cachedRunner(cache: RunCache, inner: FlowRunner): FlowRunner {
  return {
    runs(jobs, made) {
      const keys = jobs.map((j) => runKey(j.traffic, j.knobs, j.costs, j.plan));
      const out = keys.map((k) => cache.get(k));
      out.forEach((r, i) => r !== undefined && made?.(i, r));
      const missing = jobs.flatMap((_, i) => (out[i] === undefined ? [i] : []));
      if (missing.length > 0)
        // Each run stored as it is made: a search stopped mid-batch keeps what the batch finished.
        inner.runs(
          missing.map((i) => jobs[i]!),
          (j, run) => {
            const i = missing[j]!;
            cache.put(keys[i]!, run);
            out[i] = run;
            made?.(i, run);
          },
        );
      return out as FlowRun[];
    },
  };
}

/** The key of the run of `knobs` under `traffic` with `costs` and `plan`: SHA-256 of them all and the model's code. */
export function runKey(traffic: Traffic, knobs: DeviceKnobs, costs: DeviceCosts, plan: RunPlan): string {
  const inputs = { format: FORMAT, v8: process.versions.v8, model: modelCodeHash(), traffic, knobs, costs, plan };
  return createHash('sha256').update(canonical(inputs)).digest('hex');
}

let codeHash: string | undefined;

/**
 * SHA-256 over the modules that decide a run besides its inputs (`modelModules`), each by its path and text. Read
 * once a process.
 */
export function modelCodeHash(): string {
  if (codeHash !== undefined) return codeHash;
  const h = createHash('sha256');
  for (const [path, text] of modelModules()) h.update(`${path}\0${text}\0`);
  return (codeHash = h.digest('hex'));
}

/**
 * The text of the modules whose code a run executes, by path from this folder (sorted), as this copy ships them (the
 * built .js, or under tsx the sources): flow-model.ts and its imports with theirs, except that a module of this folder
 * other than flow-model.ts is followed only into this folder (device.ts's imports outside it price the costs, which
 * are in the key as data).
 */
export function modelModules(): [string, string][] {
  const here = new URL('./', import.meta.url);
  const inside = (u: URL): boolean => u.href.startsWith(here.href) && !u.href.slice(here.href.length).includes('/');
  const seen = new Map<string, string>();
  const visit = (url: URL, root: boolean): void => {
    let file = url;
    if (!existsSync(file) && file.pathname.endsWith('.js')) file = new URL(file.href.replace(/\.js$/, '.ts'));
    if (seen.has(file.href)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file.href, text);
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const to = new URL(m[1]!, file);
      if (root || !inside(file) || inside(to)) visit(to, false);
    }
  };
  visit(new URL('flow-model.js', here), true);
  return [...seen]
    .map(([href, text]): [string, string] => [relative(here.href, href), text])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `href`'s path from the folder `base` (both URLs), `..` for each step up. */
function relative(base: string, href: string): string {
  const a = base.split('/').slice(0, -1);
  const b = href.split('/');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** `x` as text that names its value alone: keys sorted, NaN, ±∞ and −0 spelled apart, undefined members left out. */
export function canonical(x: unknown): string {
  if (typeof x === 'number')
    return Number.isFinite(x) ? (Object.is(x, -0) ? '"#-0"' : JSON.stringify(x)) : `"#${String(x)}"`;
  if (typeof x === 'string' || typeof x === 'boolean' || x === null) return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  throw new TypeError(`a run's inputs are data, not ${typeof x}`);
}
