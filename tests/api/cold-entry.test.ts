/**
 * The package's entry as `npm run build` makes it (issue 31's cold start):
 * dist/runtime/index.js runs one CommonJS bundle with a V8 code cache
 * (runtime/load-bundle.ts), and the noble provider, noble's ML-KEM and xstate
 * load at their first use (scripts/bundle-lazy.ts). Built from a copy of the
 * sources, then run in fresh `node` processes: the import loads none of the
 * three, nor does a handshake; each loads when it is used (and works); the
 * build left a cache the next process takes; a corrupt cache is refused and
 * the handshake still works; DTLS13_COMPILE_CACHE=0 turns it off; require()
 * of the CommonJS entry gives the module import gives; `listenWorkers` (`dtls13/workers`)
 * finds the worker thread's file beside the bundle; the build's warm-up
 * leaves both versions' handshakes in the cache (no lazy compilation); the
 * runtime ships once: dist/ holds no tsc module of the bundle's, only stubs
 * over it, so the hardware model's classes are the root's.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { socketPlan } from '../../runtime/api/workers/reuseport-sockets.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ADDON = join(ROOT, 'native', 'build', 'Release', 'dtls13_native.node');
/** Why `listenWorkers` cannot run in this process (and the children, which inherit its environment), if it cannot. */
const workersUnavailable = ((): string | undefined => {
  try {
    socketPlan();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
})();
const SOURCES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
  'runtime',
  'cli',
  'generator',
  'generated',
  'hwmodel',
  'learn',
  'spec',
  'native',
];

interface Report {
  readonly codeCache: string | undefined;
  readonly afterImport: readonly string[];
  readonly xstateAfterImport: boolean;
  readonly afterHandshake: readonly string[];
  readonly protocol: string;
  readonly nobleDigest: string;
  readonly afterNoble: readonly string[];
  readonly hybridShare: number;
  readonly afterMlKem: readonly string[];
  readonly inspected: number;
  readonly afterInspect: readonly string[];
  readonly xstateAfterInspect: boolean;
}

/** What a fresh process sees, step by step: which lazy parts loaded (the dtls13:load channel and require's cache). */
const CHILD = `
import { subscribe } from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
const entry = process.argv[1];
const loaded = [];
let codeCache;
subscribe('dtls13:load', (m) => { if (m.part === 'bundle') codeCache = m.codeCache; else loaded.push(m.part); });
// The root and the crypto entry (the providers): one bundle behind both.
const d = { ...(await import(entry)), ...(await import(new URL('./crypto.js', entry).href)) };
const xstate = () => Object.keys(createRequire(new URL(entry)).cache).some((k) => k.includes('/node_modules/xstate/'));
const report = { codeCache, afterImport: [...loaded], xstateAfterImport: xstate() };
const id = d.createThrowawayIdentity({ serverName: 'localhost', caName: 'cold entry CA' });
const endpoint = d.listen(() => {}, { host: '127.0.0.1', port: 0, cert: [...id.chain], key: id.privateKey });
const { port } = await endpoint.listening;
const handshake = async (extra) => {
  const session = d.connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost', ...extra });
  await session.opened;
  const protocol = session.protocol;
  await session.close();
  return protocol;
};
report.protocol = await handshake({});
report.afterHandshake = [...loaded];
report.nobleDigest = Buffer.from(d.nobleProvider.digest('sha256', Buffer.from('cold'))).toString('hex');
report.afterNoble = [...loaded];
report.hybridShare = d.nodeProvider.generateKeyShare('x25519mlkem768').publicKey.length;
report.afterMlKem = [...loaded];
let inspected = 0;
await handshake({ inspect: () => { inspected++; } });
report.inspected = inspected;
report.afterInspect = [...loaded];
report.xstateAfterInspect = xstate();
await endpoint.close();
process.stdout.write(JSON.stringify(report));
`;

let entry = '';
let cacheDir = '';
let work = '';

test.before(() => {
  work = mkdtempSync(join(tmpdir(), 'dtls13-cold-entry-'));
  const source = join(work, 'dtls13');
  for (const name of SOURCES)
    cpSync(join(ROOT, name), join(source, name), {
      recursive: true,
      filter: (path) => !/\/(node_modules|dist|build|\.cache)(\/|$)/.test(path.slice(ROOT.length)),
    });
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  // The addon as built here (workers need its SO_REUSEPORT on Node 20), when it is.
  if (existsSync(ADDON)) symlinkSync(join(ROOT, 'native', 'build'), join(source, 'native', 'build'), 'dir');
  // The user's cache directory, as the package finds it (XDG_CACHE_HOME), one of this test's own.
  cacheDir = join(work, 'xdg-cache', 'dtls13', 'v8');
  const build = spawnSync('npm', ['run', 'build'], {
    cwd: source,
    encoding: 'utf8',
    env: { ...process.env, ...userCache(), DTLS13_COMPILE_CACHE: undefined },
  });
  if (build.status !== 0)
    throw new Error(`npm run build exited ${String(build.status)}:\n${build.stdout}\n${build.stderr}`);
  entry = join(source, 'dist', 'runtime', 'index.js');
});

