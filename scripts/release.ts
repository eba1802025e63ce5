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
 * when a step fails. tests/consumer/consumer.test.ts runs it and installs
 * what it made.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** What `npm pack --json` says of the tarball (the fields used here). */
export interface PackReport {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

/** The one command that installs the release's tarball, with it in the project's folder (the README's line). */
export function installCommand(version: string): string {
  return `npm install ./dtls13-${version}.tgz`;
}

function run(command: string, args: readonly string[], what: string): string {
  const r = spawnSync(command, [...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}${r.stderr}`);
    throw new Error(`release: ${what} failed (${command} ${args.join(' ')}, exit ${String(r.status)})`);
  }
  return r.stdout;
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const unknown = args.filter((a, i) => a !== '--out' && !(at >= 0 && i === at + 1));
  const out = resolve(at >= 0 ? (args[at + 1] ?? '') : ROOT);
  if (unknown.length > 0 || (at >= 0 && args[at + 1] === undefined)) {
    console.error(
      `usage: npm run release -- [--out DIR]${unknown.length > 0 ? ` (unknown: ${unknown.join(' ')})` : ''}`,
    );
    process.exit(2);
  }
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  mkdirSync(out, { recursive: true });

  console.log('release: npm run build (dist/ from scratch)');
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  run('npm', ['run', 'build'], 'the build');

  // --ignore-scripts: the build above is prepare's (npm would run it again, and its output would mix with --json).
  const [packed] = JSON.parse(
    run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', out], 'npm pack'),
  ) as PackReport[];
  if (packed === undefined) throw new Error('release: npm pack made no tarball');
  const tarball = join(out, packed.filename);
  console.log(
    `release: ${basename(tarball)}, ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${packed.entryCount} files`,
  );

  const bin = (name: string): string => join(ROOT, 'node_modules/.bin', name);
  const lint = run(bin('publint'), ['run', '--strict', tarball], 'publint');
  console.log(
    `release: publint --strict: ${lint.includes('All good!') ? 'no errors, warnings or suggestions' : `no errors or warnings; ${lint.trim()}`}`,
  );
  run(bin('attw'), [tarball, '--format', 'ascii', '--no-emoji', '--no-color'], '@arethetypeswrong/cli');
  console.log(
    'release: @arethetypeswrong/cli: no problems (node10, node16 from CommonJS and ESM, bundler; every entry)',
  );

  const sha256 = createHash('sha256').update(readFileSync(tarball)).digest('hex');
  writeFileSync(`${tarball}.sha256`, `${sha256}  ${basename(tarball)}\n`);
  console.log(`release: sha256 ${sha256} (${basename(tarball)}.sha256)`);
  console.log(`release: in a project, with the tarball in its folder: ${installCommand(version)}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
