/**
 * `dtls13 size`: the smallest configuration of the offload engine (by
 * area, or by power) that meets a data rate and a handshake rate, found
 * with the simulator. Bounded: at each clock tried (the engine's range,
 * `clock` in its file) it starts at the analytic lower bounds (bounds.ts),
 * simulates, and adds to the resource the report names as the bottleneck,
 * one step at a time, until the targets are met, a resource outside the
 * space limits the run, or the space or the step budget ends. A clock
 * whose bounds already take more area than an answer found is skipped.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { keyManagerDefaults } from '../../generated/tlm/index.js';
import type { HostParams } from '../model/host.js';
import { makeSimIdentity } from '../model/identity.js';
import type { SimulationOptions } from '../model/simulate.js';
import { runSweep, type Interval, type SweepRow } from '../model/sweep.js';
import { NEAR_SATURATION } from '../trace/index.js';
import { DEFAULT_PROFILE, US, type TimingProfile } from '../timing/index.js';
import type { Engine } from '../timing/engine-file.js';
import {
  boundArea,
  engineClock,
  lowerBounds,
  SPACE,
  type Configuration,
  type Knobs,
  type LowerBounds,
} from './bounds.js';
import { clockSteps, mhzText, periodText } from '../timing/engine-clock.js';
import { powerAreaFigures, runPowerArea } from './power-area.js';
import { checkTargets, type CheckedTargets, type SizingTargets } from './targets.js';

/** How the candidates are simulated. */
export interface SizingOptions {
  /** Connections of each run (opened at the handshake rate) and records each sends (defaults 400 and 400). */
  readonly connections?: number;
  readonly records?: number;
  /** Replications of each candidate (default 3), seeds `seed`.. */
  readonly replications?: number;
  readonly seed?: number;
  /** Simulated candidates at most at each clock (default 12). */
  readonly maxCandidates?: number;
  /**
   * Clocks tried over the engine's range (default 3), evenly spaced in
   * frequency; one, the engine's clock_period, when the engine gives no
   * range or `device` sets crypto_engine.clock_period.
   */
  readonly clockSteps?: number;
  /** Device parameters outside the space, held for every candidate (`--set memory.bandwidth=400Gbps`). */
  readonly device?: HostParams;
  /** Hears of each candidate simulated. */
  readonly onCandidate?: (c: Candidate) => void;
}

/** One configuration simulated, with what it measured. */
export interface Candidate {
  readonly configuration: Configuration;
  readonly row: SweepRow;
  /** Handshakes a second the device kept up with: connections / (their arrival span + the spread of handshake latencies), per run. */
  readonly handshakesPerSecond: Interval;
  readonly meets: { readonly gbps: boolean; readonly handshakes: boolean; readonly noDrops: boolean };
  /** What the search did next, and why. */
  readonly next: string;
}

/** One clock tried: its lower bounds and what the search did there. */
export interface ClockTrial {
  readonly clockPeriod: number;
  readonly bounds: LowerBounds;
  /** The area of the bounds' lanes: no configuration at this clock is smaller. */
  readonly boundArea: number;
  /** `searched` (its candidates are among `candidates`) or why it was not. */
  readonly outcome: string;
}

/** The outcome. */
export interface SizingResult {
  readonly targets: CheckedTargets;
  /** The lower bounds at the answer's clock (else the first clock tried). */
  readonly bounds: LowerBounds;
  /** The clocks tried, in the order searched. */
  readonly clocks: readonly ClockTrial[];
  readonly candidates: readonly Candidate[];
  /** The configuration chosen, or undefined when none in the space met the targets. */
  readonly answer: Candidate | undefined;
  /** Said plainly: why the search stopped. */
  readonly verdict: string;
  /** The device parameters of a candidate, as `dtls13 simulate --set` takes them. */
  readonly settings: (c: Configuration) => string[];
}

/** A candidate's device parameters. */
export function deviceOf(c: Configuration): HostParams {
  return {
    cryptoEngine: { lanes: c.lanes, pkLanes: c.pkLanes, dmaChannels: c.dmaChannels, clockPeriod: c.clockPeriod },
    recordLayer: { pipelineDepth: c.pipelineDepth, rxRingDepth: c.rxRingDepth },
  };
}