/** XDG_CACHE_HOME for the children: the user's cache directory the package writes its code cache to. */
const userCache = (): NodeJS.ProcessEnv => ({ XDG_CACHE_HOME: join(work, 'xdg-cache') });

/** Every file under `dir` (symbolic links not followed) with its size and modification time. */
function listing(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const st = statSync(path);
    out.push(`${path.slice(dir.length)} ${st.size} ${st.mtimeMs}`);
  }
  return out.sort();
}

test.after.always(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

function run(env: NodeJS.ProcessEnv = {}): Report {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(entry).href], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...userCache(), DTLS13_COMPILE_CACHE: undefined, ...env },
  });
  if (child.status !== 0)
    throw new Error(`the child exited ${String(child.status)} (signal ${String(child.signal)}):\n${child.stderr}`);
  return JSON.parse(child.stdout) as Report;
}

test.serial(
  'the import and a handshake load neither noble, its ML-KEM nor xstate; each loads at its first use and works',
  (t) => {
    const r = run();
    t.deepEqual(r.afterImport, []);
    t.false(r.xstateAfterImport);
    t.is(r.protocol, 'DTLSv1.3');
    t.deepEqual(r.afterHandshake, []);
    t.is(r.nobleDigest, createHash('sha256').update('cold').digest('hex'), "noble's SHA-256 agrees with node:crypto's");
    t.deepEqual(r.afterNoble, ['noble']);
    t.is(r.hybridShare, 32 + 1184, 'X25519MLKEM768 share: X25519 public value and ML-KEM-768 encapsulation key');
    t.deepEqual(r.afterMlKem, ['noble', 'ml-kem-768']);
    t.true(r.inspected > 0, 'the inspector saw XState events');
    t.deepEqual(r.afterInspect, ['noble', 'ml-kem-768', 'xstate']);
    t.true(r.xstateAfterInspect);
  },
);

test.serial("a run writes nothing inside the package: the code cache goes to the user's cache directory", (t) => {
  rmSync(cacheDir, { recursive: true, force: true });
  const before = listing(join(entry, '..', '..', '..'));
  t.is(run().codeCache, 'missing');
  t.deepEqual(listing(join(entry, '..', '..', '..')), before);
  t.true(
    readdirSync(cacheDir).some((f) => f.endsWith('.cache')),
    'the cache was written to XDG_CACHE_HOME/dtls13/v8',
  );
});

test.serial(
  'the build leaves a code cache the next process takes; a corrupt one is refused and the handshake still works',
  (t) => {
    t.is(run().codeCache, 'accepted');
    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.cache'));
    t.true(files.length >= 1);
    for (const f of files) {
      const bytes = readFileSync(join(cacheDir, f));
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x5a;
      writeFileSync(join(cacheDir, f), bytes);
    }
    const corrupt = run();
    t.is(corrupt.codeCache, 'rejected');
    t.is(corrupt.protocol, 'DTLSv1.3');
    t.is(run().codeCache, 'accepted', 'rewritten by the process that refused it');
    const off = run({ DTLS13_COMPILE_CACHE: '0' });
    t.is(off.codeCache, 'off');
    t.is(off.protocol, 'DTLSv1.3');
  },
);

/** A fresh process's DTLS 1.3 and 1.2 handshakes, each with one message echoed, over the build's code cache; prints what became of the cache. */
const BOTH_VERSIONS = `
import { subscribe } from 'node:diagnostics_channel';
let codeCache;
subscribe('dtls13:load', (m) => { if (m.part === 'bundle') codeCache = m.codeCache; });
const d = await import(process.argv[2]);
const id = d.createThrowawayIdentity({ serverName: 'localhost', caName: 'coverage CA' });
const endpoint = d.listen((s) => (s.onmessage = (m) => s.send(m)), { host: '127.0.0.1', port: 0, cert: [...id.chain], key: id.privateKey });
const { port } = await endpoint.listening;
for (const maxVersion of ['DTLSv1.3', 'DTLSv1.2']) {
  const session = d.connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost', maxVersion });
  await session.opened;
  const echoed = new Promise((resolve) => (session.onmessage = resolve));
  session.send('x');
  await echoed;
  await session.close();
}
await endpoint.close();
process.stdout.write(String(codeCache));
`;

