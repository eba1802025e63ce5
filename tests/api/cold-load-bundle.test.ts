/**
 * The code cache of the package's entry (runtime/load-bundle.ts, issue 31's
 * cold start): a CommonJS file run as a vm.Script with V8's cached data from
 * an earlier process. Each case is a fresh `node` (V8 keeps compiled scripts
 * within a process, where it would never consult the cache): the first run
 * has none and writes one at exit, the next takes it, and a cache that is
 * not whole (a flipped byte: Node 20's V8 does not check its checksum and can
 * crash on one) or not V8's for this script is refused and the file still
 * runs, its cache rewritten. DTLS13_COMPILE_CACHE=0 reads and writes nothing.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeCacheFile, userCodeCacheDir } from '../../runtime/load-bundle.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LOADER = pathToFileURL(join(ROOT, 'runtime', 'load-bundle.ts')).href;

/** A CommonJS file with enough functions that V8's cache for it is more than a header. */
const SOURCE = `'use strict';
const { createHash } = require('node:crypto');
function fold(n) { let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003; return x; }
${Array.from({ length: 40 }, (_, i) => `function part${i}(v) { return fold(v + ${i}) ^ ${i * 7}; }`).join('\n')}
exports.answer = () => [${Array.from({ length: 40 }, (_, i) => `part${i}(${i})`).join(', ')}].reduce((a, b) => (a + b) % 1000003, 0);
exports.digest = () => createHash('sha256').update('cold').digest('hex');
exports.file = __filename;
`;

interface Run {
  readonly outcome: string;
  readonly answer: number;
  readonly digest: string;
  readonly file: string;
}

function setup(): { dir: string; bundle: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-load-bundle-'));
  const bundle = join(dir, 'bundle.cjs');
  writeFileSync(bundle, SOURCE);
  return { dir, bundle, cacheDir: join(dir, 'cache') };
}

