/**
 * `dtls13 size` on a workload (the default; `--connections`/`--records`
 * select the protocol-level search of size-command.ts): open-loop traffic
 * each way, a record-size mix, burstiness, a session working set, a
 * handshake rate; SLOs accepted at their intervals' conservative end with
 * a margin (hwmodel/sizing/workload/). Prints the report, and writes
 * `--json`, `--csv` and the `--plot` folder when asked. Exit 1 when no configuration is found.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../runtime/config-error.js';
import { checkTargets } from '../hwmodel/sizing/targets.js';
import { engineAtClock } from '../hwmodel/sizing/bounds.js';
import { checkSlos, DEFAULT_BURST_DROP, parseMargin, type Slos } from '../hwmodel/sizing/workload/slo.js';
import {
  checkTraffic,
  parseMix,
  scaleTraffic,
  type HandshakeKind,
  type Traffic,
} from '../hwmodel/sizing/workload/traffic.js';
import { deviceCosts } from '../hwmodel/sizing/workload/device.js';
import { workloadBounds } from '../hwmodel/sizing/workload/workload-bounds.js';
import { startRules, startText } from '../hwmodel/sizing/workload/start-rules.js';
import { BURSTS_TO_SEE, MAX_REPLICATIONS } from '../hwmodel/sizing/workload/run-plan.js';
import { sizeWorkload, type WorkloadSizing } from '../hwmodel/sizing/workload/workload-search.js';
import { loadEngine } from '../hwmodel/timing/engine-file.js';
import { FlowPool } from '../hwmodel/sizing/workload/flow-pool.js';
import type { FlowRunner } from '../hwmodel/sizing/workload/flow-runner.js';
import { cachedRunner, RunCache } from '../hwmodel/sizing/workload/run-cache.js';
import { openOutput } from './simulate-run.js';
import { parseSetting } from './simulate-set.js';
import { knobSettings, stepText, workloadAnswerText, workloadCsv, workloadHeader } from './size-workload-output.js';
import { CliUsageError, numberFlag } from './usage-error.js';
import { searchCsv, sensitivityCsv } from './size-plot-csv.js';
import { searchPlotSvg, sensitivityPlotSvg } from './size-plot-svg.js';

/** Option names of the model as the command line spells them. */
const FLAGS: Readonly<Record<string, string>> = {
  gbps: '--gbps',
  openGbps: '--open-gbps',
  sealGbps: '--seal-gbps',
  recordSize: '--record-size',
  mix: '--mix',
  handshakesPerSecond: '--handshakes',
  handshake: '--handshake',
  group: '--group',
  suite: '--suite',
  profile: '--profile',
  minimize: '--minimize',
  sessions: '--sessions',
  activeSessions: '--active-sessions',
  zipf: '--zipf',
  trainRecords: '--train',
  linkGbps: '--link-gbps',
  burstFactor: '--burst',
  burstUs: '--burst',
  keyUpdatesPerSession: '--key-updates',
  forgedGbps: '--forged-gbps',
  replayShare: '--replays',
  margin: '--margin',
  clock: '--clock',
  dropProbability: '--slo-drop',
  p99Us: '--slo-p99',
  p999Us: '--slo-p999',
  burstDropProbability: '--slo-burst-drop',
};