export function settingsOf(c: Configuration): string[] {
  return [
    `crypto_engine.lanes=${c.lanes}`,
    `crypto_engine.pk_lanes=${c.pkLanes}`,
    `crypto_engine.dma_channels=${c.dmaChannels}`,
    `record_layer.pipeline_depth=${c.pipelineDepth}`,
    `record_layer.rx_ring_depth=${c.rxRingDepth}`,
    `crypto_engine.clock_period=${periodText(c.clockPeriod)}`,
  ];
}

/** The knob a bottleneck names, and its next value (undefined: not a knob of the space). */
function grow(
  c: Configuration,
  bottleneck: string | null,
): { configuration: Configuration; knob: keyof Knobs } | undefined {
  const step = (n: number): number => n + Math.max(1, Math.ceil(n / 4));
  if (bottleneck === 'device.cryptoEngine.symmetric' || bottleneck === 'device.cryptoEngine.symmetricQueue')
    return { configuration: { ...c, lanes: step(c.lanes) }, knob: 'lanes' };
  if (bottleneck === 'device.cryptoEngine.publicKey' || bottleneck === 'device.cryptoEngine.publicKeyQueue')
    return { configuration: { ...c, pkLanes: step(c.pkLanes) }, knob: 'pkLanes' };
  if (bottleneck === 'device.cryptoEngine.dma')
    return { configuration: { ...c, dmaChannels: step(c.dmaChannels) }, knob: 'dmaChannels' };
  if (bottleneck === 'device.recordLayer.pipeline')
    return { configuration: { ...c, pipelineDepth: c.pipelineDepth * 2 }, knob: 'pipelineDepth' };
  if (bottleneck === 'device.recordLayer.rxRing')
    return { configuration: { ...c, rxRingDepth: c.rxRingDepth * 2 }, knob: 'rxRingDepth' };
  return undefined;
}

/** The engine's units whose lanes or channels the space sizes. */
const UNITS = ['device.cryptoEngine.dma', 'device.cryptoEngine.symmetric', 'device.cryptoEngine.publicKey'] as const;

const KNOB_NAMES: Readonly<Record<keyof Knobs, string>> = {
  lanes: 'crypto_engine.lanes',
  pkLanes: 'crypto_engine.pk_lanes',
  dmaChannels: 'crypto_engine.dma_channels',
  pipelineDepth: 'record_layer.pipeline_depth',
  rxRingDepth: 'record_layer.rx_ring_depth',
};

/**
 * Searches for the smallest configuration meeting `targets` on `engine`
 * (which must give power and area). ConfigError for a bad target or option.
 */
