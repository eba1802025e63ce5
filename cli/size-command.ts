/**
 * `dtls13 size`: by default the workload search (size-workload.ts). With
 * `--connections`, `--records`, `--clock-steps` or `--max-candidates`, the protocol-level search: the smallest
 * offload engine (by area or by power) that meets a data rate and a
 * handshake rate on a profile of spec/hw/engines, searched with the
 * simulator's real DTLS connections (hwmodel/sizing/search.ts). Prints the lower
 * bounds, each candidate simulated, and the answer with its intervals, or
 * says plainly that no configuration in the space meets the targets (exit 1).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../runtime/config-error.js';
import type { Interval } from '../hwmodel/model/sweep.js';
import { formatArea, formatPower } from '../hwmodel/sizing/power-area.js';
import { lowerBounds } from '../hwmodel/sizing/bounds.js';
import { size, type Candidate, type SizingResult } from '../hwmodel/sizing/search.js';
import { checkTargets } from '../hwmodel/sizing/targets.js';
import { loadEngine, type Engine } from '../hwmodel/timing/engine-file.js';
import { mhzText } from '../hwmodel/timing/engine-clock.js';
import { openOutput } from './simulate-run.js';
import { hostParams, parseSetting } from './simulate-set.js';
import { CliUsageError, numberFlag } from './usage-error.js';
import { runSizeWorkload } from './size-workload.js';

/** The search's option names as the command line spells them. */
const FLAGS: Readonly<Record<string, string>> = {
  gbps: '--gbps',
  recordSize: '--record-size',
  handshakesPerSecond: '--handshakes',
  group: '--group',
  suite: '--suite',
  profile: '--profile',
  minimize: '--minimize',
  connections: '--connections',
  records: '--records',
  replications: '--replications',
  maxCandidates: '--max-candidates',
  clockSteps: '--clock-steps',
};

const fmt = (i: Interval | undefined, scale: number, digits: number): string =>
  i === undefined
    ? '-'
    : i.halfWidth > 0
      ? `${(i.mean / scale).toFixed(digits)} ± ${(i.halfWidth / scale).toFixed(digits)}`
      : (i.mean / scale).toFixed(digits);

