/**
 * Every `dtls13` command as a user who ran `npm install dtls13` meets it:
 * built and packed in a copy of this tree (`npm pack`), the tarball installed
 * into an empty project (`npm install <tgz>`, production dependencies only,
 * none of the optional peers), and each command run through
 * node_modules/.bin/dtls13. A command either works or exits non-zero with
 * the exact `npm install ...` that makes it work; none dies with Node's
 * "Cannot find package" (issue 48: `dtls13 simulate` did, for 'yaml').
 *
 * The package's own dependencies (the @noble crypto packages) are packed
 * from this repository's node_modules and named in the project's overrides
 * (tests/support/own-dependencies.ts), so the install is offline; xstate,
 * which only the inspector needs, is an optional peer, not installed: the
 * demo runs without it, printing what to install for the chart
 * paths; the library's `inspect` option says the same. Cost: one
 * `npm run build` of a copy (1-2 minutes on two loaded cores), a pack and an
 * install; the native addon is skipped (DTLS13_NATIVE=0).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ownDependencies } from '../support/own-dependencies.js';

const ROOT = resolve(import.meta.dirname, '../..');
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
  'learn',
  'spec',
  'native',
];
const ENV = {
  ...process.env,
  DTLS13_NATIVE: '0',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_update_notifier: 'false',
};

/** A bound for the build, pack and install on a loaded two-core machine (a bound on a hang, not a figure). */
const TEST_TIMEOUT_MS = 30 * 60_000;

/** Runs a command to its end: exit status (null when killed) and output, never throwing. */
async function run(
  file: string,
  args: readonly string[],
  cwd: string,
  timeout = 0,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, [...args], {
      cwd,
      env: ENV,
      encoding: 'utf8',
      timeout,
      maxBuffer: 64 << 20,
    });
    return { status: 0, stdout, stderr };
  } catch (e) {
    const r = e as { code?: number | string; killed?: boolean; stdout?: string; stderr?: string };
    return {
      status: r.killed ? null : typeof r.code === 'number' ? r.code : -1,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? String(e),
    };
  }
}

async function npm(args: readonly string[], cwd: string): Promise<string> {
  const r = await run('nice', ['npm', ...args], cwd);
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${String(r.status)}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function pack(folder: string, into: string): Promise<string> {
  const out = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', into], folder)) as {
    filename: string;
  }[];
  const name = out[0]?.filename;
  if (name === undefined) throw new Error(`npm pack of ${folder} made no tarball`);
  return join(into, name);
}

/** A TCP port nothing listens on now (the inspector's, which it binds only once ws loads). */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Each command with arguments that load its module and either finish or stop early on their own. */
const runs = (inspectPort: number): readonly (readonly string[])[] => [
  ['--help'],
  ['demo'],
  ['demo', `--inspect=${inspectPort}`],
  ['server', '--listen', '127.0.0.1:0'],
  ['client', '--ca', 'missing.pem'],
  ['dissect', 'missing.pcap'],
  ['simulate', '--connections', '2', '--records', '1', '--quiet'],
  [
    'size',
    '--gbps',
    '0.01',
    '--handshakes',
    '100',
    '--connections',
    '2',
    '--records',
    '2',
    '--replications',
    '1',
    '--quiet',
  ],
  ['size', '--gbps', '1', '--handshakes', '10', '--quiet'],
  ['simulate', '--profile', 'iot', '--connections', '1', '--records', '1', '--quiet'],
  ['generate', '--check'],
];

