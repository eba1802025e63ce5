/**
 * `npm run fuzz -- <target|all> [--seconds N] [--seed N] [--save] [--jobs N]`
 *   fuzzes each target in a child process for N seconds (default 60), N targets at once with --jobs. The
 *   child is killed when it prints nothing for STALL_SECONDS once it has started (STARTUP_SECONDS before its
 *   first line: loading the code on a loaded machine), and the input it was running is saved as a hang.
 *   Crashes go to tests/fuzz/crashes/<target>/ (input and a .txt report); the exit status is 1 when there was any.
 *   --save writes inputs with new coverage into tests/fuzz/corpus/<target>/.
 * `npm run fuzz -- <target> --replay <file|dir>...`
 *   runs inputs once, without coverage, and prints what they throw.
 * `npm run fuzz -- <target|all> --minimize-corpus`
 *   rewrites tests/fuzz/corpus/<target>/ as the smallest inputs (corpus and
 *   seeds) that keep all the features the corpus reaches.
 *
 * Targets: see targets/index.ts (datagram, client, server).
 */
import './engine/start-coverage.js';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inputId, loadDir, saveInput } from './engine/corpus.js';
import { crashSignature, featuresOf } from './engine/fuzz.js';
import { TARGETS } from './targets/index.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('../..');
const STALL_SECONDS = 45;
/**
 * Before the child's first line: it loads the runtime through tsx and its corpus first. On a 2-core machine beside a
 * test run two children took longer than STALL_SECONDS to start and were reported as crashes with no input.
 */