export async function runSizeWorkload(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        gbps: { type: 'string' },
        'open-gbps': { type: 'string' },
        'seal-gbps': { type: 'string' },
        handshakes: { type: 'string' },
        handshake: { type: 'string' },
        'record-size': { type: 'string' },
        mix: { type: 'string' },
        train: { type: 'string' },
        'link-gbps': { type: 'string' },
        burst: { type: 'string' },
        'key-updates': { type: 'string' },
        'forged-gbps': { type: 'string' },
        replays: { type: 'string' },
        sessions: { type: 'string' },
        'active-sessions': { type: 'string' },
        zipf: { type: 'string' },
        group: { type: 'string' },
        suite: { type: 'string' },
        profile: { type: 'string' },
        clock: { type: 'string' },
        minimize: { type: 'string' },
        margin: { type: 'string' },
        'slo-drop': { type: 'string' },
        'slo-p99': { type: 'string' },
        'slo-p999': { type: 'string' },
        'slo-burst-drop': { type: 'string' },
        replications: { type: 'string' },
        seed: { type: 'string' },
        window: { type: 'string' },
        'max-window': { type: 'string' },
        bursts: { type: 'string' },
        warmup: { type: 'string' },
        'max-steps': { type: 'string' },
        'no-sensitivity': { type: 'boolean' },
        json: { type: 'string' },
        csv: { type: 'string' },
        plot: { type: 'string' },
        set: { type: 'string', multiple: true },
        quiet: { type: 'boolean' },
        'run-cache': { type: 'string' },
        jobs: { type: 'string' },
      },
    }));
  } catch (e) {
    throw new CliUsageError(e instanceof Error ? e.message : String(e));
  }
  const num = numberFlag;
  const gbps = num('--gbps', values.gbps);
  const handshakes = num('--handshakes', values.handshakes);
  if (gbps === undefined && values['open-gbps'] === undefined && values['seal-gbps'] === undefined)
    throw new CliUsageError('--gbps is required (the data rate each way, Gbit/s; or --open-gbps and --seal-gbps)');
  if (handshakes === undefined) throw new CliUsageError('--handshakes is required (new sessions a second)');
  const profile = values.profile ?? 'asic';
  const outputs = {
    json: values.json === undefined ? undefined : resolve(values.json),
    csv: values.csv === undefined ? undefined : resolve(values.csv),
    plot: values.plot === undefined ? undefined : resolve(values.plot),
  };
  if (outputs.json !== undefined) openOutput('--json', outputs.json);
  if (outputs.csv !== undefined) openOutput('--csv', outputs.csv);
  if (outputs.plot !== undefined) plotFolder(outputs.plot);
  let result: WorkloadSizing;
  let runs: ReturnType<typeof flowRunner> | undefined;
  try {
    if (values.set !== undefined) {
      for (const text of values.set) parseSetting(text, '--set');
      throw new CliUsageError(
        '--set: applies to the protocol-level search (with --connections or --records); the workload search sizes the knobs itself',
      );
    }
    const profileEngine = loadEngine(/^[a-z0-9][a-z0-9-]*$/.test(profile) ? profile : 'invalid name');
    // The clock is the reviewer's input (the engine's own by default), not a knob: see clockNote in workload-search.ts.
    const mhz = num('--clock', values.clock);
    const engine = mhz === undefined ? profileEngine : engineAtClock(profileEngine, mhz);
    const recordSize = num('--record-size', values['record-size']);
    const mix =
      values.mix !== undefined
        ? parseMix(values.mix)
        : recordSize !== undefined
          ? recordMix(recordSize)
          : parseMix('imix');
    const minimize = values.minimize ?? 'area';
    const targets = checkTargets({
      gbps:
        gbps ??
        Math.max(num('--open-gbps', values['open-gbps']) ?? 0, num('--seal-gbps', values['seal-gbps']) ?? 0, 1e-9),
      recordSize: Math.max(...mix.map((m) => m.bytes)),
      handshakesPerSecond: Math.max(handshakes, 1e-9),
      group: values.group ?? 'P-256',
      suite: values.suite ?? 'TLS_AES_128_GCM_SHA256',
      profile,
      minimize: minimize as 'area' | 'power',
    });
    if (minimize !== 'area')
      throw new ConfigError('minimize', 'the workload search minimizes area (power is reported at the target load)');
    const [burstFactor, burstUs] = (values.burst ?? '1').split(':').map((x) => num('--burst', x));
    const sessions = num('--sessions', values.sessions) ?? 1000;
    const traffic = checkTraffic({
      openGbps: num('--open-gbps', values['open-gbps']) ?? gbps ?? 0,
      sealGbps: num('--seal-gbps', values['seal-gbps']) ?? gbps ?? 0,
      mix,
      handshakesPerSecond: handshakes,
      handshake: (values.handshake ?? 'full') as HandshakeKind,
      sessions,
      activeSessions: num('--active-sessions', values['active-sessions']) ?? sessions,
      ...(values.zipf !== undefined ? { zipf: num('--zipf', values.zipf) ?? 0 } : {}),
      ...(values.train !== undefined ? { trainRecords: num('--train', values.train) ?? 1 } : {}),
      ...(values['link-gbps'] !== undefined ? { linkGbps: num('--link-gbps', values['link-gbps']) ?? 0 } : {}),
      ...(burstFactor !== undefined ? { burstFactor } : {}),
      ...(burstUs !== undefined ? { burstUs } : {}),
      events: {
        keyUpdatesPerSession: num('--key-updates', values['key-updates']) ?? 0,
        forgedGbps: num('--forged-gbps', values['forged-gbps']) ?? 0,
        replayShare: num('--replays', values.replays) ?? 0,
      },
    });
    const slos: Slos = checkSlos({
      dropProbability: num('--slo-drop', values['slo-drop']) ?? 1e-6,
      p99Us: num('--slo-p99', values['slo-p99']) ?? 10,
      p999Us: num('--slo-p999', values['slo-p999']),
      handshakesPerSecond: handshakes,
      // A burst is held to an SLO of its own unless the question says not (`none`).
      burstDropProbability:
        values['slo-burst-drop'] === 'none'
          ? undefined
          : (num('--slo-burst-drop', values['slo-burst-drop']) ??
            (traffic.burstFactor > 1 ? DEFAULT_BURST_DROP : undefined)),
      margin: parseMargin(values.margin ?? '20%'),
    });
    const run = {
      ...(values.replications !== undefined
        ? { replications: whole('--replications', num('--replications', values.replications), 1, 30) }
        : {}),
      ...(values.seed !== undefined ? { seed: num('--seed', values.seed) ?? 1 } : {}),
      ...(values.window !== undefined ? { windowUs: positive('--window', num('--window', values.window)) } : {}),
      ...(values.warmup !== undefined ? { warmupUs: positive('--warmup', num('--warmup', values.warmup)) } : {}),
    };
    process.stdout.write(workloadHeader({ traffic }, profile));
    if (values.quiet !== true) {
      const load = scaleTraffic(traffic, 1 + slos.margin);
      const costs = deviceCosts(engine, targets, traffic);
      const b = workloadBounds(load, costs, slos.dropProbability);
      const rules = startRules(load, costs, slos.dropProbability);
      process.stdout.write(
        `Start (${startText(slos.margin, rules)}): ${knobSettings(b)}\n\nConfigurations run (limiting metric, what the search did; a bottleneck is proven by growing every suspect one step):\n`,
      );
    }
    runs = flowRunner(values['run-cache'], values.jobs);
    result = sizeWorkload(targets, traffic, slos, engine, {
      run,
      runner: runs.runner,
      ...(values['max-steps'] !== undefined
        ? { maxSteps: whole('--max-steps', num('--max-steps', values['max-steps']), 1, 200) }
        : {}),
      sensitivity: values['no-sensitivity'] !== true,
      ...(values['max-window'] !== undefined
        ? { maxWindowUs: positive('--max-window', num('--max-window', values['max-window']), MAX_WINDOW_LIMIT_US) }
        : {}),
      ...(values.bursts !== undefined
        ? { minBursts: whole('--bursts', num('--bursts', values.bursts), BURSTS_TO_SEE, MAX_REPLICATIONS) }
        : {}),
      onStep: (s) => {
        if (values.quiet !== true) process.stdout.write(`${stepText(s)}\n`);
      },
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      const option =
        e.option === 'profile' || e.option.startsWith('engines/') ? '--profile' : (FLAGS[e.option] ?? e.option);
      throw new CliUsageError(
        `${option === '--mix' && values.mix === undefined && values['record-size'] !== undefined ? '--record-size' : option}: ${e.reason}`,
      );
    }
    throw e;
  } finally {
    // Not awaited: the command writes all its output without yielding (tests capture it), and the workers are unref'd.
    runs?.close();
  }
  process.stdout.write(`\n${workloadAnswerText(result)}`);
  if (outputs.json !== undefined) {
    writeFileSync(
      outputs.json,
      `${JSON.stringify({ format: 'dtls13-size-workload', version: 1, ...result }, jsonSafe, 2)}\n`,
    );
    process.stdout.write(`JSON written to ${outputs.json}\n`);
  }
  if (outputs.csv !== undefined) {
    writeFileSync(outputs.csv, workloadCsv(result));
    process.stdout.write(`CSV written to ${outputs.csv}\n`);
  }
  if (outputs.plot !== undefined) writePlots(outputs.plot, result);
  return result.answer === undefined ? 1 : 0;
}

