/**
 * The package as a user gets it: the release artifact (`npm run release` in
 * a copy of this tree: a fresh build, `npm pack`, publint and
 * @arethetypeswrong/cli on the tarball, its SHA-256), installed with the
 * README's own line, word for word, into an empty project with the
 * strictest TypeScript options (`strict`, `exactOptionalPropertyTypes`,
 * `skipLibCheck: false`, NodeNext). The project imports every entry of the
 * package from ES modules (main.ts) and requires every one from CommonJS
 * (main.cts, typed by the entries' .d.cts), type-checks with tsc, and runs:
 * a server and a client over real UDP. The installed package's folder must
 * be byte for byte the same after those runs and `dtls13 demo`.
 *
 * The copy keeps the build away from this tree's dist/, which other tests
 * run from. The dependencies (the package's own, the @noble crypto packages;
 * xstate and @types/node for the project) are packed from this repository's
 * node_modules, and the install is offline: nothing comes from the registry.
 * `npm ls` and `npm sbom` in the project list the package's dependencies with
 * their versions, and the docs' size figures are exactly what the installed
 * folders measure (scripts/package-figures.ts).
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  blockOf,
  installedWith,
  renderCli,
  renderReadme,
  treeSize,
  type PackageFigures,
} from '../../scripts/package-figures.js';
import { installCommand } from '../../scripts/release.js';
import { ownDependencies } from '../support/own-dependencies.js';

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
  'learn',
  'spec',
  'native',
];
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** The environment of every command here: no native addon, nothing from the registry, the user's cache in the work folder. */
let env: NodeJS.ProcessEnv = {};

function npm(args: readonly string[], cwd: string): { stdout: string; stderr: string } {
  // DTLS13_NATIVE=0: the install script skips the native addon (tests/crypto/native.test.ts covers it); the rest is the user's path.
  const run = spawnSync('npm', [...args], { cwd, encoding: 'utf8', env });
  if (run.status !== 0)
    throw new Error(`npm ${args.join(' ')} exited ${String(run.status)}:\n${run.stdout}\n${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** `npm pack` of a folder into `into` (its scripts already run); the tarball's file name. */
function pack(folder: string, into: string): string {
  const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', into], folder).stdout) as {
    filename: string;
  }[];
  const name = out[0]?.filename;
  if (name === undefined) throw new Error(`npm pack of ${folder} made no tarball`);
  return name;
}

const versionOf = (pkg: string): string =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The release's tarball, its `npm pack` report, the README's install line, and the installed consumer project, made once for this file. */
interface Installed {
  readonly work: string;
  readonly app: string;
  readonly release: string;
  readonly publishWarnings: string[];
  readonly readmeLine: string;
  readonly version: string;
  readonly packed: { size: number; unpackedSize: number; entryCount: number };
}
let installed: Installed | undefined;
test.after.always(() => installed && rmSync(installed.work, { recursive: true, force: true }));

/** The install line of the README's "In a project" section (its console block's `$ npm install ...`). */
function readmeInstallLine(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## In a project'));
  const line = /^\$ (npm install .*)$/m.exec(section.slice(0, section.indexOf('\n## ', 1)))?.[1];
  if (line === undefined) throw new Error('README.md: no `$ npm install ...` line in the "In a project" section');
  return line;
}

function install(): Installed {
  if (installed) return installed;
  const work = mkdtempSync(join(tmpdir(), 'dtls13-consumer-'));
  env = {
    ...process.env,
    DTLS13_NATIVE: '0',
    XDG_CACHE_HOME: join(work, 'cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const source = join(work, 'dtls13');
  for (const entry of SOURCES)
    cpSync(join(ROOT, entry), join(source, entry), {
      recursive: true,
      filter: (path) => !/\/(node_modules|dist|build)(\/|$)/.test(path.slice(ROOT.length)),
    });
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const release = npm(['run', 'release', '--', '--out', tarballs], source).stdout;
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string };
  const artifact = `dtls13-${version}.tgz`;
  const listed = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'], source).stdout) as {
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  // npm publish's own check of package.json (a dry run: nothing leaves the machine); only the login notice is expected.
  const publish = npm(['publish', '--dry-run', '--ignore-scripts'], source);
  const publishWarnings = publish.stderr
    .split('\n')
    .filter((l) => /^npm warn/.test(l) && !/requires you to be logged in/.test(l));

  // The package's own dependencies (the @noble packages), and the project's: each as the version node_modules holds.
  const dependencies = [...ownDependencies(ROOT), 'xstate', '@types/node', 'undici-types'];
  const packed = Object.fromEntries(
    dependencies.map((d) => [d, `file:${join(tarballs, pack(join(ROOT, 'node_modules', d), tarballs))}`]),
  );
  const stale = dependencies.filter((d) => !packed[d]?.includes(versionOf(d)));
  if (stale.length > 0) throw new Error(`packed at another version than node_modules holds: ${stale.join(', ')}`);

  const app = join(work, 'app');
  mkdirSync(app);
  for (const f of ['tsconfig.json', 'main.ts', 'main.cts', 'wrong.ts']) cpSync(join(PROJECT, f), join(app, f));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'dtls13-consumer',
      version: '1.0.0',
      private: true,
      type: 'module',
      // xstate is an optional peer of dtls13; main.ts inspects, so the project installs it.
      dependencies: { xstate: packed['xstate'] },
      devDependencies: { '@types/node': packed['@types/node'] },
      // Every package from its tarball: the offline install asks the registry for none.
      overrides: Object.fromEntries(dependencies.filter((d) => d !== '@types/node').map((d) => [d, packed[d]])),
    }),
  );
  npm(['install', '--offline'], app);
  // The README's line, word for word, with the release's tarball in the project's folder.
  cpSync(join(tarballs, artifact), join(app, artifact));
  const readmeLine = readmeInstallLine();
  const [command, ...args] = readmeLine.split(' ');
  if (command !== 'npm') throw new Error(`README.md's install line is not an npm command: ${readmeLine}`);
  npm([...args, '--offline'], app);
  installed = {
    work,
    app,
    release,
    publishWarnings,
    readmeLine,
    version,
    packed: listed[0] ?? { size: 0, unpackedSize: 0, entryCount: 0 },
  };
  return installed;
}

/** The bytes, mode and path of every file under `dir`, hashed in path order. */
function treeHash(dir: string): { hash: string; files: number; bytes: number } {
  const hash = createHash('sha256');
  let files = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = statSync(p);
      hash.update(`${p.slice(dir.length)}\0${s.mode.toString(8)}\0`);
      if (s.isDirectory()) walk(p);
      else {
        hash.update(readFileSync(p));
        files++;
        bytes += s.size;
      }
    }
  };
  walk(dir);
  return { hash: hash.digest('hex'), files, bytes };
}

