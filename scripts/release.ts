/**
 * `npm run release`: the release artifact, the package as a user installs it
 * while dtls13 is not on the npm registry. In a clone (after `npm ci`):
 *
 * 1. `npm run build`, from scratch (dist/ removed first);
 * 2. `npm pack` into OUT (the clone's root, or `--out DIR`): dtls13-VERSION.tgz;
 * 3. the tarball checked as its consumers see it: publint (`--strict`, a
 *    warning fails) and @arethetypeswrong/cli (every entry, for node10,
 *    node16 from CommonJS and from ESM, and bundlers);
 * 4. its SHA-256 written beside it (dtls13-VERSION.tgz.sha256, `sha256sum -c`
 *    reads it).
 *
 * It prints the tarball's size, file count and the one command that installs
 * it (`npm install ./dtls13-VERSION.tgz`, the README's line), and exits 1
 * when a step fails. While it works it says which step runs, its number of
 * all and the time so far (scripts/release-progress.ts: on a terminal, a line
 * with the step's time and latest output too; `--quiet`: only the results).
 * The build runs as its parts (package.json's "build", split at `&&`), each a
 * step. tests/consumer/consumer.test.ts runs it and installs what it made.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import type { PackReport } from './package-figures.js';
import { ReleaseProgress } from './release-progress.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The one command that installs the release's tarball, with it in the project's folder (the README's line). */
export function installCommand(version: string): string {
  return `npm install ./dtls13-${version}.tgz`;
}

/** The commands of package.json's "build" script, in order (it is one `a && b && ...` line). */
export function buildParts(script: string): string[] {
  return script
    .split(' && ')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Runs `command` in the clone (a string: through the shell), its output going to `progress`; its stdout. */
function run(command: string | readonly string[], what: string, progress: ReleaseProgress): Promise<string> {
  return new Promise((done, fail) => {
    // As `npm run` does: the clone's node_modules/.bin first on PATH.
    const env = { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env['PATH'] ?? ''}` };
    const [file, ...args] = typeof command === 'string' ? ['sh', '-c', command] : command;
    const child = spawn(file ?? 'sh', args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      progress.output(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      progress.output(d);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) return done(stdout);
      progress.stop();
      process.stderr.write(`${stdout}${stderr}`);
      const shown = typeof command === 'string' ? command : command.join(' ');
      fail(new Error(`release: ${what} failed (${shown}, exit ${String(code)})`));
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const unknown = args.filter((a, i) => a !== '--out' && a !== '--quiet' && !(at >= 0 && i === at + 1));
  const out = resolve(at >= 0 ? (args[at + 1] ?? '') : ROOT);
  if (unknown.length > 0 || (at >= 0 && args[at + 1] === undefined)) {
    console.error(
      `usage: npm run release -- [--out DIR] [--quiet]${unknown.length > 0 ? ` (unknown: ${unknown.join(' ')})` : ''}`,
    );
    process.exit(2);
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    scripts: { build: string };
  };
  const build = buildParts(pkg.scripts.build);
  const progress = new ReleaseProgress(build.length + 3, process.stdout, { quiet: args.includes('--quiet') });
  mkdirSync(out, { recursive: true });

  progress.say(`release: npm run build (dist/ from scratch, ${build.length} parts), npm pack, publint, attw`);
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  for (const part of build) {
    progress.begin(`build: ${part.length > 72 ? `${part.slice(0, 69)}...` : part}`);
    await run(part, 'the build', progress);
  }

  // --ignore-scripts: the build above is prepare's (npm would run it again, and its output would mix with --json).
  progress.begin('npm pack');
  const [packed] = JSON.parse(
    await run(['npm', 'pack', '--json', '--ignore-scripts', '--pack-destination', out], 'npm pack', progress),
  ) as PackReport[];
  if (packed === undefined) throw new Error('release: npm pack made no tarball');
  const tarball = join(out, packed.filename);
  progress.say(
    `release: ${basename(tarball)}, ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.entryCount} files`,
  );

  progress.begin('publint --strict');
  const lint = await run(['publint', 'run', '--strict', tarball], 'publint', progress);
  progress.say(
    `release: publint --strict: ${lint.includes('All good!') ? 'no errors, warnings or suggestions' : `no errors or warnings; ${lint.trim()}`}`,
  );
  progress.begin('@arethetypeswrong/cli (every entry)');
  await run(['attw', tarball, '--format', 'ascii', '--no-emoji', '--no-color'], '@arethetypeswrong/cli', progress);
  progress.say(
    'release: @arethetypeswrong/cli: no problems (node10, node16 from CommonJS and ESM, bundler; every entry)',
  );
  progress.stop();

  const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  writeFileSync(`${tarball}.sha256`, `${sha256}  ${basename(tarball)}\n`);
  progress.say(`release: sha256 ${sha256} (${basename(tarball)}.sha256)`);
  progress.say(`release: in a project, with the tarball in its folder: ${installCommand(pkg.version)}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