/** Makes the `--plot` folder (its parent must exist) before the search runs, as --json and --csv are opened: a usage error when it cannot be. */
function plotFolder(dir: string): void {
  try {
    // Not recursive: the parent must exist, as the folder of a --csv FILE must (and Node's recursive mkdir spins on /proc).
    if (!existsSync(dir)) mkdirSync(dir);
    openOutput('--plot', join(dir, 'search.csv'));
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`--plot ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The search and the sensitivity table as CSV, and each drawn from its CSV as SVG beside it (size-plot-svg.ts):
 * search.csv, search.svg, sensitivity.csv, sensitivity.svg (the last two when there is a sensitivity table).
 */
function writePlots(dir: string, r: WorkloadSizing): void {
  const search = searchCsv(r);
  writeFileSync(join(dir, 'search.csv'), search);
  writeFileSync(
    join(dir, 'search.svg'),
    searchPlotSvg(search, { title: 'dtls13 size: the configurations the search ran', subtitle: r.verdict }),
  );
  const written = ['search.csv', 'search.svg'];
  if (r.sensitivity.length > 0) {
    const sensitivity = sensitivityCsv(r);
    writeFileSync(join(dir, 'sensitivity.csv'), sensitivity);
    writeFileSync(
      join(dir, 'sensitivity.svg'),
      sensitivityPlotSvg(sensitivity, {
        title: 'dtls13 size: sensitivity at the answer',
        subtitle: `under the sizing load on screening runs (${r.plan.screen.replications} × ${r.plan.screen.windowUs} µs)`,
      }),
    );
    written.push('sensitivity.csv', 'sensitivity.svg');
  }
  process.stdout.write(`Plots written to ${dir}: ${written.join(', ')}\n`);
}

/**
 * What makes the search's flow runs: `--jobs` worker threads (default: the cores; 1 runs in this thread), under a run
 * cache in the `--run-cache` folder when given (made when missing); the cache's entries not trusted and, at the end,
 * what it replayed and stored are said on stderr, so that the output stays the same whether runs were replayed or not.
 */
function flowRunner(
  dir: string | undefined,
  jobsText: string | undefined,
): { readonly runner: FlowRunner; close(): void } {
  const jobs =
    jobsText === undefined ? availableParallelism() : whole('--jobs', numberFlag('--jobs', jobsText), 1, 256);
  const pool = new FlowPool(jobs);
  if (dir === undefined) return { runner: pool, close: () => void pool.close() };
  let cache: RunCache;
  try {
    cache = new RunCache(resolve(dir), (p) =>
      process.stderr.write(`run cache: ${p.file} not trusted (${p.kind}: ${p.detail}); run again\n`),
    );
  } catch (e) {
    throw new CliUsageError(`--run-cache ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    runner: cachedRunner(cache, pool),
    close: () => {
      void pool.close();
      const s = cache.stats;
      process.stderr.write(
        `run cache ${cache.dir}: ${s.replayed} runs replayed, ${s.stored} run and stored, ${s.ignored} not trusted\n`,
      );
    },
  };
}

/** One record size as a mix (ConfigError 'mix' for a bad one). */
function recordMix(bytes: number): Traffic['mix'] {
  return parseMix(String(bytes));
}

/** Infinity as a string in JSON (a latency never reached). */
function jsonSafe(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

function whole(flag: string, v: number | undefined, min: number, max: number): number {
  if (v === undefined || !Number.isInteger(v) || v < min || v > max)
    throw new CliUsageError(`${flag}: must be a whole number from ${min} to ${max}`);
  return v;
}

/**
 * The longest steady window `--max-window` takes (µs a seed): 60 s. A drop SLO with a large unseen episode may need
 * billions of records, and the search names the window that would resolve it; past a minute a seed, its runs take
 * hours of CPU on one core.
 */
const MAX_WINDOW_LIMIT_US = 60_000_000;

function positive(flag: string, v: number | undefined, max = 1e6): number {
  if (v === undefined || !(v > 0 && v <= max))
    throw new CliUsageError(`${flag}: must be a number of µs above 0 and at most ${max}, got ${String(v)}`);
  return v;
}