export function size(targetsIn: SizingTargets, engine: Engine, options: SizingOptions = {}): SizingResult {
  const targets = checkTargets(targetsIn);
  if (engine.area.symmetric.perLane === undefined || engine.power === undefined)
    throw new ConfigError('profile', `engine '${engine.name}' gives no power and area figures to minimize`);
  const run: RunSettings = {
    connections: whole('connections', options.connections ?? 400, 1, 100_000),
    records: whole('records', options.records ?? 400, 1, 100_000),
    replications: whole('replications', options.replications ?? 3, 1, 30),
    maxCandidates: whole('maxCandidates', options.maxCandidates ?? 12, 1, 100),
  };
  const steps = whole('clockSteps', options.clockSteps ?? 3, 1, 16);
  const pinned = options.device?.cryptoEngine?.clockPeriod;
  const periods =
    pinned !== undefined
      ? [pinned]
      : engine.clock === undefined
        ? [engineClock(engine)]
        : clockSteps(engine.clock, steps);
  // The clock whose bounds take the least area first (the fastest of equals): an answer there prunes the others.
  const order = periods
    .map((clockPeriod) => {
      const bounds = lowerBounds(targets, engine, clockPeriod);
      return { clockPeriod, bounds, boundArea: boundArea(bounds, engine) };
    })
    .sort((a, b) => a.boundArea - b.boundArea || a.clockPeriod - b.clockPeriod);
  const clocks: ClockTrial[] = [];
  const candidates: Candidate[] = [];
  const answers: { answer: Candidate; met: number }[] = [];
  let firstWhy: string | undefined;
  // A faster clock stopped by a resource outside the space (memory, a link) or by the workload: a slower one does not relieve it.
  let outside: { clockPeriod: number; why: string } | undefined;
  for (const o of order) {
    const best = pick(
      answers.map((a) => a.answer),
      targets.minimize,
    );
    if (outside !== undefined && o.clockPeriod > outside.clockPeriod) {
      clocks.push({
        ...o,
        outcome: `skipped: at ${mhzText(outside.clockPeriod)} the search stopped outside the space or at the workload, which a slower clock does not relieve`,
      });
      continue;
    }
    if (best !== undefined && o.boundArea > areaOf(best)) {
      clocks.push({
        ...o,
        outcome: `skipped: its lower bounds take ${o.boundArea.toLocaleString('en-US')}, more than the ${areaOf(best).toLocaleString('en-US')} met`,
      });
      continue;
    }
    const out = searchAtClock(targets, engine, o.bounds, run, options);
    candidates.push(...out.candidates);
    if (out.answer !== undefined) answers.push({ answer: out.answer, met: out.met });
    else firstWhy ??= out.why;
    // Stopped outside the space, or by a workload that offers too little: neither is the engine clock's to change.
    const notTheClock = out.why.endsWith('outside the space') || out.why.includes('the workload offers only');
    if (out.answer === undefined && notTheClock && (outside === undefined || o.clockPeriod < outside.clockPeriod))
      outside = { clockPeriod: o.clockPeriod, why: out.why };
    clocks.push({
      ...o,
      outcome:
        out.answer === undefined
          ? `searched: ${out.why}`
          : `searched: met at ${areaOf(out.answer).toLocaleString('en-US')}`,
    });
  }
  const answer = pick(
    answers.map((a) => a.answer),
    targets.minimize,
  );
  const at = order.find((o) => o.clockPeriod === answer?.configuration.clockPeriod) ?? order[0]!;
  const result = (verdict: string): SizingResult => ({
    targets,
    bounds: at.bounds,
    clocks,
    candidates,
    answer,
    verdict,
    settings: settingsOf,
  });
  if (answer !== undefined) {
    const met = answers.reduce((n, a) => n + a.met, 0);
    return result(
      `met by ${settingsOf(answer.configuration).join(' ')} at ${mhzText(answer.configuration.clockPeriod)} (the smallest by ${targets.minimize} of ${met} that met them, over ${clocks.length} clock${clocks.length === 1 ? '' : 's'})`,
    );
  }
  return result(`no configuration in the space meets the targets: ${firstWhy ?? 'nothing was simulated'}`);
}

/** How each candidate is simulated. */
interface RunSettings {
  readonly connections: number;
  readonly records: number;
  readonly replications: number;
  readonly maxCandidates: number;
}

/**
 * The best of `answers`: by area, the slower clock of equals (more timing
 * margin), then power; by power, then area.
 */
function pick(answers: readonly Candidate[], minimize: 'area' | 'power'): Candidate | undefined {
  const power = (x: Candidate): number => x.row.figures['power_w']?.mean ?? Infinity;
  const better = (a: Candidate, b: Candidate): boolean =>
    minimize === 'power'
      ? power(b) < power(a) || (power(b) === power(a) && areaOf(b) < areaOf(a))
      : areaOf(b) < areaOf(a) ||
        (areaOf(b) === areaOf(a) &&
          (b.configuration.clockPeriod > a.configuration.clockPeriod ||
            (b.configuration.clockPeriod === a.configuration.clockPeriod && power(b) < power(a))));
  return answers.reduce<Candidate | undefined>((a, b) => (a === undefined || better(a, b) ? b : a), undefined);
}