test.serial(
  "the build's warm-up leaves both versions' handshakes in the code cache: a fresh process compiles none of the bundle's functions lazily",
  (t) => {
    // V8 logs every lazy compilation ('function,interpreter,<script id>'); the cache is keyed by node's flags, so the
    // warm-up the build runs (scripts/warm-code-cache.mjs) writes one under the same logging flags, in a directory of its own.
    const log = join(work, 'functions.log');
    const flags = ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate'];
    const env = { ...process.env, DTLS13_COMPILE_CACHE: join(work, 'coverage-cache') };
    const warm = spawnSync(
      process.execPath,
      [...flags, join(entry, '..', '..', '..', 'scripts', 'warm-code-cache.mjs'), entry],
      {
        encoding: 'utf8',
        env,
        timeout: 120_000,
      },
    );
    t.is(warm.status, 0, warm.stderr);
    // A file, not -e: --input-type would be a flag the warm-up ran without, so another cache.
    const script = join(work, 'both-versions.mjs');
    writeFileSync(script, BOTH_VERSIONS);
    const child = spawnSync(process.execPath, [...flags, script, pathToFileURL(entry).href], {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    t.is(child.status, 0, child.stderr);
    t.is(child.stdout, 'accepted');
    const lines = readFileSync(log, 'utf8').split('\n');
    const bundleIds = new Set(
      lines
        .filter((l) => l.startsWith('script-details,') && l.includes('index.bundle.cjs'))
        .map((l) => l.split(',')[1]),
    );
    const lazy = lines
      .filter((l) => l.startsWith('function,interpreter,') && bundleIds.has(l.split(',')[2]))
      .map((l) => l.split(',').at(-1));
    t.true(bundleIds.size > 0, 'the log names the bundle');
    // 0 here; a warm-up with the 1.3 handshake only left about 300 of the 1.2 path to compile.
    t.true(lazy.length <= 10, `${lazy.length} functions compiled lazily: ${lazy.slice(0, 20).join(', ')}`);
  },
);

const WORKERS =
  'listenWorkers from the built dtls13/workers finds its worker thread file and a handshake completes through a worker';
// Workers need SO_REUSEPORT: the addon (absent, or off with DTLS13_NATIVE=0, in the child as here) or Node 22.12's node:dgram.
if (workersUnavailable !== undefined) test.skip(`${WORKERS} — not run: ${workersUnavailable}`, () => {});
else
  test.serial(WORKERS, (t) => {
    const onSession = join(work, 'on-session.mjs');
    writeFileSync(onSession, 'export default (session) => { session.onmessage = (d) => session.send(d); };\n');
    const script = `
    const d = await import(process.argv[2]);
    const id = d.createThrowawayIdentity({ serverName: 'localhost', caName: 'workers CA' });
    const { listenWorkers } = await import(process.argv[4]);
    const endpoint = listenWorkers(new URL(process.argv[3]), { host: '127.0.0.1', port: 0, workers: 1, cert: [...id.chain], key: id.privateKey });
    const { port } = await endpoint.listening;
    const session = d.connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost' });
    await session.opened;
    const echo = new Promise((resolve) => { session.onmessage = (m) => resolve(Buffer.from(m).toString()); });
    session.send('through a worker');
    process.stdout.write(session.protocol + ' ' + (await echo));
    await session.close();
    await endpoint.close();
    process.exit(0);`;
    // A file, not -e: a worker thread inherits node's options, and --input-type would stop it.
    const main = join(work, 'workers-main.mjs');
    writeFileSync(main, script);
    const child = spawnSync(
      process.execPath,
      [
        main,
        pathToFileURL(entry).href,
        pathToFileURL(onSession).href,
        pathToFileURL(join(dirname(entry), 'workers.js')).href,
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    t.is(child.status, 0, child.stderr);
    t.is(child.stdout, 'DTLSv1.3 through a worker');
  });

const REQUIRE = 'require() of the CommonJS entry gives the module import gives';
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (!(major >= 23 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19)))
  test.skip(`${REQUIRE} — not run: Node ${process.versions.node} cannot require() ES modules (tests/api/require-entry.test.ts checks what it is told)`, () => {});
else
  test.serial(REQUIRE, (t) => {
    const cjs = entry.replace(/index\.js$/, 'index.cjs');
    const script = `const c = require(${JSON.stringify(cjs)}); import(${JSON.stringify(pathToFileURL(entry).href)}).then((e) => {
    return import(${JSON.stringify(pathToFileURL(entry.replace(/index\.js$/, 'sans-io.js')).href)}).then((s) => {
      process.stdout.write(JSON.stringify({ same: e.ConfigError === c.ConfigError && e.listen === c.listen && s.ConfigError === c.ConfigError, names: Object.keys(c).length }));
    });
  });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    t.is(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout) as { same: boolean; names: number };
    t.true(out.same, 'the same classes from require, import and the sans-io entry');
    t.true(out.names > 10);
  });

test.serial(
  'an uncaught error from inside the bundle prints a short source line, not the bundle (its lines are cut)',
  (t) => {
    // send() past one record throws MessageTooLargeError from inside the bundle; Node prints the throwing line of source.
    const script = `const d = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const id = d.createThrowawayIdentity({ serverName: 'localhost', caName: 'line CA' });
    const endpoint = d.listen(() => {}, { host: '127.0.0.1', port: 0, cert: [...id.chain], key: id.privateKey });
    const session = d.connect('127.0.0.1', (await endpoint.listening).port, { ca: id.caDer, servername: 'localhost' });
    await session.opened;
    session.send(new Uint8Array(100_000));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.not(child.status, 0);
    t.regex(child.stderr, /MessageTooLargeError/);
    t.regex(child.stderr, /index\.bundle\.cjs:\d+/);
    t.true(child.stderr.length < 20_000, `${child.stderr.length} characters on stderr`);
    const bundle = readFileSync(join(entry, '..', 'index.bundle.cjs'), 'utf8');
    t.true(bundle.split('\n').length > 1000, 'the bundle is cut into lines');
  },
);

test.serial(
  "the built command line runs the library's bundle: `dtls13 demo` loads no tsc module of runtime/ but the bundle's loader",
  (t) => {
    const dist = join(entry, '..', '..');
    const loadedFile = join(work, 'cli-loaded.txt');
    const hooks = join(work, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(loadedFile)}, r.url + '\\n'); return r; }\n`,
    );
    const register = join(work, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const demo = spawnSync(
      process.execPath,
      [`--import=${pathToFileURL(register).href}`, join(dist, 'cli', 'main.js'), 'demo'],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, DTLS13_COMPILE_CACHE: undefined },
      },
    );
    t.is(demo.status, 0, demo.stderr);
    t.regex(demo.stdout, /DTLSv1\.3|tls_aes/i);
    const runtime = [...new Set(readFileSync(loadedFile, 'utf8').trim().split('\n'))]
      .filter((u) => u.startsWith(pathToFileURL(join(dist, 'runtime')).href))
      .map((u) => u.slice(pathToFileURL(dist).href.length + 1));
    t.deepEqual(runtime, ['runtime/load-bundle.js']);
    // The entry and the command line in one process: one run of the bundle, the same classes.
    const script = `const e = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const c = await import(${JSON.stringify(pathToFileURL(join(dist, 'cli', 'runtime.js')).href)});
    process.stdout.write(JSON.stringify(e.ConfigError === c.ConfigError && e.listen === c.listen && e.connect === c.connect));`;
    const both = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.is(both.status, 0, both.stderr);
    t.is(both.stdout, 'true');
  },
);

test.serial(
  "the rest of dist/ runs the bundle: each runtime module ships once, and dtls13/hwmodel's classes are the root's",
  (t) => {
    const dist = join(entry, '..', '..');
    // Every .js of the runtime, generated/wire and generated/charts is the bundle, its loader, an entry, the thread's file or a stub over the bundle.
    const files = (dir: string): string[] =>
      existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
          )
        : [];
    const own = /\/runtime\/(load-bundle|index|sans-io|wire|crypto|workers)\.js$/;
    const copies = ['runtime', 'generated/wire', 'generated/charts']
      .flatMap((d) => files(join(dist, d)))
      .filter((f) => f.endsWith('.js') && !own.test(f) && !readFileSync(f, 'utf8').startsWith('// dtls13: '));
    t.deepEqual(copies, [], 'tsc modules beside the bundle');
    // The hardware model (tsc's modules) throws the ConfigError the root exports: one class, from the bundle.
    const script = `const root = await import(${JSON.stringify(pathToFileURL(entry).href)});
    const hw = await import(${JSON.stringify(pathToFileURL(join(dist, 'hwmodel', 'index.js')).href)});
    try { hw.simulate({ loss: 2 }); } catch (e) { process.stdout.write(String(e instanceof root.ConfigError) + ' ' + e.message); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    t.is(child.status, 0, child.stderr);
    t.regex(child.stdout, /^true option loss: /);
  },
);
