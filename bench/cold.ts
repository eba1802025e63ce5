import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificateToPem } from '../runtime/pki/pem.js';
import { createThrowawayIdentity } from '../runtime/pki/throwaway-identity.js';
import { loadNote, median } from './network/stats.js';

/**
 * `npm run bench -- cold`: the first handshake of a fresh process (a CLI, a
 * serverless function, a device that connects once). Every run is a new
 * `node` (bench/cold/child.mjs) that imports the package as users get it
 * (dist/runtime/index.js, the build `npm run build` makes; built here first
 * when it is missing) and then does a handshake with a server and a client of
 * its own over loopback UDP, then a second one. The kinds, in alternating
 * runs: the entry with its V8 code cache (runtime/load-bundle.ts), the same
 * as a client only (its first handshake with a warm server in another
 * process, bench/cold/server.mjs: what a CLI or a device pays), the same
 * with DTLS 1.2 (maxVersion), the same after `warmUp()` (one handshake in
 * memory, in the listen phase), the same entry with the cache off (DTLS13_COMPILE_CACHE=0), the entry as tsc wrote
 * it (about 250 modules, one import each; dist/modules/runtime/index.modules.js), a
 * fresh `node` that does nothing (its boot time and wall time), and, when
 * BENCH_COLD_BASELINE names another build's entry (an older
 * dist/runtime/index.js kept elsewhere), that one, with its server and client
 * in one process and as a client only (against this build's warm server):
 * the same-run A/B.
 * Wall times move with the machine's load; CPU times (user + system of the
 * process in that phase) less so.
 * Targets (issue 47): import ≤ 50 ms; the first handshake ≤ 3 ms after
 * import and ≤ 1.5× the second (CPU, per process), printed per kind.
 *
 * Environment: BENCH_COLD_RUNS (fresh processes of each kind, default 10),
 * BENCH_COLD_BASELINE (an entry to compare with).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'runtime', 'index.js');
/** The entry as tsc wrote it, one import per module (scripts/bundle-entry.ts keeps it): the before. */
const MODULES = join(ROOT, 'dist', 'modules', 'runtime', 'index.modules.js');
/** The command line as the package ships it. */
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const CHILD = fileURLToPath(new URL('./cold/child.mjs', import.meta.url));
const SERVER = fileURLToPath(new URL('./cold/server.mjs', import.meta.url));

interface Phases {
  readonly import: number;
  readonly listen: number;
  readonly first: number;
  readonly second: number;
}

interface ColdRun extends Phases {
  readonly boot: number;
  readonly wall: number;
  readonly cpu: Phases;
  readonly codeCache?: string;
  readonly loaded: readonly string[];
}

/** User + system CPU (ms) of a whole child process, by /usr/bin/time (boot included, which process.cpuUsage() inside it would miss). */
function processCpu(args: readonly string[]): number {
  const run = spawnSync('/usr/bin/time', ['-f', 'dtls13-cpu %U %S', process.execPath, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const m = /dtls13-cpu ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr);
  if (run.status !== 0 || !m)
    throw new Error(`bench -- cold: ${args.join(' ')} exited ${String(run.status)}: ${run.stderr.slice(-300)}`);
  return (Number(m[1]) + Number(m[2])) * 1000;
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { out: string; wall: number } {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env });
  return { out, wall: performance.now() - t0 };
}

