/**
 * Where `npm test`'s type-check and lint keep what they learned, so that a second run checks only what changed.
 *
 * Without DTLS13_CACHE everything is in the clone, under node_modules/.cache/dtls13-test/. With DTLS13_CACHE (CI sets
 * it to its default, ~/.cache/dtls13, which outlives the clone) the caches live in $DTLS13_CACHE/test-run/ and every
 * clone of the same tree reuses them. Each tool records paths its own way, and the way decides how a cache is shared:
 *
 * - tsc's build info names files relative to the build info itself. It is kept in the clone (the same relative place
 *   in every clone) and copied to and from the shared directory: `staged`.
 * - ESLint's cache names files by absolute path (and the results repeat it). It is kept in the clone too, copied with
 *   the clone's root written as ROOT_MARK in the shared copy and back: `staged`, `rewriteRoot`.
 * - dependency-cruiser's cache names files relative to the working directory: used in the shared directory as it is.
 * - Prettier's cache keys each file on a hash of its options, and the options hold the absolute path: no rewriting
 *   can carry it to another path. One cache per clone path, in the shared directory, so that a clone at the same path
 *   (CI reusing its checkout directory) finds its own.
 *
 * Every cache compares file contents (tsc hashes, `--cache-strategy content`), never times: a clone's fresh mtimes
 * cost nothing, and a cache from another clone is at worst unused, never trusted for a file that differs.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the shared copy of a clone-local cache has in place of the clone's root. */
export const ROOT_MARK = '/@dtls13-clone-root@/';

/** A cache file kept in the clone and mirrored into the shared directory. */
export interface StagedCache {
  readonly local: string;
  readonly shared: string;
  /** The file holds the clone's absolute root: written as ROOT_MARK in the shared copy. */
  readonly rewriteRoot: boolean;
}

export interface TestCaches {
  /** The clone's directory for them: node_modules/.cache/dtls13-test. */
  readonly localDir: string;
  /** $DTLS13_CACHE/test-run, or undefined when DTLS13_CACHE is unset (then everything is local). */
  readonly sharedDir: string | undefined;
  readonly tsBuildInfo: string;
  readonly eslint: string;
  readonly prettier: string;
  readonly depcruise: string;
  /** The files copied from the shared directory before the checks and back after. */
  readonly staged: readonly StagedCache[];
}

/** The caches of a clone at `root`, from DTLS13_CACHE in `env`. */
export function testCaches(root: string, env: Readonly<Record<string, string | undefined>>): TestCaches {
  const localDir = join(root, 'node_modules', '.cache', 'dtls13-test');
  const cacheRoot = env['DTLS13_CACHE'];
  const sharedDir = cacheRoot === undefined || cacheRoot === '' ? undefined : join(cacheRoot, 'test-run');
  const tsBuildInfo = join(localDir, 'tsbuildinfo');
  const eslint = join(localDir, 'eslint-cache');
  const rootKey = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const staged: StagedCache[] =
    sharedDir === undefined
      ? []
      : [
          { local: tsBuildInfo, shared: join(sharedDir, 'tsbuildinfo'), rewriteRoot: false },
          { local: eslint, shared: join(sharedDir, 'eslint-cache'), rewriteRoot: true },
        ];
  return {
    localDir,
    sharedDir,
    tsBuildInfo,
    eslint,
    prettier: join(sharedDir ?? localDir, `prettier-cache-${rootKey}`),
    depcruise: join(sharedDir ?? localDir, 'depcruise-cache'),
    staged,
  };
}

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

function replaceAll(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

/** The root and the separator after it, as they appear inside a JSON string (where a backslash is doubled). */
function jsonRoot(root: string): string {
  return JSON.stringify(join(root, '/')).slice(1, -1);
}

/**
 * Copies each shared cache into the clone when it is newer than the clone's own (or the clone has none). Returns
 * the local files' modification times after, for `saveStaged` to tell which ones the checks rewrote.
 */
export function seedStaged(caches: TestCaches, root: string): Map<string, number> {
  const seen = new Map<string, number>();
  for (const cache of caches.staged) {
    if (mtime(cache.shared) > mtime(cache.local)) {
      mkdirSync(caches.localDir, { recursive: true });
      if (cache.rewriteRoot)
        writeFileSync(cache.local, replaceAll(readFileSync(cache.shared, 'utf8'), ROOT_MARK, jsonRoot(root)));
      else copyFileSync(cache.shared, cache.local);
    }
    seen.set(cache.local, mtime(cache.local));
  }
  return seen;
}

/**
 * Copies back each local cache the checks rewrote since `seedStaged`. The shared file is replaced by a rename, so a
 * clone reading it meanwhile sees the old or the new one whole.
 */
export function saveStaged(caches: TestCaches, root: string, seen: Map<string, number>): void {
  for (const cache of caches.staged) {
    const now = mtime(cache.local);
    if (now < 0 || now === seen.get(cache.local)) continue;
    const dir = caches.sharedDir;
    if (dir === undefined) continue;
    mkdirSync(dir, { recursive: true });
    const temporary = `${cache.shared}.${process.pid}.tmp`;
    if (cache.rewriteRoot)
      writeFileSync(temporary, replaceAll(readFileSync(cache.local, 'utf8'), jsonRoot(root), ROOT_MARK));
    else copyFileSync(cache.local, temporary);
    renameSync(temporary, cache.shared);
    seen.set(cache.local, now);
  }
}