const STARTUP_SECONDS = 300;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run fuzz -- <${Object.keys(TARGETS).join('|')}|all> [--seconds N] [--seed N] [--save] [--jobs N] | --replay <file|dir>... | --minimize-corpus\n`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const first = args[0];
if (first === undefined || first.startsWith('--')) usage('no target given');
const names = first === 'all' ? Object.keys(TARGETS) : [first];
for (const n of names) if (!TARGETS[n]) usage(`unknown target ${n}`);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const number = (name: string, fallback: number): number => {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) usage(`${name} needs a number, got ${v}`);
  return n;
};

/** Fuzzes one target in a watched child; resolves to the crash files it produced. */
function fuzzInChild(name: string, seconds: number, seed: number, save: boolean): Promise<string[]> {
  return new Promise((resolve) => {
    const currentFile = join(tmpdir(), `dtls13-fuzz-${name}-${process.pid}.current`);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', here('./worker.ts'), name, String(seconds), String(seed), save ? '1' : '0', currentFile],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const crashes: string[] = [];
    let lastLine = Date.now();
    let lastStatus = 0;
    let done = false;
    let started = false;
    let hang: string | undefined;
    const watchdog = setInterval(() => {
      const quiet = (Date.now() - lastLine) / 1000;
      if (quiet > (started ? STALL_SECONDS : STARTUP_SECONDS) || quiet > seconds + 300) {
        hang = started ? `no output for ${quiet.toFixed(0)} s` : `no first line in ${quiet.toFixed(0)} s`;
        child.kill('SIGKILL');
      }
    }, 1000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lastLine = Date.now();
      started = true;
      const [word, ...rest] = line.split(' ');
      if (word === 'status') {
        // One status line every 10 s is enough for a log.
        if (rest[0] === 'done' || Date.now() - lastStatus >= 10_000) {
          lastStatus = Date.now();
          process.stdout.write(`[${name}] ${rest.join(' ')}\n`);
        }
      } else if (word === 'crash') {
        crashes.push(rest[0] ?? '');
        process.stdout.write(`[${name}] CRASH ${rest[0]} — ${rest.slice(1).join(' ')}\n`);
      } else if (word === 'result') done = true;
      else process.stdout.write(`[${name}] ${line}\n`);
    });
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      if (hang !== undefined && existsSync(currentFile)) {
        const input = new Uint8Array(readFileSync(currentFile));
        const path = saveInput(here(`./crashes/${name}`), input, 'hang-');
        writeFileSync(
          `${path}.txt`,
          `target: ${name}\nhang: ${hang} while running this input (the child was killed)\nreproduce: npm run fuzz -- ${name} --replay ${relative(ROOT, path)}\n`,
        );
        crashes.push(relative(ROOT, path));
        process.stdout.write(`[${name}] HANG ${relative(ROOT, path)} — ${hang}\n`);
      } else if (!done) {
        const why = hang !== undefined ? `, killed: ${hang}` : '';
        process.stdout.write(`[${name}] the fuzzer ended early (exit ${code ?? signal}${why}) without a result\n`);
        crashes.push(`(${name}: fuzzer exited ${code ?? signal})`);
      }
      rmSync(currentFile, { force: true });
      resolve(crashes);
    });
  });
}

function inputsOf(paths: readonly string[]): { path: string; input: Uint8Array }[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? loadDir(p).map((e) => ({ path: join(p, e.name), input: e.input }))
      : [{ path: p, input: new Uint8Array(readFileSync(p)) }],
  );
}

if (args.includes('--replay')) {
  if (names.length !== 1) usage('--replay takes one target');
  const target = TARGETS[names[0]!]!();
  target.setup?.();
  const files = inputsOf(args.slice(args.indexOf('--replay') + 1).filter((a) => !a.startsWith('--')));
  let failed = 0;
  for (const { path, input } of files) {
    try {
      target.run(input);
      process.stdout.write(`ok    ${path}\n`);
    } catch (e) {
      failed++;
      process.stdout.write(
        `THROW ${path}\n  ${crashSignature(e)}\n${e instanceof Error ? e.stack : String(e)}\n${target.describe?.(input) ?? ''}\n`,
      );
    }
  }
  process.stdout.write(`${files.length} input(s), ${failed} threw\n`);
  process.exit(failed > 0 ? 1 : 0);
} else if (args.includes('--minimize-corpus')) {
  for (const name of names) {
    const target = TARGETS[name]!();
    const dir = here(`./corpus/${name}`);
    const onDisk = loadDir(dir);
    const inputs = [
      ...new Map([...onDisk.map((e) => e.input), ...target.seeds()].map((i) => [inputId(i), i])).values(),
    ];
    const features = featuresOf(target, inputs);
    // Regression inputs (regress-*, former crashes) always stay, and count first.
    const regression = new Set(onDisk.filter((e) => e.name.startsWith('regress-')).map((e) => e.input));
    const order = inputs
      .map((_, i) => i)
      .sort(
        (a, b) =>
          Number(regression.has(inputs[b]!)) - Number(regression.has(inputs[a]!)) ||
          inputs[a]!.length - inputs[b]!.length ||
          features[b]!.size - features[a]!.size,
      );
    const covered = new Set<number>();
    const keep = new Set<string>();
    for (const i of order) {
      const fresh = [...features[i]!].filter((f) => !covered.has(f));
      if (regression.has(inputs[i]!)) {
        for (const f of fresh) covered.add(f);
        continue;
      }
      if (fresh.length === 0) continue;
      for (const f of fresh) covered.add(f);
      keep.add(inputId(inputs[i]!));
      saveInput(dir, inputs[i]!);
    }
    for (const e of onDisk) if (!keep.has(e.name) && !e.name.startsWith('regress-')) unlinkSync(join(dir, e.name));
    const bytes = loadDir(dir).reduce((n, e) => n + e.input.length, 0);
    process.stdout.write(
      `[${name}] ${inputs.length} inputs → ${keep.size} kept (${bytes} bytes), ${covered.size} features\n`,
    );
  }
} else {
  const seconds = number('--seconds', 60);
  const seed = number('--seed', Date.now() % 1_000_000);
  const jobs = Math.max(1, Math.floor(number('--jobs', 1)));
  const all: string[] = [];
  const waiting = [...names];
  // Each of `jobs` runners takes the next target when its last one ends; every line names its target.
  const runner = async (): Promise<void> => {
    for (let name = waiting.shift(); name !== undefined; name = waiting.shift()) {
      process.stdout.write(`[${name}] fuzzing for ${seconds} s (seed ${seed})\n`);
      all.push(...(await fuzzInChild(name, seconds, seed, args.includes('--save'))));
    }
  };
  await Promise.all(Array.from({ length: jobs }, runner));
  if (all.length > 0) {
    process.stdout.write(`fuzz: ${all.length} crash(es):\n${all.map((p) => `  ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write('fuzz: no crash\n');
}