export async function runSize(argv: readonly string[]): Promise<number> {
  // The workload search is the default; the protocol-level search (real DTLS connections at link rate) when asked for by its options.
  if (!argv.some((a) => /^--(connections|records|clock-steps|max-candidates)(=|$)/.test(a)))
    return runSizeWorkload(argv);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        gbps: { type: 'string' },
        handshakes: { type: 'string' },
        'record-size': { type: 'string' },
        group: { type: 'string' },
        suite: { type: 'string' },
        profile: { type: 'string' },
        minimize: { type: 'string' },
        connections: { type: 'string' },
        records: { type: 'string' },
        replications: { type: 'string' },
        seed: { type: 'string' },
        'max-candidates': { type: 'string' },
        'clock-steps': { type: 'string' },
        json: { type: 'string' },
        set: { type: 'string', multiple: true },
        quiet: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new CliUsageError(e instanceof Error ? e.message : String(e));
  }
  const num = numberFlag;
  const gbps = num('--gbps', values.gbps);
  const handshakes = num('--handshakes', values.handshakes);
  if (gbps === undefined) throw new CliUsageError('--gbps is required (the data rate to carry, Gbit/s)');
  if (handshakes === undefined) throw new CliUsageError('--handshakes is required (new connections a second)');
  const profile = values.profile ?? 'asic';
  const jsonPath = values.json === undefined ? undefined : resolve(values.json);
  if (jsonPath !== undefined) openOutput('--json', jsonPath);
  const minimize = values.minimize ?? 'area';
  let result: SizingResult;
  try {
    const engine = loadEngine(/^[a-z0-9][a-z0-9-]*$/.test(profile) ? profile : 'invalid name');
    const targets = {
      gbps,
      recordSize: num('--record-size', values['record-size']) ?? 1200,
      handshakesPerSecond: handshakes,
      group: values.group ?? 'P-256',
      suite: values.suite ?? 'TLS_AES_128_GCM_SHA256',
      profile,
      minimize: minimize as 'area' | 'power',
    };
    const options = {
      ...(values.connections !== undefined ? { connections: num('--connections', values.connections) ?? 0 } : {}),
      ...(values.records !== undefined ? { records: num('--records', values.records) ?? 0 } : {}),
      ...(values.replications !== undefined ? { replications: num('--replications', values.replications) ?? 0 } : {}),
      ...(values['max-candidates'] !== undefined
        ? { maxCandidates: num('--max-candidates', values['max-candidates']) ?? 0 }
        : {}),
      ...(values['clock-steps'] !== undefined ? { clockSteps: num('--clock-steps', values['clock-steps']) ?? 0 } : {}),
      seed: num('--seed', values.seed) ?? 1,
      ...(values.set !== undefined
        ? { device: hostParams(values.set.map((text) => parseSetting(text, '--set'))) }
        : {}),
    };
    const checked = checkTargets(targets);
    process.stdout.write(
      `dtls13 size: ${gbps} Gbit/s of ${targets.recordSize}-byte ${targets.suite.toUpperCase()} records and ${handshakes} ${targets.group} handshakes/s ` +
        `on engine ${profile} (spec/hw/engines/${profile}.yaml), the smallest by ${minimize}\n`,
    );
    if (values.quiet !== true)
      process.stdout.write(boundsText({ bounds: lowerBounds(checked, engine), targets: checked }, engine));
    let header = false;
    result = size(targets, engine, {
      ...options,
      onCandidate: (c) => {
        if (values.quiet === true) return;
        if (!header)
          process.stdout.write(`\nCandidates (each over its replications; ± is a 95% interval):\n${candidateHead()}\n`);
        header = true;
        process.stdout.write(`${candidateLine(c)}\n`);
      },
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      const option =
        e.option === 'profile' || e.option.startsWith('engines/') ? '--profile' : (FLAGS[e.option] ?? e.option);
      throw new CliUsageError(`${option}: ${e.reason}`);
    }
    throw e;
  }
  if (values.quiet !== true) process.stdout.write(`\n${clocksText(result)}`);
  process.stdout.write(`\n${answerText(result)}`);
  if (jsonPath !== undefined) {
    const { settings: _settings, ...doc } = result;
    writeFileSync(jsonPath, `${JSON.stringify({ format: 'dtls13-size', version: 1, ...doc }, null, 2)}\n`);
    process.stdout.write(`JSON written to ${jsonPath}\n`);
  }
  return result.answer === undefined ? 1 : 0;
}

/** The lower bounds (at the engine's own clock) and what each comes from, with the clock range the search tries. */
export function boundsText(r: Pick<SizingResult, 'bounds' | 'targets'>, engine?: Engine): string {
  const b = r.bounds;
  const mhz = (1e6 / b.clockPeriod).toFixed(0);
  const range = engine?.clock;
  const rows = [
    [
      'crypto_engine.clock_period',
      `= ${b.clockPeriod}ps`,
      range === undefined
        ? "the engine's clock (its file gives no range to search)"
        : `the engine's clock; the search tries ${mhzText(range.slowest)} to ${mhzText(range.fastest)} (${range.basis}), every cost in cycles of it`,
    ],
    [
      'crypto_engine.lanes',
      `≥ ${b.lanes}`,
      `${(b.recordsPerSecond / 1e6).toFixed(2)} M records/s × ${b.recordCycles} cycles (mask, AEAD open, command decode) at ${mhz} MHz`,
    ],
    [
      'crypto_engine.pk_lanes',
      `≥ ${b.pkLanes}`,
      `${r.targets.handshakesPerSecond} handshakes/s × ${b.handshakeCycles.toLocaleString('en-US')} cycles (key generation, derivation, signature)`,
    ],
    [
      'crypto_engine.dma_channels',
      `≥ ${b.dmaChannels}`,
      `${(b.recordsPerSecond / 1e6).toFixed(2)} M records/s × ${b.dmaBitsPerRecord} bits in and out at ${b.dmaBandwidth / 1e9} Gbit/s a channel`,
    ],
    [
      'record_layer.pipeline_depth',
      `= ${b.pipelineDepth}`,
      "Little's law (records/s × a record's least time in a slot) × 2, a power of two: slots cost no area here",
    ],
    [
      'record_layer.rx_ring_depth',
      `= ${b.rxRingDepth}`,
      'the spec default, doubled when the runs drop there; key_manager.key_slots = the connections',
    ],
  ];
  const w0 = Math.max(...rows.map((x) => x[0]!.length));
  const w1 = Math.max(...rows.map((x) => x[1]!.length));
  return `\nLower bounds (each resource 100% busy at the targets, from the cycle tables):\n${rows.map((x) => `  ${x[0]!.padEnd(w0)}  ${x[1]!.padEnd(w1)}  ${x[2]}`).join('\n')}\n`;
}