/** The search at one clock, from its bounds: the candidates, the best that met the targets (and how many did), or why none. */
function searchAtClock(
  targets: CheckedTargets,
  engine: Engine,
  bounds: LowerBounds,
  run: RunSettings,
  options: SizingOptions,
): { candidates: Candidate[]; answer: Candidate | undefined; met: number; why: string } {
  const { connections, records, replications, maxCandidates } = run;
  for (const knob of Object.keys(SPACE) as (keyof Knobs)[])
    if (bounds[knob] > SPACE[knob])
      return {
        candidates: [],
        answer: undefined,
        met: 0,
        why: `at ${mhzText(bounds.clockPeriod)} ${KNOB_NAMES[knob]} would need at least ${bounds[knob]} at 100% busy, and the space allows ${SPACE[knob]}`,
      };

  const profile: TimingProfile = {
    ...DEFAULT_PROFILE,
    crypto: { ...DEFAULT_PROFILE.crypto, accelerated: engine.table },
  };
  const base: SimulationOptions = {
    connections,
    records,
    payloadBytes: targets.recordSize,
    suite: targets.cipherSuite,
    group: targets.keyExchange,
    identity: makeSimIdentity(targets.certificate),
    arrivalRate: targets.handshakesPerSecond,
    // Fast links: the device, not the network, sets the pace (docs/hwmodel-sizing.md).
    latency: 5 * US,
    bandwidth: Math.max(400e9, targets.gbps * 4e9),
    hwAccel: true,
    profile,
    seed: options.seed ?? 1,
    // A key slot for every connection: the contexts stay on the device (key slots cost no area in this model).
    device: {
      ...options.device,
      keyManager: { keySlots: Math.max(keyManagerDefaults.keySlots, connections), ...options.device?.keyManager },
    },
  };
  const candidates: Candidate[] = [];
  let c: Configuration = {
    lanes: bounds.lanes,
    pkLanes: bounds.pkLanes,
    dmaChannels: bounds.dmaChannels,
    pipelineDepth: bounds.pipelineDepth,
    rxRingDepth: bounds.rxRingDepth,
    clockPeriod: bounds.clockPeriod,
  };
  let feasible: Candidate[] = [];
  // With --minimize power, the first configuration that meets the targets and up to two steps beyond it are compared.
  const extra = targets.minimize === 'power' ? 2 : 0;
  while (candidates.length < maxCandidates) {
    const [row] = runSweep(
      base,
      [{ label: settingsOf(c).join(' '), device: deviceOf(c) }],
      replications,
      undefined,
      (r, device) => ({
        ...powerAreaFigures(runPowerArea(engine, device, r)),
        handshakes_per_s: handshakeRate(r.report.handshakes.latencyUs, connections, targets.handshakesPerSecond),
      }),
    );
    if (row === undefined) break;
    const hs = row.figures['handshakes_per_s'] ?? { mean: 0, halfWidth: 0, values: [] };
    const meets = {
      gbps: row.goodputBitsPerSecond.mean >= targets.gbps * 1e9,
      handshakes: hs.mean >= 0.9 * targets.handshakesPerSecond,
      noDrops: row.dropped.mean === 0,
    };
    const ok = meets.gbps && meets.handshakes && meets.noDrops;
    if (ok) feasible = [...feasible, { configuration: c, row, handshakesPerSecond: hs, meets, next: '' }];
    // The next step: the bottleneck's knob; with the handshakes short and the public-key unit not named, its lanes.
    // A bottleneck only when it presses: drops or held-back work, or near saturation; else the device has headroom.
    const pressed = row.dropped.mean > 0 || row.heldBack.mean > 0 || row.bottleneckUtilization.mean >= NEAR_SATURATION;
    // A unit of the space at 80% busy or more is grown before the resource the report names: when a saturated DMA
    // backs the pipeline up, the report's trace from the dropping ring can end at the symmetric queue instead.
    const saturated = UNITS.map((u) => ({ u, busy: row.utilization[u]?.mean ?? 0 }))
      .filter((x) => x.busy >= NEAR_SATURATION)
      .sort((a, b) => b.busy - a.busy)[0]?.u;
    const named = pressed ? (saturated ?? row.bottleneck) : null;
    // Handshakes not kept up with while nothing drops: the public-key lanes.
    const pkShort =
      !meets.handshakes && meets.noDrops && (row.utilization['device.cryptoEngine.publicKey']?.mean ?? 0) > 0;
    let grown = pkShort ? grow(c, 'device.cryptoEngine.publicKey') : grow(c, named);
    // The named resource outside the space, the handshakes short: the public-key lanes are still the space's to grow.
    if (grown === undefined && !meets.handshakes && (row.utilization['device.cryptoEngine.publicKey']?.mean ?? 0) > 0)
      grown = grow(c, 'device.cryptoEngine.publicKey');
    // Comparing power past the first configuration that meets the targets: the busiest unit grows, pressed or not.
    if (grown === undefined && ok) grown = grow(c, row.bottleneck);
    // Public-key lanes that did not raise the handshake rate will not: what holds the handshakes is elsewhere.
    const previous = candidates[candidates.length - 1];
    const stalled =
      !meets.handshakes &&
      grown?.knob === 'pkLanes' &&
      previous !== undefined &&
      previous.configuration.pkLanes < c.pkLanes &&
      hs.mean <= previous.handshakesPerSecond.mean + previous.handshakesPerSecond.halfWidth;
    let next: string;
    if (ok && feasible.length > extra) next = 'meets the targets: stop';
    else if (stalled)
      next = `more public-key lanes did not raise the handshakes (${hs.mean.toFixed(0)}/s): they are held by ${row.bottleneck ?? 'something'}, outside the space: stop`;
    else if (grown === undefined && named === null && !ok)
      next = `the device has headroom (busiest ${row.bottleneck ?? 'none'} at ${(row.bottleneckUtilization.mean * 100).toFixed(0)}%) and the workload offers only ${(row.goodputBitsPerSecond.mean / 1e9).toFixed(2)} Gbit/s: more --connections or --records offer more: stop`;
    else if (grown === undefined) next = `limited by ${named ?? 'nothing in the device'}, outside the space: stop`;
    else if (grown.configuration[grown.knob] > SPACE[grown.knob])
      next = `${KNOB_NAMES[grown.knob]} would pass ${SPACE[grown.knob]}: stop`;
    else
      next = `${ok ? 'meets the targets; ' : ''}${KNOB_NAMES[grown.knob]} → ${grown.configuration[grown.knob]} (${pkShort ? 'handshakes short' : `bottleneck ${named ?? row.bottleneck ?? 'none'}`})`;
    const candidate: Candidate = { configuration: c, row, handshakesPerSecond: hs, meets, next };
    candidates.push(candidate);
    options.onCandidate?.(candidate);
    if (ok) feasible[feasible.length - 1] = candidate;
    if (next.endsWith('stop') || grown === undefined) break;
    c = grown.configuration;
  }
  const answer = pick(feasible, targets.minimize);
  const last = candidates[candidates.length - 1];
  const why =
    last === undefined
      ? 'nothing was simulated'
      : last.next.endsWith(': stop')
        ? `${settingsOf(last.configuration).join(' ')}: ${last.next.slice(0, -': stop'.length)}`
        : candidates.length >= maxCandidates
          ? `the step budget (${maxCandidates} candidates) ran out`
          : last.next;
  return { candidates, answer, met: feasible.length, why };
}

function areaOf(c: Candidate): number {
  const k = Object.keys(c.row.figures).find((n) => n.startsWith('area_'));
  return k === undefined ? Infinity : (c.row.figures[k]?.mean ?? Infinity);
}

/**
 * The handshake rate a run kept up with: the connections over the span
 * their handshakes completed in (the arrival span, connections / rate,
 * plus the spread of their latencies, p99 − p50). A public-key unit that
 * cannot keep up makes later handshakes wait longer and the spread grow.
 */
export function handshakeRate(
  latencyUs: { readonly p50: number; readonly p99: number } | null,
  connections: number,
  rate: number,
): number {
  if (latencyUs === null) return 0;
  return connections / (connections / rate + Math.max(0, latencyUs.p99 - latencyUs.p50) / 1e6);
}

function whole(option: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ConfigError(option, `must be a whole number from ${min} to ${max}, got ${String(v)}`);
  return v;
}
