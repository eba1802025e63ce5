/**
 * How the package's entry (scripts/bundle-entry.ts) runs its CommonJS bundle with a V8 code cache (Node 20 has no
 * `module.enableCompileCache()`): a `vm.Script` given the bytecode an earlier process wrote at exit. A cache that does
 * not fit (another Node, flags, bundle; corrupt) is refused and the bundle compiled without, never an error.
 *
 * The cache is in the user's cache directory (`$XDG_CACHE_HOME/dtls13/v8`, `~/.cache/dtls13/v8`, macOS
 * `~/Library/Caches`, Windows `%LOCALAPPDATA%`), one file per bundle hash, Node version and architecture.
 * `DTLS13_COMPILE_CACHE=0` turns it off, another value is the directory; a file others may write is not read.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/** What became of the code cache when the bundle loaded. */
export type CodeCacheOutcome =
  /** DTLS13_COMPILE_CACHE turned it off. */
  | 'off'
  /** No cache file for this bundle and Node: compiled from source, a cache written at exit. */
  | 'missing'
  /** V8 took the cache: nothing compiled that was in it. */
  | 'accepted'
  /** The cache was refused (not whole: its checksum; another V8 or flags: V8): compiled from source, a new cache written at exit. */
  | 'rejected';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  readonly exports: Record<string, unknown>;
  readonly outcome: CodeCacheOutcome;
  /** The cache file read or to be written at exit (when the outcome is `missing` or `rejected`); undefined when off. */
  readonly cacheFile: string | undefined;
}

export interface LoadBundleOptions {
  /** The cache directory when DTLS13_COMPILE_CACHE does not name one (default: {@link userCodeCacheDir}). */
  readonly defaultCacheDir?: string;
}

const OFF = ['0', 'off', 'false', 'no'];
/** A cache file: these 8 bytes, the SHA-256 of the rest, then V8's data. Node 20's V8 does not check its data's checksum: a flipped byte can crash it. */
const MAGIC = Buffer.from('DTLS13V8', 'latin1');
const HEADER = MAGIC.length + 32;

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** The user's cache directory for code caches (see the file's comment): where a cache goes when nothing names another. */
export function userCodeCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = env['HOME'] ?? env['USERPROFILE'] ?? homedir();
  const root =
    platform === 'win32'
      ? (env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'))
      : platform === 'darwin'
        ? join(home, 'Library', 'Caches')
        : env['XDG_CACHE_HOME'] !== undefined && isAbsolute(env['XDG_CACHE_HOME'])
          ? env['XDG_CACHE_HOME']
          : join(home, '.cache');
  return join(root, 'dtls13', 'v8');
}

/** The cache file for the bundle hashing to `bundleHash` in this Node and flags; undefined: caching off. */
export function codeCacheFile(file: string, bundleHash: string, options: LoadBundleOptions): string | undefined {
  const setting = process.env['DTLS13_COMPILE_CACHE'];
  if (setting !== undefined && OFF.includes(setting.toLowerCase())) return undefined;
  const dir =
    setting === undefined || setting === '' ? (options.defaultCacheDir ?? userCodeCacheDir()) : resolve(setting);
  const base = basename(file).replace(/\.c?js$/, '');
  // V8 refuses a cache made under other flags: one file per set of them, so processes run with different flags do not overwrite each other's.
  const flags = [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' ').trim();
  const flagKey = flags === '' ? '' : `-flags-${sha256(Buffer.from(flags)).toString('hex').slice(0, 8)}`;
  return join(
    dir,
    `${base}-${bundleHash.slice(0, 16)}-node${process.versions.node}-v8-${process.versions.v8}-${process.arch}${flagKey}.cache`,
  );
}

/** Whether only this user (or root) wrote a cache file: V8 runs its bytecode, the checksum is no signature. */
function trusted(stat: Stats): boolean {
  const uid = process.getuid?.();
  return uid === undefined || ((stat.uid === uid || stat.uid === 0) && (stat.mode & 0o022) === 0);
}

/** V8's data from a cache file; `absent` when there is none, `corrupt` when it is not whole (wrong magic, wrong hash). */
function readCache(cacheFile: string): Buffer | 'absent' | 'corrupt' {
  let bytes: Buffer;
  try {
    if (!trusted(statSync(cacheFile))) return 'corrupt';
    bytes = readFileSync(cacheFile);
  } catch {
    return 'absent';
  }
  if (bytes.length <= HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return 'corrupt';
  const data = bytes.subarray(HEADER);
  return sha256(data).equals(bytes.subarray(MAGIC.length, HEADER)) ? data : 'corrupt';
}

/** Writes `script`'s cache to `cacheFile` (whole, via a renamed temporary file); any failure leaves things as they were. */
function writeCache(script: Script, cacheFile: string): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const data = script.createCachedData();
    writeFileSync(temporary, Buffer.concat([MAGIC, sha256(data), data]), { mode: 0o644 });
    renameSync(temporary, cacheFile);
  } catch {
    rmSync(temporary, { force: true });
  }
}

/** Runs the CommonJS `file` as Node would, with the code cache when V8 takes it; returns its exports. */
export function loadBundle(file: string, options: LoadBundleOptions = {}): LoadedBundle {
  const bytes = readFileSync(file);
  const cacheFile = codeCacheFile(file, sha256(bytes).toString('hex'), options);
  const read = cacheFile === undefined ? 'absent' : readCache(cacheFile);
  const cachedData = typeof read === 'string' ? undefined : read;
  // Node's own module wrapper, on the first line so line numbers in stack traces stay the file's.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) { ${bytes.toString('utf8')}\n})`,
    {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    },
  );
  const outcome: CodeCacheOutcome =
    cacheFile === undefined
      ? 'off'
      : read === 'absent'
        ? 'missing'
        : read === 'corrupt' || script.cachedDataRejected === true
          ? 'rejected'
          : 'accepted';
  // The process that had no usable cache leaves one: at exit, when the most has been compiled.
  if (cacheFile !== undefined && outcome !== 'accepted' && isMainThread)
    process.once('exit', () => writeCache(script, cacheFile));
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, outcome, cacheFile };
}
