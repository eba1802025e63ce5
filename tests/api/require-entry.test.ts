/**
 * `require('dtls13')` from a CommonJS project (issue 30): the package is ES
 * modules, and its "exports" has a "require" entry (dist/runtime/index.cjs)
 * that hands back the same module `import` gets, on the Nodes that can
 * require() ES modules (20.19+, 22.12+), and says what to do on the ones
 * that cannot. Built, packed and installed as a user gets it (as
 * tests/consumer/consumer.test.ts does), then run: a CommonJS script that
 * requires the package, runs a server and a client over UDP, and checks
 * that require and import give the same classes, from the root and from
 * the subpaths (`dtls13/sans-io`, `dtls13/wire`, `dtls13/crypto`).
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

function npm(args: readonly string[], cwd: string): string {
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', env: { ...process.env, DTLS13_NATIVE: '0' } });
  if (run.status !== 0)
    throw new Error(`npm ${args.join(' ')} exited ${String(run.status)}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

function pack(folder: string, into: string): string {
  const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', into], folder)) as {
    filename: string;
  }[];
  const name = out[0]?.filename;
  if (name === undefined) throw new Error(`npm pack of ${folder} made no tarball`);
  return name;
}

/** Node versions whose require() loads ES modules without a flag. */
function requiresEsm(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major >= 23 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19);
}

const SCRIPT = `'use strict';
const dtls13 = require('dtls13');
const { listen, connect, createThrowawayIdentity, ConfigError } = dtls13;
const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'cjs CA' });
(async () => {
  const esm = await import('dtls13');
  if (esm.ConfigError !== ConfigError || esm.listen !== listen) throw new Error('require and import gave different modules');
  // The subpaths too, by require and by import: the same classes as the root's.
  const sansIo = require('dtls13/sans-io');
  const wire = await import('dtls13/wire');
  if (sansIo.ConfigError !== ConfigError || typeof sansIo.DtlsConnection.client !== 'function') throw new Error('dtls13/sans-io is not the same module');
  if (typeof wire.decodeClientHello !== 'function' || typeof require('dtls13/crypto').defaultProvider !== 'function') throw new Error('dtls13/wire or dtls13/crypto is missing');
  let refused;
  try { listen(() => {}, { cert: [...id.chain], key: id.privateKey, mtu: 1 }); } catch (e) { refused = e; }
  if (!(refused instanceof esm.ConfigError) || refused.code !== 'ERR_OUT_OF_RANGE') throw new Error('no ConfigError across require and import');
  const endpoint = listen((s) => { s.onmessage = (d) => s.send(d); }, { cert: [...id.chain], key: id.privateKey, host: '127.0.0.1' });
  const { port } = await endpoint.listening;
  const session = connect('127.0.0.1', port, { ca: id.caDer, servername: 'localhost' });
  await session.opened;
  const echo = new Promise((resolve) => { session.onmessage = resolve; });
  session.send('required');
  console.log('cjs: ' + (await echo).toString() + ' | ' + session.protocol);
  await session.close();
  await endpoint.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

test('require("dtls13") from a CommonJS project, installed from npm pack: the same module as import, running over UDP', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'dtls13-cjs-'));
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
  npm(['run', 'build'], source);
  const tarball = pack(source, tarballs);
  // Every dependency from its tarball: the offline install asks the registry for none.
  const overrides = Object.fromEntries(
    [...ownDependencies(ROOT), 'xstate'].map((d) => [
      d,
      `file:${join(tarballs, pack(join(ROOT, 'node_modules', d), tarballs))}`,
    ]),
  );

  const app = join(work, 'app');
  mkdirSync(app);
  // No "type": CommonJS, the default.
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'dtls13-cjs',
      version: '1.0.0',
      private: true,
      dependencies: { dtls13: `file:${join(tarballs, tarball)}` },
      overrides,
    }),
  );
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  const exports = (
    JSON.parse(readFileSync(join(app, 'node_modules/dtls13/package.json'), 'utf8')) as {
      exports: Record<string, Record<string, Record<string, string>>>;
    }
  ).exports;
  t.is(exports['.']?.['require']?.['default'], './dist/runtime/index.cjs');
  writeFileSync(join(app, 'main.js'), SCRIPT);
  const run = spawnSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8', timeout: 60_000 });
  if (requiresEsm()) {
    t.is(run.status, 0, run.stderr);
    t.regex(run.stdout, /^cjs: required \| DTLSv1\.3$/m);
  } else {
    t.not(run.status, 0);
    t.regex(run.stderr, /dtls13 is an ES module.*await import\('dtls13'\)/);
  }
  // On every Node, the entry's refusal names the way out (simulated: a require() that cannot load ES modules).
  const old = spawnSync(
    process.execPath,
    [
      '-e',
      `const Module = require('module'); const load = Module._load; Module._load = function (request, ...rest) { if (request === './index.js') throw Object.assign(new Error('require() of ES Module'), { code: 'ERR_REQUIRE_ESM' }); return load.call(this, request, ...rest); }; require('dtls13');`,
    ],
    { cwd: app, encoding: 'utf8' },
  );
  t.not(old.status, 0);
  t.regex(
    old.stderr,
    /dtls13 is an ES module, and Node v[\d.]+ cannot require\(\) one: use `const dtls13 = await import\('dtls13'\)`/,
  );
});
