/**
 * The package as a user gets it: `npm run build` and `npm pack` in a copy of
 * this tree, installed offline from the
 * tarball into an empty project with the strictest TypeScript options
 * (`strict`, `exactOptionalPropertyTypes`, `skipLibCheck: false`, NodeNext),
 * type-checked with tsc, and run: a server and a client over real UDP.
 *
 * The copy keeps the build away from this tree's dist/, which other tests
 * run from. The dependencies (xstate, and @types/node for the project) are
 * packed from this repository's node_modules, so `npm install --offline`
 * needs nothing from the registry.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const PROJECT = join(ROOT, 'tests/consumer/project');
/** What `npm run build` and `npm pack` read. */
const SOURCES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'scripts',
  'runtime',
  'cli',
  'generator',
  'generated',
  'hwmodel',
  'spec',
  'native',
];
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function npm(args: readonly string[], cwd: string): string {
  // DTLS13_NATIVE=0: the install script skips the native addon (tests/crypto/native.test.ts covers it); the rest is the user's path.
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', env: { ...process.env, DTLS13_NATIVE: '0' } });
  if (run.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${String(run.status)}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** `npm pack` of a folder into `into` (its scripts already run); the tarball's file name. */
function pack(folder: string, into: string): string {
  const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', into], folder)) as { filename: string }[];
  const name = out[0]?.filename;
  if (name === undefined) throw new Error(`npm pack of ${folder} made no tarball`);
  return name;
}

const versionOf = (pkg: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The built, packed and installed consumer project, made once for the tests of this file. */
let installed: { work: string; app: string } | undefined;
test.after.always(() => installed && rmSync(installed.work, { recursive: true, force: true }));

function install(): { work: string; app: string } {
  if (installed) return installed;
  const work = mkdtempSync(join(tmpdir(), 'dtls13-consumer-'));
  installed = { work, app: join(work, 'app') };
  const source = join(work, 'dtls13');
  for (const entry of SOURCES)
    cpSync(join(ROOT, entry), join(source, entry), { recursive: true, filter: (path) => !/\/(node_modules|dist|build)(\/|$)/.test(path.slice(ROOT.length)) });
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  npm(['run', 'build'], source); // what npm pack's prepare runs (its output would mix with pack's --json)
  const dtls13 = pack(source, tarballs);
  const dependencies = ['xstate', '@types/node', 'undici-types'];
  const packed = Object.fromEntries(dependencies.map((d) => [d, `file:${join(tarballs, pack(join(ROOT, 'node_modules', d), tarballs))}`]));
  const stale = dependencies.filter((d) => !packed[d]?.includes(versionOf(d)));
  if (stale.length > 0) throw new Error(`packed at another version than node_modules holds: ${stale.join(', ')}`);

  const app = installed.app;
  mkdirSync(app);
  for (const f of ['tsconfig.json', 'main.ts', 'wrong.ts']) cpSync(join(PROJECT, f), join(app, f));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'dtls13-consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      // xstate is an optional peer of dtls13; main.ts inspects, so the project installs it.
      dependencies: { dtls13: `file:${join(tarballs, dtls13)}`, xstate: packed['xstate'] },
      devDependencies: { '@types/node': packed['@types/node'] },
      overrides: { xstate: packed['xstate'], 'undici-types': packed['undici-types'] },
    }),
  );
  npm(['install', '--offline', '--no-audit', '--no-fund'], app);
  return installed;
}