export function benchCold(log: (line: string) => void): void {
  const runs = Number(process.env.BENCH_COLD_RUNS ?? 10);
  if (!Number.isInteger(runs) || runs < 1)
    throw new RangeError(`BENCH_COLD_RUNS must be an integer >= 1, got ${String(process.env.BENCH_COLD_RUNS)}`);
  const baseline = process.env.BENCH_COLD_BASELINE;
  if (baseline !== undefined && !existsSync(baseline))
    throw new RangeError(`BENCH_COLD_BASELINE names no file: ${baseline}`);
  if (!existsSync(ENTRY) || !existsSync(MODULES))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'dtls13-cold-'));
  try {
    const id = createThrowawayIdentity({ serverName: 'localhost', caName: 'cold CA' });
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const identity = join(dir, 'identity.json');
    writeFileSync(
      identity,
      JSON.stringify({
        ca: hex(id.caDer),
        chain: id.chain.map(hex),
        privateKey: hex(id.privateKey),
        serverName: 'localhost',
      }),
    );
    const bareScript = 'process.stdout.write(String(performance.now()))';
    const child = (entry: string, env?: NodeJS.ProcessEnv): ColdRun => {
      const { out, wall } = timed([CHILD, entry, identity], env);
      return { ...(JSON.parse(out) as Omit<ColdRun, 'wall'>), wall };
    };
    const noCache = { ...process.env, DTLS13_COMPILE_CACHE: '0' };
    // A warm server in a process of its own, for the fresh processes that are clients only.
    const portFile = join(dir, 'port');
    const server = spawn(process.execPath, [SERVER, ENTRY, identity, portFile], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    const port = waitForPort(server, portFile);
    const client = (entry: string, env?: NodeJS.ProcessEnv): ColdRun => {
      const { out, wall } = timed([CHILD, entry, identity, String(port)], env);
      return { ...(JSON.parse(out) as Omit<ColdRun, 'wall'>), wall };
    };
    const caPem = join(dir, 'ca.pem');
    writeFileSync(caPem, certificateToPem(id.caDer));
    // A one-shot `dtls13 client` (connect, send one line, close) against the warm server, and `node -e 0`: CPU of the whole process.
    const oneShot = [
      'client',
      '--connect',
      `127.0.0.1:${port}`,
      '--ca',
      caPem,
      '--servername',
      'localhost',
      '--message',
      'x',
    ];
    // The baseline build's command line too, when BENCH_COLD_BASELINE's dist has one.
    const baselineCli = baseline === undefined ? undefined : join(baseline, '..', '..', 'cli', 'main.js');
    const oneShotKinds: Record<string, () => number> = {
      'node -e 0': () => processCpu(['-e', '0']),
      'dtls13 client --message x': () => processCpu([CLI, ...oneShot]),
      ...(baselineCli !== undefined && existsSync(baselineCli)
        ? { 'BENCH_COLD_BASELINE client': () => processCpu([baselineCli, ...oneShot]) }
        : {}),
    };
    const cpuOf: Record<string, number[]> = Object.fromEntries(Object.keys(oneShotKinds).map((k) => [k, []]));
    const kinds: Record<string, () => ColdRun> = {
      cached: () => child(ENTRY),
      client: () => client(ENTRY),
      dtls12: () => child(ENTRY, { ...process.env, DTLS13_COLD_MAX_VERSION: 'DTLSv1.2' }),
      warm: () => child(ENTRY, { ...process.env, DTLS13_COLD_WARM_UP: '1' }),
      clientWarm: () => client(ENTRY, { ...process.env, DTLS13_COLD_WARM_UP: '1' }),
      uncached: () => child(ENTRY, noCache),
      modules: () => child(MODULES),
      ...(baseline !== undefined ? { baseline: () => child(baseline), baselineClient: () => client(baseline) } : {}),
    };
    const results = new Map<string, ColdRun[]>(Object.keys(kinds).map((k) => [k, []]));
    const bare: { boot: number; wall: number }[] = [];
    // One of each first, not counted (the file cache warm for all; the code cache written when it was missing), then in an order reversed every other round.
    timed(['-e', bareScript]);
    for (const run of Object.values(kinds)) run();
    for (const run of Object.values(oneShotKinds)) run();
    const order = ['bare', ...Object.keys(kinds), ...Object.keys(oneShotKinds)];
    for (let r = 0; r < runs; r++) {
      for (const kind of r % 2 === 0 ? order : [...order].reverse()) {
        if (kind === 'bare') {
          const { out, wall } = timed(['-e', bareScript]);
          bare.push({ boot: Number(out), wall });
        } else if (kind in oneShotKinds) cpuOf[kind]?.push(oneShotKinds[kind]?.() ?? NaN);
        else results.get(kind)?.push(kinds[kind]?.() as ColdRun);
      }
    }
    const m = (xs: readonly number[]): string => `${median(xs).toFixed(1)} ms`;
    const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
    const built = statSync(ENTRY).mtime.toISOString();
    const compileCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    const cached = results.get('cached') ?? [];
    const outcomes = [...new Set(cached.map((c) => c.codeCache ?? 'none'))].join(', ');
    log(
      `\ncold start: ${runs} fresh node ${process.version} processes of each kind, alternating (${loadNote()}); dist built ${built}; ` +
        `${compileCache ? 'module.enableCompileCache() exists' : `no module.enableCompileCache() in node ${process.version}`}; the entry's own code cache: ${outcomes}`,
    );
    log(`  bare node (baseline)  boot ${m(bare.map((b) => b.boot))}, process wall ${m(bare.map((b) => b.wall))}`);
    const labels: Record<string, string> = {
      cached: 'bundle + code cache',
      client: '  the same, client only',
      dtls12: '  the same, DTLS 1.2',
      warm: '  the same, warmUp()',
      clientWarm: '  client only, warmUp()',
      uncached: 'bundle, cache off',
      modules: '~250 modules (tsc)',
      baseline: 'BENCH_COLD_BASELINE',
      baselineClient: '  the same, client only',
    };
    log(
      `  ${'median (runs range), wall | cpu'.padEnd(21)}  ${['import', 'listen', 'first handshake', 'second', 'process wall'].map((h) => h.padEnd(24)).join('')}`,
    );
    for (const [kind, rs] of results) {
      const cell = (f: (r: Phases) => number): string => `${m(rs.map(f))} | ${m(rs.map((r) => f(r.cpu)))}`.padEnd(24);
      log(
        `  ${(labels[kind] ?? kind).padEnd(21)}  ${cell((r) => r.import)}${cell((r) => r.listen)}${cell((r) => r.first)}${cell((r) => r.second)}${m(rs.map((r) => r.wall))}`,
      );
    }
    const imp = cached.map((d) => d.import);
    const first = cached.map((d) => d.first);
    const ratio = (kind: string, f: (r: ColdRun) => number): string => {
      const other = results.get(kind);
      return other && other.length > 0
        ? `${(median(cached.map(f)) / median(other.map(f))).toFixed(2)}× ${labels[kind] ?? kind}'s`
        : '';
    };
    log(
      `  import ${m(imp)} (runs ${range(imp)}; target ≤ 50 ms) = ${['uncached', 'modules', 'baseline']
        .map((k) => ratio(k, (r) => r.import))
        .filter((x) => x !== '')
        .join(', ')}`,
    );
    log(
      `  first handshake ${m(first)} (runs ${range(first)}; cpu ${m(cached.map((d) => d.cpu.first))}; target ≤ 3 ms) = ` +
        `${['uncached', 'modules', 'baseline']
          .map((k) => ratio(k, (r) => r.first))
          .filter((x) => x !== '')
          .join(', ')}; ${(median(first) / median(cached.map((d) => d.second))).toFixed(2)}× the second`,
    );
    // The targets per kind (issue 47), without warmUp() unless the kind says so: the first handshake after import in wall and
    // CPU time, and first / second per process in CPU time (less moved by the machine's load than wall time).
    const met = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    log(
      `  ${'targets (median, runs range)'.padEnd(30)}${'first ≤ 3 ms: wall'.padEnd(30)}${'cpu'.padEnd(30)}first / second cpu ≤ 1.5×`,
    );
    for (const kind of ['cached', 'client', 'dtls12', 'warm', 'clientWarm', 'baseline', 'baselineClient']) {
      const rs = results.get(kind) ?? [];
      if (rs.length === 0) continue;
      const cell = (xs: number[], limit: number, unit: string): string =>
        `${median(xs).toFixed(unit === ' ms' ? 1 : 2)}${unit} (${range(xs)}) ${met(median(xs) <= limit)}`.padEnd(30);
      const ratios = rs.map((r) => r.cpu.first / r.cpu.second);
      const label = kind === 'baselineClient' ? 'BENCH_COLD_BASELINE client' : (labels[kind]?.trim() ?? kind);
      log(
        `  ${label.padEnd(30)}${cell(
          rs.map((r) => r.first),
          3,
          ' ms',
        )}${cell(
          rs.map((r) => r.cpu.first),
          3,
          ' ms',
        )}${cell(ratios, 1.5, '×').trim()}`,
      );
    }
    const lazy = [...new Set(cached.flatMap((c) => c.loaded))];
    log(
      `  loaded on first use during the runs: ${lazy.length > 0 ? lazy.join(', ') : 'nothing (noble, ML-KEM and xstate stayed unloaded)'}`,
    );
    const clientFirst = (results.get('client') ?? []).map((c) => c.cpu.first);
    const baselineClientFirst = (results.get('baselineClient') ?? []).map((c) => c.cpu.first);
    log(
      `  client only (a fresh process whose first handshake is with a warm server in another process): first handshake ${m((results.get('client') ?? []).map((c) => c.first))}, cpu ${m(clientFirst)}` +
        (baselineClientFirst.length > 0
          ? ` = ${(median(clientFirst) / median(baselineClientFirst)).toFixed(2)}× BENCH_COLD_BASELINE's cpu (${m(baselineClientFirst)})`
          : ''),
    );
    const bareCpu = cpuOf['node -e 0'] ?? [];
    const cliCpu = cpuOf['dtls13 client --message x'] ?? [];
    const beyond = cliCpu.map((c, i) => c - (bareCpu[i] ?? NaN));
    log(
      `  one-shot 'dtls13 client --message x' against the warm server, CPU (user + system) of the whole process: ${m(cliCpu)} (runs ${range(cliCpu)}); ` +
        `node -e 0 ${m(bareCpu)} (runs ${range(bareCpu)}); beyond node -e 0 (same round) ${m(beyond)} (runs ${range(beyond)}; target ≤ 150 ms)`,
    );
    const baseCpu = cpuOf['BENCH_COLD_BASELINE client'] ?? [];
    if (baseCpu.length > 0) {
      const baseBeyond = baseCpu.map((c, i) => c - (bareCpu[i] ?? NaN));
      log(
        `  the same with BENCH_COLD_BASELINE's command line: ${m(baseCpu)} (runs ${range(baseCpu)}); beyond node -e 0 ${m(baseBeyond)}; ` +
          `this build's = ${(median(cliCpu) / median(baseCpu)).toFixed(2)}× the baseline's CPU`,
      );
    }
    server.stdin?.end();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The port the server process writes to `portFile` once it is warm (polled: the bench is synchronous, the server is a process of its own). */
function waitForPort(server: ChildProcess, portFile: string): number {
  const deadline = Date.now() + 60_000;
  while (!existsSync(portFile)) {
    if (Date.now() > deadline || server.exitCode !== null)
      throw new Error('bench -- cold: the server process did not start');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return Number(readFileSync(portFile, 'utf8'));
}