test.serial(
  'npm run release makes the tarball the README installs in one line, checked by publint, @arethetypeswrong/cli and npm publish --dry-run',
  (t) => {
    const { app, release, publishWarnings, readmeLine, version } = install();
    t.is(readmeLine, installCommand(version), "the README's install line names this version's release tarball");
    t.regex(release, /^release: publint --strict: no errors, warnings or suggestions$/m);
    t.regex(release, /^release: @arethetypeswrong\/cli: no problems/m);
    t.regex(
      release,
      new RegExp(`^release: sha256 [0-9a-f]{64} \\(dtls13-${version.replaceAll('.', '\\.')}\\.tgz\\.sha256\\)$`, 'm'),
    );
    t.deepEqual(publishWarnings, [], 'npm publish --dry-run corrects nothing in package.json');
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    t.is(manifest.dependencies['dtls13'], `file:dtls13-${version}.tgz`);
  },
);

test.serial(
  'installed from the release, every entry imports (ESM) and requires (CommonJS), type-checks in a strict project (skipLibCheck false) and runs over UDP; the package folder stays byte-identical',
  (t) => {
    const { app } = install();
    const folder = join(app, 'node_modules/dtls13');
    const before = treeHash(folder);

    // The strict project compiles, with the package's declarations checked and xstate's never loaded.
    const tsc = spawnSync(process.execPath, [TSC, '-p', app, '--listFilesOnly'], { encoding: 'utf8' });
    const files = tsc.stdout.split('\n');
    for (const entry of [
      'runtime/index',
      'runtime/sans-io',
      'runtime/wire',
      'runtime/crypto',
      'runtime/workers',
      'hwmodel/index',
      'learn/index',
      'generator/index',
    ])
      for (const kind of ['d.ts', 'd.cts'])
        t.true(
          files.some((f) => f.endsWith(`node_modules/dtls13/dist/${entry}.${kind}`)),
          `the ${kind} declarations of the ${entry} entry are in the program (main.ts imports, main.cts requires)`,
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
    const output = execFileSync(process.execPath, [join(app, 'out/main.js')], {
      cwd: app,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    t.regex(output, /^sans-io: 1 record, provider \w+, one ConfigError: true$/m);
    t.regex(
      output,
      /^workers: function 1; hwmodel: 1 handshake; learn: function; generator: .*npm install ts-morph kaitai-struct-compiler handlebars yaml @viz-js\/viz$/m,
    );
    t.regex(
      output,
      /^consumer: hello from a consumer project \| group x25519mlkem768 \| inspected .*@xstate\.snapshot/m,
    );
    // From CommonJS: every entry by require(), each the very module import gives.
    const cjs = execFileSync(process.execPath, [join(app, 'out/main.cjs')], {
      cwd: app,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    t.regex(
      cjs,
      /^cjs: 8 entries required, the same as imported: true; ConfigError true; 1 record; provider \w+; workers function; hwmodel 1 handshake; learn function; generator function$/m,
    );
    // And the command line's demo. None of it writes inside the installed package (a code cache goes to the user's cache).
    const demo = spawnSync(join(app, 'node_modules/.bin/dtls13'), ['demo'], {
      cwd: app,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    t.is(demo.status, 0, demo.stderr);
    t.deepEqual(treeHash(folder), before, 'node_modules/dtls13 is byte-identical after the runs');
  },
);

test.serial(
  "npm ls and npm sbom in the project list the package's dependencies, the @noble crypto packages, at its exact versions",
  (t) => {
    const { app } = install();
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/dtls13/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const own = installedWith(manifest.dependencies, join(app, 'node_modules'));
    t.true(
      own.some((p) => p.name.startsWith('@noble/')),
      `the package depends on the @noble packages: ${JSON.stringify(manifest.dependencies)}`,
    );
    for (const [name, range] of Object.entries(manifest.dependencies))
      t.regex(range, /^\d+\.\d+\.\d+$/, `dependency ${name}: an exact version, not ${range}`);
    const ls = npm(['ls', '--all', '--omit=dev', '--offline'], app).stdout;
    t.log(ls);
    for (const p of own) t.true(ls.includes(`${p.name}@${p.version}`), `npm ls lists ${p.name}@${p.version}`);
    const sbom = JSON.parse(npm(['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--offline'], app).stdout) as {
      components: { name: string; version: string }[];
    };
    const components = sbom.components.map((c) => `${c.name}@${c.version}`);
    for (const p of own) t.true(components.includes(`${p.name}@${p.version}`), `npm sbom lists ${p.name}@${p.version}`);
  },
);

test.serial(
  "README.md's and docs/cli.md's installed and packed sizes and file counts are exactly what the installed release measures",
  (t) => {
    const { app, packed } = install();
    const modules = join(app, 'node_modules');
    const manifest = JSON.parse(readFileSync(join(modules, 'dtls13/package.json'), 'utf8')) as {
      name: string;
      version: string;
      dependencies: Record<string, string>;
    };
    const figures: PackageFigures = {
      packages: [
        { name: manifest.name, version: manifest.version, ...treeSize(join(modules, 'dtls13')) },
        ...installedWith(manifest.dependencies, modules),
      ],
      packedBytes: packed.size,
    };
    t.log(renderCli(figures));
    // npm pack's own count and bytes of the files are what the installed folder holds: nothing added or dropped.
    t.deepEqual(
      { files: figures.packages[0]?.files, bytes: figures.packages[0]?.bytes },
      { files: packed.entryCount, bytes: packed.unpackedSize },
    );
    const stale = 'differs from what the installed release measures: run npm run build && npm run package-figures';
    t.is(
      blockOf(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md'),
      renderReadme(figures),
      `README.md ${stale}`,
    );
    t.is(
      blockOf(readFileSync(join(ROOT, 'docs/cli.md'), 'utf8'), 'docs/cli.md'),
      renderCli(figures),
      `docs/cli.md ${stale}`,
    );
  },
);

test.serial(
  'from an npm install: demo --inspect without its optional packages says which to install; without a compiler the addon is skipped, with why and the cost',
  async (t) => {
    const { app } = install();
    const main = join(app, 'node_modules/dtls13/dist/cli/main.js');
    const withAddon = { ...env };
    delete withAddon['DTLS13_NATIVE'];
    const inspect = spawnSync(process.execPath, [main, 'demo', `--inspect=${await freeTcpPort()}`], {
      cwd: app,
      encoding: 'utf8',
      env: withAddon,
      timeout: 60_000,
    });
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
      env: { ...withAddon, PATH: join(app, 'no-tools') },
    });
    t.is(build.status, 0);
    t.regex(
      build.stderr,
      /^dtls13: native addon skipped: no C compiler \(cc, gcc or clang\), no C\+\+ compiler \(c\+\+, g\+\+ or clang\+\+\), no make, no Python 3 on PATH\.$/m,
    );
    t.regex(build.stderr, /records are sealed and opened about 3-5 times slower/);
    // And the demo, the first thing a user runs, says which crypto it runs on.
    const demo = spawnSync(process.execPath, [main, 'demo'], {
      cwd: app,
      encoding: 'utf8',
      env: withAddon,
      timeout: 60_000,
    });
    t.is(demo.status, 0, demo.stderr);
    t.regex(
      demo.stdout,
      /^crypto: node:crypto, without the native addon \(the addon is not built.*\): records are sealed and opened about 3-5 times slower/m,
    );
  },
);

/** A TCP port that was free a moment ago (for --inspect). */
function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