test.serial(
  'installed from npm pack, the package type-checks in a strict consumer project (skipLibCheck false) and runs a client against a server over UDP',
  (t) => {
    const { app } = install();

    // The strict project compiles, with the package's declarations checked and xstate's never loaded.
    const tsc = spawnSync(process.execPath, [TSC, '-p', app, '--listFilesOnly'], { encoding: 'utf8' });
    const files = tsc.stdout.split('\n');
    for (const entry of ['runtime/index', 'runtime/sans-io', 'runtime/wire', 'runtime/crypto', 'runtime/workers', 'hwmodel/index', 'generator/index'])
      t.true(
        files.some((f) => f.includes(`node_modules/dtls13/dist/${entry}.d.ts`)),
        `the declarations of the ${entry} entry are in the program`,
      );
    t.deepEqual(
      files.filter((f) => f.includes('node_modules/xstate/')),
      [],
      'no declaration of xstate is loaded',
    );
    const compiled = spawnSync(process.execPath, [TSC, '-p', app], { encoding: 'utf8' });
    t.is(compiled.stdout + compiled.stderr, '', 'tsc reports nothing');
    t.is(compiled.status, 0);

    // The declarations are real types: misuse does not compile.
    const misuse = spawnSync(
      process.execPath,
      [
        TSC,
        '--noEmit',
        '--strict',
        '--exactOptionalPropertyTypes',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        join(app, 'wrong.ts'),
      ],
      {
        encoding: 'utf8',
        cwd: app,
      },
    );
    t.not(misuse.status, 0);
    t.regex(misuse.stdout, /wrong\.ts\(4,\d+\): error TS2345/);
    t.regex(misuse.stdout, /wrong\.ts\(5,\d+\): error TS2322/);

    // And it runs: a client against a server over UDP on 127.0.0.1.
    const output = execFileSync(process.execPath, [join(app, 'out/main.js')], { cwd: app, encoding: 'utf8', timeout: 60_000 });
    t.regex(output, /^sans-io: 1 record, provider \w+, one ConfigError: true$/m);
    t.regex(output, /^workers: function 1; hwmodel: 1 handshake; generator: .*npm install ts-morph kaitai-struct-compiler handlebars yaml @viz-js\/viz$/m);
    t.regex(output, /^consumer: hello from a consumer project \| group x25519mlkem768 \| inspected .*@xstate\.snapshot/m);
  },
);

test.serial(
  'from an npm install: demo --inspect without its optional packages says which to install; without a compiler the addon is skipped, with why and the cost',
  async (t) => {
    const { app } = install();
    const main = join(app, 'node_modules/dtls13/dist/cli/main.js');
    const env = { ...process.env };
    delete env['DTLS13_NATIVE'];
    const inspect = spawnSync(process.execPath, [main, 'demo', `--inspect=${await freeTcpPort()}`], { cwd: app, encoding: 'utf8', env, timeout: 60_000 });
    t.is(inspect.status, 1, inspect.stderr);
    t.regex(
      inspect.stderr,
      /^dtls13: this needs the package '(ws|@statelyai\/inspect)', which 'npm install dtls13' does not install \(an optional peer dependency\): npm install xstate ws @statelyai\/inspect\n$/,
    );
    t.notRegex(inspect.stdout + inspect.stderr, /ERR_MODULE_NOT_FOUND|Cannot find package|node:internal/);

    // The install script on a machine without a C compiler, make or Python: the install goes on and says what is missing and what it costs.
    const build = spawnSync(process.execPath, [join(app, 'node_modules/dtls13/native/build.mjs')], {
      cwd: app,
      encoding: 'utf8',
      env: { ...env, PATH: join(app, 'no-tools') },
    });
    t.is(build.status, 0);
    t.regex(
      build.stderr,
      /^dtls13: native addon skipped: no C compiler \(cc, gcc or clang\), no C\+\+ compiler \(c\+\+, g\+\+ or clang\+\+\), no make, no Python 3 on PATH\.$/m,
    );
    t.regex(build.stderr, /records are sealed and opened about 3-5 times slower/);
    // And the demo, the first thing a user runs, says which crypto it runs on.
    const demo = spawnSync(process.execPath, [main, 'demo'], { cwd: app, encoding: 'utf8', env, timeout: 60_000 });
    t.is(demo.status, 0, demo.stderr);
    t.regex(demo.stdout, /^crypto: node:crypto, without the native addon \(the addon is not built.*\): records are sealed and opened about 3-5 times slower/m);
  },
);

/** A TCP port that was free a moment ago (for --inspect). */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