test('each CLI command of an installed tarball works or says exactly what to npm install', async (t) => {
  t.timeout(TEST_TIMEOUT_MS);
  const work = mkdtempSync(join(tmpdir(), 'dtls13-installed-cli-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const source = join(work, 'dtls13');
  for (const entry of SOURCES)
    cpSync(join(ROOT, entry), join(source, entry), {
      recursive: true,
      filter: (path) => !/\/(node_modules|dist|build)(\/|$)/.test(path.slice(ROOT.length)),
    });
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  await npm(['run', 'build'], source);
  const tarball = await pack(source, tarballs);
  const app = join(work, 'app');
  mkdirSync(app);
  // The package's dependencies from their tarballs: the offline install asks the registry for none.
  const overrides: Record<string, string> = {};
  for (const d of ownDependencies(ROOT)) overrides[d] = `file:${await pack(join(ROOT, 'node_modules', d), tarballs)}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'dtls13-user', private: true, overrides }));
  await npm(['install', '--offline', '--omit=dev', '--ignore-scripts', tarball], app);

  const problems: string[] = [];
  const inspectPort = await freeTcpPort();
  for (const args of runs(inspectPort)) {
    const r = await run(join(app, 'node_modules/.bin/dtls13'), args, app, 120_000);
    const line = `dtls13 ${args.join(' ')}: exit ${String(r.status)}\n${r.stderr}`;
    t.log(line.trim());
    if (/Cannot find (package|module)|ERR_MODULE_NOT_FOUND/.test(r.stderr))
      problems.push(`a missing module, not named as an npm install: ${line}`);
    else if (r.status === null) problems.push(`still running after 120 s: ${line}`);
    // size needs yaml on every run (engine files), simulate with an engine profile: said as the package, before
    // anything runs, not as the --profile whose file could not be read. A plain simulate needs none (its platform is
    // generated) and must run.
    else if (
      (args[0] === 'size' || (args[0] === 'simulate' && args.includes('--profile'))) &&
      !/^dtls13: this needs the package 'yaml'.*: npm install yaml\n$/.test(r.stderr)
    )
      problems.push(`${args[0]} without yaml, not said as the package: ${line}`);
    else if (
      r.status !== 0 &&
      !/npm install [@\w]/.test(r.stderr) &&
      !/missing\.(pem|pcap)|--cert|--key|--psk|--connect/.test(r.stderr)
    )
      problems.push(`failed without saying what to install or what was wrong: ${line}`);
  }
  // Each entry of package.json "exports" loads from a plain install (the subpaths need nothing the root does not); the
  // generator's packages are optional peers: its generate() fails with the one npm install that makes it work.
  const entries = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      [
        "for (const e of ['dtls13', 'dtls13/sans-io', 'dtls13/wire', 'dtls13/crypto', 'dtls13/workers', 'dtls13/hwmodel', 'dtls13/learn']) console.log(e, Object.keys(await import(e)).length > 0);",
        "await import('dtls13/generator').then((g) => g.generate('.')).then(() => console.log('dtls13/generator generates'), (e) => console.log('dtls13/generator:', e.message));",
      ].join('\n'),
    ],
    app,
    120_000,
  );
  const [generator, ...loaded] = entries.stdout.trim().split('\n').reverse();
  t.deepEqual(
    loaded.reverse(),
    [
      'dtls13 true',
      'dtls13/sans-io true',
      'dtls13/wire true',
      'dtls13/crypto true',
      'dtls13/workers true',
      'dtls13/hwmodel true',
      'dtls13/learn true',
    ],
    entries.stderr,
  );
  t.regex(
    generator ?? '',
    /^dtls13\/generator: this needs the package '[@\w/-]+', which 'npm install dtls13' does not install \(an optional peer dependency\): npm install ts-morph kaitai-struct-compiler handlebars yaml @viz-js\/viz$/,
  );
  // And from CommonJS: require() of every entry, the generator's too (no top-level await: Node 20.19+ requires it).
  const required = await run(
    process.execPath,
    [
      '--input-type=commonjs',
      '-e',
      "for (const e of ['dtls13', 'dtls13/sans-io', 'dtls13/wire', 'dtls13/crypto', 'dtls13/workers', 'dtls13/hwmodel', 'dtls13/learn', 'dtls13/generator']) console.log(e, Object.keys(require(e)).length > 0);",
    ],
    app,
    120_000,
  );
  t.deepEqual(
    required.stdout.trim().split('\n'),
    [
      'dtls13 true',
      'dtls13/sans-io true',
      'dtls13/wire true',
      'dtls13/crypto true',
      'dtls13/workers true',
      'dtls13/hwmodel true',
      'dtls13/learn true',
      'dtls13/generator true',
    ],
    required.stderr,
  );
  const demo = await run(join(app, 'node_modules/.bin/dtls13'), ['demo'], app, 120_000);
  t.regex(demo.stdout, /closed with close_notify/, 'the demo runs from a plain install');
  t.regex(demo.stdout, /client chart: .*npm install xstate/, 'the demo says what its chart paths need');
  const inspected = await run(
    join(app, 'node_modules/.bin/dtls13'),
    ['demo', `--inspect=${inspectPort}`],
    app,
    120_000,
  );
  t.regex(inspected.stderr, /npm install xstate ws @statelyai\/inspect/, 'the inspector names its three packages');
  // The library: inspect without xstate is a ConfigError naming the option and the npm install.
  const library = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      [
        "const { connect } = await import('dtls13');",
        'const report = (e) => { console.log(e.name, e.option, e.message); process.exit(0); };',
        "try { const c = connect('127.0.0.1', 9, { inspect() {} }); c.onerror = report; c.opened.catch(report); } catch (e) { report(e); }",
        "setTimeout(() => { console.log('no error'); process.exit(0); }, 20_000);",
      ].join('\n'),
    ],
    app,
    60_000,
  );
  t.regex(library.stdout, /^ConfigError inspect .*npm install xstate/m, 'inspect without xstate says what to install');
  t.deepEqual(problems, []);
});
