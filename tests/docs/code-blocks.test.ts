/**
 * Examples that cannot rot: every ```ts, ```js and ```sh block in README.md
 * and docs/**\/*.md runs, one test per block named FILE:LINE.
 *
 * One test per page, titled with its path (`--match 'docs/api.md'`); a block
 * that fails is named by its file and line.
 *
 * - ts and js blocks run through tsx as modules (top-level await works), with
 *   `import ... from 'dtls13'` resolving to this tree's runtime/index.ts and
 *   'dtls13/sans-io' (each subpath of package.json's "exports") to
 *   runtime/sans-io.ts (a `dtls13` package in the run's node_modules
 *   re-exports them), so the docs
 *   are checked against the code, not against a stale dist/; the clone's
 *   other packages (redis, ...) resolve as installed beside it.
 * - sh blocks run with `bash -euo pipefail`, with `dtls13` and `npx dtls13`
 *   running this tree's CLI: its build when current, else its source
 *   (tests/cli/cli-process.ts).
 * - A page's blocks run in order in one temporary directory of their own, as
 *   a reader following the page would (a block may use the files an earlier
 *   one made, such as the README's certificates); pages run side by side,
 *   CONCURRENCY blocks at a time.
 * - Every block has a time limit (BLOCK_TIMEOUT_MS); a block that fails,
 *   exits non-zero or runs over fails its test with its output.
 * - ```text, ```console, ```yaml and the rest are not run: use them for
 *   output, shell sessions that are not meant to run here (a long run, a
 *   command that needs a browser), and fragments.
 */
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import {
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
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_COMMAND } from '../cli/cli-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
/** A bound for one block on a loaded CI machine (docs/hardware-model.md, three blocks of simulate runs, took 57 s at a load average of 20 on two cores). */
const BLOCK_TIMEOUT_MS = 120_000;
/** Blocks running at once, across pages: the machine is shared. */
const CONCURRENCY = 3;
const TSX = fileURLToPath(import.meta.resolve('tsx'));
/** npm's npx, found before the workspace's own is put first on PATH. */
const REAL_NPX = execFileSync('sh', ['-c', 'command -v npx'], { encoding: 'utf8' }).trim();

interface Block {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: 'ts' | 'js' | 'sh';
  readonly code: string;
}

function markdownFiles(): string[] {
  const out = [join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) out.push(path);
    }
  };
  walk(join(ROOT, 'docs'));
  return out;
}

/** The fenced blocks of a page (fences at any indentation, as in list items); the language is the fence's first word. */
function codeBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const run: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})\s*([\w-]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    const code = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l.trimStart()))
      .join('\n');
    if (lang === 'ts' || lang === 'js' || lang === 'sh') run.push({ file, line: i + 1, lang, code });
    i = end;
  }
  return run;
}

/** A directory where `import 'dtls13'` is this tree's runtime, and `dtls13` on PATH is its CLI. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-docs-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  // The packages a reader would have installed beside dtls13 (redis for the shared anti-replay store, ...): this clone's.
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== '.bin' && !name.startsWith('.') && name !== 'dtls13')
      symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  const pkg = join(modules, 'dtls13');
  mkdirSync(pkg);
  // The package's entries ('dtls13', 'dtls13/sans-io', ...), each this tree's source of it.
  const entries = Object.entries(
    (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        exports: Record<string, { types?: string; import?: { types?: string } }>;
      }
    ).exports,
  );
  const exportsField: Record<string, string> = {};
  for (const [subpath, conditions] of entries) {
    const name = subpath === '.' ? 'index' : subpath.slice(2);
    exportsField[subpath] = `./${name}.ts`;
    // The entry's source is what its declarations are made from: ./dist/learn/index.d.ts is learn/index.ts.
    const source =
      /^\.\/dist\/(.+)\.d\.ts$/.exec(conditions.import?.types ?? conditions.types ?? '')?.[1] ?? `runtime/${name}`;
    writeFileSync(join(pkg, `${name}.ts`), `export * from ${JSON.stringify(join(ROOT, `${source}.ts`))};\n`);
  }
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'dtls13', type: 'module', exports: exportsField }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-example', private: true, type: 'module' }));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  const cli = `exec ${CLI_COMMAND} "$@"`;
  writeFileSync(join(bin, 'dtls13'), `#!/bin/sh\n${cli}\n`, { mode: 0o755 });
  // `npx dtls13` is this tree's CLI too (exec'd, so `$!` of `npx dtls13 server &` is the server); any other npx is npm's, offline.
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\nif [ "$1" = dtls13 ]; then shift; ${cli}; fi\nexec ${JSON.stringify(REAL_NPX)} --offline "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return dir;
}

let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runBlock(block: Block, dir: string): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const name = `block-${block.line}.${block.lang === 'sh' ? 'sh' : block.lang === 'ts' ? 'ts' : 'mjs'}`;
  writeFileSync(join(dir, name), block.code);
  const [command, args] =
    block.lang === 'sh' ? ['bash', ['-euo', 'pipefail', name]] : [process.execPath, [`--import=${TSX}`, name]];
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, PATH: `${join(dir, '.bin')}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: a timeout ends what the block started too (a server in the background)
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, BLOCK_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        process.kill(-child.pid!, 'SIGKILL'); // anything the block left running in the background
      } catch {
        // the group is gone
      }
      resolve({ code, output, timedOut });
    }),
  );
}

for (const path of markdownFiles()) {
  const file = relative(ROOT, path);
  const blocks = codeBlocks(file, readFileSync(path, 'utf8'));
  if (blocks.length === 0) continue;
  test(file, async (t) => {
    const dir = workspace();
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // In order, in one directory: a block may use what an earlier one made. A failure is reported and the rest still run.
    const failures: string[] = [];
    for (const block of blocks) {
      const r = await slot(() => runBlock(block, dir));
      const where = `${file}:${block.line} (${block.lang})`;
      if (r.timedOut) failures.push(`${where}: still running after ${BLOCK_TIMEOUT_MS} ms\n${r.output}`);
      else if (r.code !== 0) failures.push(`${where}: exited ${String(r.code)}\n${r.output}`);
    }
    if (failures.length > 0)
      t.fail(`${failures.length} of ${blocks.length} blocks failed:\n\n${failures.join('\n\n')}`);
    else t.pass();
  });
}