/** A fresh node (tsx for the loader's source) that loads `bundle` and prints the outcome and the bundle's results. */
function load(bundle: string, cacheDir: string, env: NodeJS.ProcessEnv = {}): Run {
  const script = `
    const { loadBundle } = await import(${JSON.stringify(LOADER)});
    const loaded = loadBundle(${JSON.stringify(bundle)}, { defaultCacheDir: ${JSON.stringify(cacheDir)} });
    const e = loaded.exports;
    process.stdout.write(JSON.stringify({ outcome: loaded.outcome, answer: e.answer(), digest: e.digest(), file: e.file }));`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DTLS13_COMPILE_CACHE: undefined, ...env },
  });
  if (run.status !== 0)
    throw new Error(`the loader's process exited ${String(run.status)} (signal ${String(run.signal)}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as Run;
}

const cacheFiles = (cacheDir: string): string[] =>
  existsSync(cacheDir) ? readdirSync(cacheDir).filter((f) => f.endsWith('.cache')) : [];

test('no cache: compiled from source, a cache written at exit; the next process takes it and gets the same results', (t) => {
  const { dir, bundle, cacheDir } = setup();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = load(bundle, cacheDir);
  t.is(first.outcome, 'missing');
  t.is(first.file, bundle);
  const files = cacheFiles(cacheDir);
  t.is(files.length, 1);
  t.regex(files[0] ?? '', new RegExp(`^bundle-[0-9a-f]{16}-node${process.versions.node.replace(/\./g, '\\.')}-`));
  const second = load(bundle, cacheDir);
  t.is(second.outcome, 'accepted');
  t.deepEqual({ ...second, outcome: first.outcome }, first);
});

test('a cache with one byte flipped is refused (its checksum), the file runs, and a whole cache replaces it', (t) => {
  const { dir, bundle, cacheDir } = setup();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = load(bundle, cacheDir);
  const file = join(cacheDir, cacheFiles(cacheDir)[0] ?? '');
  const good = readFileSync(file);
  for (const at of [good.length >> 1, good.length - 3]) {
    const bad = Buffer.from(good);
    bad[at] = (bad[at] ?? 0) ^ 0xff;
    writeFileSync(file, bad);
    const run = load(bundle, cacheDir);
    t.is(run.outcome, 'rejected', `byte ${at} of ${good.length} flipped`);
    t.deepEqual({ ...run, outcome: first.outcome }, first);
    t.is(load(bundle, cacheDir).outcome, 'accepted', 'rewritten at exit');
  }
  writeFileSync(file, good.subarray(0, 20));
  t.is(load(bundle, cacheDir).outcome, 'rejected', 'a truncated file');
});

test('a whole cache file that group or others may write is not read (its bytecode would run)', (t) => {
  const { dir, bundle, cacheDir } = setup();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  load(bundle, cacheDir);
  const file = join(cacheDir, cacheFiles(cacheDir)[0] ?? '');
  t.is(statSync(file).mode & 0o022, 0, 'written without group or other write permission');
  t.is(load(bundle, cacheDir).outcome, 'accepted');
  chmodSync(file, 0o664);
  t.is(load(bundle, cacheDir).outcome, 'rejected');
});

test('a whole cache V8 made for another script is refused by V8 (cachedDataRejected) and the file still runs', (t) => {
  const { dir, bundle, cacheDir } = setup();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const first = load(bundle, cacheDir);
  const file = join(cacheDir, cacheFiles(cacheDir)[0] ?? '');
  // Another script's cache, under this bundle's name, with a right checksum: only V8 can tell.
  const other = join(dir, 'other.cjs');
  writeFileSync(other, `${SOURCE}\nexports.more = () => 1;\n`);
  const otherCache = join(dir, 'other-cache');
  load(other, otherCache);
  writeFileSync(file, readFileSync(join(otherCache, cacheFiles(otherCache)[0] ?? '')));
  const run = load(bundle, cacheDir);
  t.is(run.outcome, 'rejected');
  t.deepEqual({ ...run, outcome: first.outcome }, first);
});

test('DTLS13_COMPILE_CACHE=0 reads and writes nothing; another value is the directory', (t) => {
  const { dir, bundle, cacheDir } = setup();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.is(load(bundle, cacheDir, { DTLS13_COMPILE_CACHE: '0' }).outcome, 'off');
  t.is(load(bundle, cacheDir, { DTLS13_COMPILE_CACHE: 'off' }).outcome, 'off');
  t.deepEqual(cacheFiles(cacheDir), []);
  const elsewhere = join(dir, 'elsewhere');
  t.is(load(bundle, cacheDir, { DTLS13_COMPILE_CACHE: elsewhere }).outcome, 'missing');
  t.is(cacheFiles(elsewhere).length, 1);
  t.deepEqual(cacheFiles(cacheDir), []);
  t.is(load(bundle, cacheDir, { DTLS13_COMPILE_CACHE: elsewhere }).outcome, 'accepted');
});

test('the user cache directory per platform: XDG_CACHE_HOME only when absolute, LOCALAPPDATA on Windows', (t) => {
  const home = { HOME: '/home/u' };
  t.is(userCodeCacheDir(home, 'linux'), '/home/u/.cache/dtls13/v8');
  t.is(userCodeCacheDir({ ...home, XDG_CACHE_HOME: '/var/cache/u' }, 'linux'), '/var/cache/u/dtls13/v8');
  t.is(userCodeCacheDir({ ...home, XDG_CACHE_HOME: 'relative' }, 'linux'), '/home/u/.cache/dtls13/v8');
  t.is(userCodeCacheDir(home, 'darwin'), '/home/u/Library/Caches/dtls13/v8');
  t.is(
    userCodeCacheDir({ USERPROFILE: 'C:/Users/u', LOCALAPPDATA: 'C:/AppData' }, 'win32'),
    join('C:/AppData', 'dtls13', 'v8'),
  );
  t.is(
    userCodeCacheDir({ USERPROFILE: 'C:/Users/u' }, 'win32'),
    join('C:/Users/u', 'AppData', 'Local', 'dtls13', 'v8'),
  );
});

test.serial(
  'the cache file: named for the bundle hash, Node, V8 and arch; off or elsewhere by DTLS13_COMPILE_CACHE',
  (t) => {
    const saved = process.env['DTLS13_COMPILE_CACHE'];
    t.teardown(() => {
      if (saved === undefined) delete process.env['DTLS13_COMPILE_CACHE'];
      else process.env['DTLS13_COMPILE_CACHE'] = saved;
    });
    delete process.env['DTLS13_COMPILE_CACHE'];
    const hash = 'ab'.repeat(32);
    const file = codeCacheFile('/x/index.bundle.cjs', hash, { defaultCacheDir: '/cache' })!;
    t.true(file.startsWith(`/cache/index.bundle-${'ab'.repeat(8)}-node${process.versions.node}-v8-`), file);
    t.true(file.endsWith('.cache'));
    t.true(file.includes(process.arch));
    t.not(codeCacheFile('/x/index.bundle.cjs', 'cd'.repeat(32), { defaultCacheDir: '/cache' }), file, 'another bundle');
    for (const off of ['0', 'off', 'FALSE', 'no']) {
      process.env['DTLS13_COMPILE_CACHE'] = off;
      t.is(codeCacheFile('/x/b.cjs', hash, { defaultCacheDir: '/cache' }), undefined, off);
    }
    process.env['DTLS13_COMPILE_CACHE'] = '/elsewhere';
    t.true(codeCacheFile('/x/b.cjs', hash, { defaultCacheDir: '/cache' })!.startsWith('/elsewhere/b-'));
    process.env['DTLS13_COMPILE_CACHE'] = '';
    t.true(codeCacheFile('/x/b.cjs', hash, { defaultCacheDir: '/cache' })!.startsWith('/cache/b-'));
  },
);
