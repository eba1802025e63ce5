import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { loadNote, median } from './network/stats.js';

/**
 * `npm run bench -- cold`: the first handshake of a fresh process (a CLI, a
 * serverless function, a device that connects once). Every run is a new
 * `node` (bench/cold/child.mjs) that imports the package as users get it
 * (dist/runtime/index.js, the build `npm run build` makes; built here first
 * when it is missing) and then does a handshake with a server and a client of
 * its own over loopback UDP, then a second one. The baselines, in alternating
 * runs: a fresh `node` that does nothing (its boot time and wall time), and
 * the same child importing the entry as tsc wrote it (about 250 modules, one
 * import each; dist/runtime/index.modules.js) instead of the one-module bundle
 * the build makes of it.
 * Targets (issue 31): import ≤ 100 ms, first handshake ≤ 3 ms after import.
 *
 * Environment: BENCH_COLD_RUNS (fresh processes of each kind, default 10).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'runtime', 'index.js');
/** The entry as tsc wrote it, one import per module (scripts/bundle-entry.ts keeps it): the before. */
const MODULES = join(ROOT, 'dist', 'runtime', 'index.modules.js');
const CHILD = fileURLToPath(new URL('./cold/child.mjs', import.meta.url));

interface ColdRun {
  readonly boot: number;
  readonly import: number;
  readonly listen: number;
  readonly first: number;
  readonly second: number;
  readonly wall: number;
}

function timed(args: readonly string[]): { out: string; wall: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return { out, wall: performance.now() - t0 };
}

export function benchCold(log: (line: string) => void): void {
  const runs = Number(process.env.BENCH_COLD_RUNS ?? 10);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`BENCH_COLD_RUNS must be an integer >= 1, got ${String(process.env.BENCH_COLD_RUNS)}`);
  if (!existsSync(ENTRY) || !existsSync(MODULES)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-cold-'));
  try {
    const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'cold CA' });
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const identity = join(dir, 'identity.json');
    writeFileSync(identity, JSON.stringify({ ca: hex(id.caDer), chain: id.chain.map(hex), privateKey: hex(id.privateKey), serverName: 'localhost' }));
    const dtls: ColdRun[] = [];
    const modules: ColdRun[] = [];
    const bare: { boot: number; wall: number }[] = [];
    const bareScript = 'process.stdout.write(String(performance.now()))';
    const child = (entry: string): ColdRun => {
      const { out, wall } = timed([CHILD, entry, identity]);
      return { ...(JSON.parse(out) as Omit<ColdRun, 'wall'>), wall };
    };
    // One of each first, not counted (the file cache warm for all), then in an order reversed every other round.
    timed(['-e', bareScript]);
    child(ENTRY);
    child(MODULES);
    const kinds = ['bare', 'bundle', 'modules'] as const;
    for (let r = 0; r < runs; r++) {
      for (const kind of r % 2 === 0 ? kinds : [...kinds].reverse()) {
        if (kind === 'bare') {
          const { out, wall } = timed(['-e', bareScript]);
          bare.push({ boot: Number(out), wall });
        } else if (kind === 'bundle') dtls.push(child(ENTRY));
        else modules.push(child(MODULES));
      }
    }
    const m = (xs: readonly number[]): string => `${median(xs).toFixed(1)} ms`;
    const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    const built = statSync(ENTRY).mtime.toISOString();
    const compileCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    log(
      `\ncold start: ${runs} fresh node ${process.version} processes of each kind, alternating (${loadNote()}); dist built ${built}; ` +
        (compileCache ? 'module.enableCompileCache() in use' : `no module.enableCompileCache() in node ${process.version} (v22.1+): no compile cache`),
    );
    log(`  bare node (baseline)         boot ${m(bare.map((b) => b.boot))}, process wall ${m(bare.map((b) => b.wall))}`);
    const imp = dtls.map((d) => d.import);
    const impModules = modules.map((d) => d.import);
    log(`  import, ~250 modules (before) ${m(impModules)} (runs ${range(impModules)})`);
    log(
      `  import, one-module bundle    ${m(imp)} (runs ${range(imp)}; target ≤ 100 ms) = ${(median(imp) / median(impModules)).toFixed(2)}× the modules' import`,
    );
    const first = dtls.map((d) => d.first);
    log(`  listen (endpoint bound)      ${m(dtls.map((d) => d.listen))} (modules: ${m(modules.map((d) => d.listen))})`);
    log(
      `  first handshake              ${m(first)} (runs ${range(first)}; target ≤ 3 ms) = ${(median(first) / median(dtls.map((d) => d.second))).toFixed(2)}× the second; ` +
        `modules: ${m(modules.map((d) => d.first))}`,
    );
    log(`  second handshake             ${m(dtls.map((d) => d.second))} (modules: ${m(modules.map((d) => d.second))})`);
    log(
      `  whole process                ${m(dtls.map((d) => d.wall))} wall (modules ${m(modules.map((d) => d.wall))}, bare node ${m(bare.map((b) => b.wall))})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