/** The clocks tried: each one's bounds' area and what the search did there. */
export function clocksText(r: Pick<SizingResult, 'clocks'>): string {
  const lines = r.clocks.map(
    (c) =>
      `  ${mhzText(c.clockPeriod).padStart(9)}  lanes ≥ ${c.bounds.lanes}, pk lanes ≥ ${c.bounds.pkLanes}: ${c.outcome}`,
  );
  return `Clocks (the smallest bounds first; lanes' area at the bounds):\n${lines.join('\n')}\n`;
}

function candidateHead(): string {
  return `  ${'MHz'.padStart(6)} ${'lanes'.padStart(5)} ${'pk'.padStart(4)} ${'dma'.padStart(4)} ${'depth'.padStart(5)}  ${'goodput Gbit/s'.padStart(16)}  ${'handshakes/s'.padStart(13)}  ${'dropped'.padStart(7)}  ${'power W'.padStart(15)}  ${'area'.padStart(9)}  next`;
}

/** One candidate as a table line. */
export function candidateLine(c: Candidate): string {
  const k = c.configuration;
  const areaKey = Object.keys(c.row.figures).find((n) => n.startsWith('area_'));
  return (
    `  ${(1e6 / k.clockPeriod).toFixed(0).padStart(6)} ${String(k.lanes).padStart(5)} ${String(k.pkLanes).padStart(4)} ${String(k.dmaChannels).padStart(4)} ${String(k.pipelineDepth).padStart(5)}  ` +
    `${fmt(c.row.goodputBitsPerSecond, 1e9, 2).padStart(16)}  ${fmt(c.handshakesPerSecond, 1, 0).padStart(13)}  ${fmt(c.row.dropped, 1, 0).padStart(7)}  ` +
    `${fmt(c.row.figures['power_w'], 1, 3).padStart(15)}  ${(areaKey === undefined ? '-' : `${fmt(c.row.figures[areaKey], 1, 0)} ${areaKey.slice(5)}`).padStart(9)}  ${c.next}`
  );
}

/** The answer, or the plain statement that there is none. */
export function answerText(r: SizingResult): string {
  const a = r.answer;
  if (a === undefined) return `No configuration found: ${r.verdict}\n`;
  const areaKey = Object.keys(a.row.figures).find((n) => n.startsWith('area_'));
  const unit = areaKey?.slice(5) as 'kGE' | 'mm2' | 'LUT' | undefined;
  const lines = [
    `Answer: ${r.verdict}`,
    `  --set ${r.settings(a.configuration).join(' --set ')}`,
    `  goodput          ${fmt(a.row.goodputBitsPerSecond, 1e9, 2)} Gbit/s in the steady window (target ${r.targets.gbps})`,
    `  handshakes/s     ${fmt(a.handshakesPerSecond, 1, 0)} kept up with (target ${r.targets.handshakesPerSecond}); p50 latency ${fmt(a.row.handshakeP50Us, 1, 0)} µs`,
    `  dropped          ${fmt(a.row.dropped, 1, 0)}; bottleneck ${a.row.bottleneck ?? 'none'} at ${fmt(a.row.bottleneckUtilization, 0.01, 0)}%`,
    `  clock            ${mhzText(a.configuration.clockPeriod)} (crypto_engine.clock_period=${a.configuration.clockPeriod}ps)`,
    `  power            ${a.row.figures['power_w'] === undefined ? '-' : `${fmt(a.row.figures['power_w'], 1, 3)} W`} (symmetric ${fmt(a.row.figures['power_w_symmetric'], 1, 3)} W, public-key ${fmt(a.row.figures['power_w_publicKey'], 1, 3)} W; dynamic ${fmt(a.row.figures['power_w_dynamic'], 1, 3)} W in the steady window, static ${fmt(a.row.figures['power_w_static'], 1, 4)} W)`,
    `  area             ${areaKey === undefined ? '-' : formatArea(a.row.figures[areaKey]?.mean ?? 0, unit)}`,
    `  (${a.row.goodputBitsPerSecond.values.length} replications; power ${formatPower(a.row.figures['power_w']?.mean ?? 0)} mean)`,
  ];
  return `${lines.join('\n')}\n`;
}
