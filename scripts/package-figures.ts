/**
 * `npm run package-figures`: what `npm install` of the release's tarball puts on a user's disk, written into the
 * docs between `<!-- package-size:begin -->` and `<!-- package-size:end -->` (README.md's sentence, docs/cli.md's
 * table). `-- --check` writes nothing and exits 1 when a doc says something else.
 *
 * Measured, after `npm run build`:
 * - dtls13's folder: `npm pack --dry-run` of this tree (the files `npm install` unpacks, their bytes, and the
 *   gzipped tarball's size);
 * - each package npm installs with it: its production `dependencies`, and theirs, read from node_modules (npm
 *   installs a package's published files as they are, so the folder here is the folder a user gets).
 *
 * The figures are exact and the same from every build of a commit (a file count, bytes), except the packed size,
 * shown to 10 kB: gzip's bytes may differ between zlib builds, the files inside do not.
 * tests/consumer/consumer.test.ts installs the release into an empty project, measures the same figures there
 * and fails when the docs' blocks are not {@link renderReadme} and {@link renderCli} of what it measured.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export const BEGIN = '<!-- package-size:begin -->';
export const END = '<!-- package-size:end -->';
/** The docs holding a block, each with its renderer. */
export const DOCS = [
  { file: 'README.md', render: (f: PackageFigures): string => renderReadme(f) },
  { file: 'docs/cli.md', render: (f: PackageFigures): string => renderCli(f) },
] as const;

/** One installed package's folder. */
export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly files: number;
  readonly bytes: number;
}

/** dtls13's folder first, then each package installed with it (by name); the tarball's gzipped size. */
export interface PackageFigures {
  readonly packages: readonly InstalledPackage[];
  readonly packedBytes: number;
}

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

const manifestOf = (folder: string): Manifest =>
  JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;

/** Files (not folders) under `dir` and their bytes. */
export function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const sub = treeSize(p);
      files += sub.files;
      bytes += sub.bytes;
    } else {
      files++;
      bytes += statSync(p).size;
    }
  }
  return { files, bytes };
}

/**
 * The packages `npm install` puts beside one whose production dependencies are `dependencies`: those, and theirs,
 * each once, from the flat `nodeModules` (npm's layout when no two versions clash), sorted by name.
 */
export function installedWith(dependencies: Readonly<Record<string, string>>, nodeModules: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (name: string): void => {
    if (found.has(name)) return;
    const folder = join(nodeModules, name);
    const manifest = manifestOf(folder);
    found.set(name, { name, version: manifest.version, ...treeSize(folder) });
    for (const d of Object.keys(manifest.dependencies ?? {})) visit(d);
  };
  for (const d of Object.keys(dependencies)) visit(d);
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** What `npm pack --json` says of the tarball (the fields used here). */
export interface PackReport {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

/** The figures of this tree's build: `npm pack --dry-run` of `root`, its dependencies from its node_modules. */
export function measure(root: string): PackageFigures {
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) throw new Error(`package-figures: npm pack --dry-run failed:\n${run.stderr}`);
  const [packed] = JSON.parse(run.stdout) as PackReport[];
  if (packed === undefined) throw new Error('package-figures: npm pack --dry-run listed no tarball');
  const manifest = manifestOf(root);
  return {
    packages: [
      { name: manifest.name, version: manifest.version, files: packed.entryCount, bytes: packed.unpackedSize },
      ...installedWith(manifest.dependencies ?? {}, join(root, 'node_modules')),
    ],
    packedBytes: packed.size,
  };
}

const count = (n: number): string => n.toLocaleString('en-US');
const megabytes = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
const total = (f: PackageFigures): { files: number; bytes: number } => ({
  files: f.packages.reduce((s, p) => s + p.files, 0),
  bytes: f.packages.reduce((s, p) => s + p.bytes, 0),
});

/** README.md's block: one phrase of its "In a project" paragraph. */
export function renderReadme(f: PackageFigures): string {
  const all = total(f);
  return `${megabytes(all.bytes)} installed in ${count(all.files)} files, ${f.packages.length} packages`;
}

/** docs/cli.md's block: a table of every installed package, the total and the tarball. */
export function renderCli(f: PackageFigures): string {
  const all = total(f);
  const [own] = f.packages;
  return [
    '| package | files | bytes installed |',
    '| --- | ---: | ---: |',
    ...f.packages.map((p) => `| ${p.name} ${p.version} | ${count(p.files)} | ${count(p.bytes)} |`),
    `| all ${f.packages.length} | ${count(all.files)} | ${count(all.bytes)} (${megabytes(all.bytes)}) |`,
    '',
    `The tarball (\`${own?.name ?? ''}-${own?.version ?? ''}.tgz\`) is ${megabytes(f.packedBytes)} packed.`,
  ].join('\n');
}

/** `text` with its block (between {@link BEGIN} and {@link END}) replaced by `body`. */
export function withBlock(text: string, body: string, where: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${where}: no ${BEGIN} ... ${END} block`);
  const inline = !text.slice(start, end).includes('\n');
  const inner = inline ? body : `\n${body}\n`;
  return `${text.slice(0, start + BEGIN.length)}${inner}${text.slice(end)}`;
}

/** The body of the block in `text` (as {@link withBlock} writes it). */
export function blockOf(text: string, where: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${where}: no ${BEGIN} ... ${END} block`);
  return text
    .slice(start + BEGIN.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}

/** Writes the blocks (`check`: only compares); the docs that said other figures. */
function update(figures: PackageFigures, check: boolean): string[] {
  const stale: string[] = [];
  for (const { file, render } of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const next = withBlock(text, render(figures), file);
    if (next === text) continue;
    stale.push(file);
    if (!check) writeFileSync(join(ROOT, file), next);
  }
  return stale;
}

function main(): void {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: npm run package-figures -- [--check] (unknown: ${unknown.join(' ')})`);
    process.exit(2);
  }
  const check = args.includes('--check');
  let figures = measure(ROOT);
  const stale = update(figures, check);
  // README.md is in the package: its new figures change its size. Measured again until nothing moves (twice at most:
  // only a figure's length can change the next).
  for (let round = 0; !check && round < 3; round++) {
    const again = measure(ROOT);
    if (update(again, false).length === 0) break;
    figures = again;
  }
  console.log(`package-figures: ${renderReadme(figures)}; ${megabytes(figures.packedBytes)} packed`);
  if (check && stale.length > 0) {
    console.error(`package-figures: ${stale.join(', ')} say other figures: run npm run package-figures`);
    process.exit(1);
  }
  console.log(stale.length > 0 ? `package-figures: wrote ${stale.join(', ')}` : 'package-figures: the docs agree');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
