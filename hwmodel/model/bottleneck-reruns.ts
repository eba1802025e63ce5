/**
 * `simulate`'s bottleneck proven by growing each suspect (the method of
 * hwmodel/sizing/workload/counterfactual.ts, on the same seed): the
 * suspects come from the run's rule-based reading, each is grown one step
 * (hwmodel/trace/bottleneck-growth.ts says how far) and the run made again
 * with every other option the same; the verdict names the resource whose
 * growth moved the run most, or none: the offered load sets the rate.
 * Costs one run per suspect grown, at most `maxSuspects`; none when the
 * rule-based reading finds headroom (nothing pressed: nothing to prove).
 */
import {
  connectionManagerDefaults,
  cryptoEngineDefaults,
  handshakeEngineDefaults,
  keyManagerDefaults,
  memoryDefaults,
  networkChannelDefaults,
  recordLayerDefaults,
} from '../../generated/tlm/index.js';
import { ConfigError } from '../../runtime/config-error.js';
import { pairedChange } from '../sizing/workload/counterfactual.js';
import { DEFAULT_PROFILE } from '../timing/index.js';
import {
  DEFAULT_SUSPECTS,
  GROWTH_FACTOR,
  GROWTH_FIGURES,
  movedBy,
  nameByGrowth,
  type GrowthEffect,
  type GrowthFigure,
  type GrowthVerdict,
} from '../trace/bottleneck-growth.js';
import type { HostParams } from './host.js';
import { simulate, type SimulationOptions, type SimulationResult } from './simulate.js';

/** Lower is better for these figures. */
const LOWER_BETTER: Readonly<Record<GrowthFigure, boolean>> = { throughput: false, drops: true, latency: true };

/** The figures a growth is judged on, from a run. */
export function growthFigures(r: SimulationResult): Record<GrowthFigure, number> {
  const report = r.report;
  return {
    throughput: report.throughput.runGoodputBytesPerSecond,
    drops: report.buffers.reduce((n, b) => n + b.dropped, 0),
    latency: report.tail?.completionUs.p50 ?? report.handshakes.latencyUs?.p50 ?? 0,
  };
}

const DEFAULTS: Readonly<Record<keyof HostParams, object>> = {
  connectionManager: connectionManagerDefaults,
  cryptoEngine: cryptoEngineDefaults,
  handshakeEngine: handshakeEngineDefaults,
  keyManager: keyManagerDefaults,
  memory: memoryDefaults,
  networkChannel: networkChannelDefaults,
  recordLayer: recordLayerDefaults,
};

/** The parameter grown for a module (spec/hw names); buffers carry their own (`knob`). */
const MODULE_KNOBS: Readonly<Record<string, string>> = {
  'device.cryptoEngine.symmetric': 'crypto_engine.lanes',
  'device.cryptoEngine.publicKey': 'crypto_engine.pk_lanes',
  'device.cryptoEngine.dma': 'crypto_engine.dma_channels',
  'device.memory': 'memory.bandwidth',
  'device.handshakeEngine': 'handshake_engine.concurrent_handshakes',
  'device.recordLayer': 'record_layer.pipeline_depth',
  'device.keyManager': 'key_manager.derivation_cost',
  'device.connectionManager': 'connection_manager.table_lookup_cost',
  'device.networkChannel': 'network_channel.bandwidth',
  'clients.networkChannel': 'the clients\u2019 link bandwidth',
  'device.cryptoEngine': 'the software crypto lanes',
  cpu: 'the software crypto lanes',
};

/** A DMA channel of a round-robin pool is grown as the pool. */
const CHANNEL = /^(.+)\.ch\d+$/;

const camel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** One suspect's growth: the knob, its value before and after, and the options of the run grown. */
interface Growth {
  readonly knob: string;
  readonly from: number;
  readonly to: number;
  readonly options: SimulationOptions;
}

/** How `resource` is grown on `options`, or why it cannot be. */
export function growthOf(resource: string, knob: string | undefined, options: SimulationOptions): Growth | string {
  const name = knob ?? MODULE_KNOBS[CHANNEL.exec(resource)?.[1] ?? resource];
  if (name === undefined) return 'no parameter grows it';
  const profile = options.profile ?? DEFAULT_PROFILE;
  if (name === 'the software crypto lanes') {
    const from = profile.crypto.software.lanes;
    const to = from * GROWTH_FACTOR;
    const grown = { ...profile, crypto: { ...profile.crypto, software: { ...profile.crypto.software, lanes: to } } };
    return { knob: name, from, to, options: { ...options, profile: grown } };
  }
  if (name === 'the clients\u2019 link bandwidth') {
    const from = options.bandwidth ?? networkChannelDefaults.bandwidth;
    const device = options.device ?? {};
    // The device's egress keeps its own bandwidth: only the link into the device grows.
    const networkChannel = { bandwidth: from, ...device.networkChannel };
    return {
      knob: name,
      from,
      to: from * GROWTH_FACTOR,
      options: { ...options, bandwidth: from * GROWTH_FACTOR, device: { ...device, networkChannel } },
    };
  }
  const [module, param] = name.split('.').map(camel) as [keyof HostParams, string];
  const defaults = DEFAULTS[module] as Readonly<Record<string, unknown>> | undefined;
  if (defaults === undefined || !(param in defaults)) return `${name} is not a device parameter`;
  const device = options.device ?? {};
  const current: Readonly<Record<string, unknown>> = device[module] ?? {};
  const from = (current[param] ?? defaults[param]) as number;
  // A time is a cost: halved. The key slots: every connection's context held (a cache one step larger may miss as often).
  const to = param.endsWith('Cost')
    ? Math.round(from / GROWTH_FACTOR)
    : param === 'keySlots'
      ? Math.max(from * GROWTH_FACTOR, options.connections ?? 100)
      : from * GROWTH_FACTOR;
  return {
    knob: name,
    from,
    to,
    options: { ...options, device: { ...device, [module]: { ...current, [param]: to } } },
  };
}

/**
 * The suspects of a run, most suspected first, one per knob: the rule-based
 * reading's resource and the chain to it, the resources pressed, the
 * buffers that dropped or held work back, then the modules by utilization
 * in the window and the buffers by occupancy.
 */
export function suspectsOf(r: SimulationResult): { resource: string; knob: string | undefined }[] {
  const report = r.report;
  const b = report.bottleneck;
  const knobs = new Map((r.run.buffers ?? []).map((f) => [f.name, f.knob]));
  const occupancy = (name: string): number => {
    const f = report.buffers.find((x) => x.name === name);
    return f === undefined || f.capacity === 0 ? 0 : f.windowMeanOccupancy / f.capacity;
  };
  const names = [
    ...(b === null ? [] : [b.module, ...[...b.chain].reverse()]),
    ...report.pressed,
    ...report.buffers.filter((f) => f.dropped > 0 || (f.blocked > 0 && f.evicted === 0)).map((f) => f.name),
    ...[...report.modules]
      .filter((m) => m.utilization > 0)
      .sort((x, y) => y.utilization - x.utilization)
      .map((m) => m.name),
    ...report.buffers
      .filter((f) => occupancy(f.name) > 0)
      .sort((x, y) => occupancy(y.name) - occupancy(x.name))
      .map((f) => f.name),
  ];
  const out: { resource: string; knob: string | undefined }[] = [];
  const seen = new Set<string>();
  for (const resource of names) {
    const knob = knobs.get(resource);
    const key = knob ?? MODULE_KNOBS[CHANNEL.exec(resource)?.[1] ?? resource] ?? resource;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ resource, knob });
  }
  return out;
}

/** What {@link proveByGrowth} may be told. */
export interface GrowthOptions {
  /** Suspects grown at most (default {@link DEFAULT_SUSPECTS}). */
  readonly maxSuspects?: number;
  /** Hears of each growth run made (progress). */
  readonly onRun?: (done: number, total: number) => void;
}

/**
 * Grows the suspects of `result` (made with `options`), each in a run of
 * its own on the same seed, and names the bottleneck by what moved.
 */
export function proveByGrowth(
  options: SimulationOptions,
  result: SimulationResult,
  settings: GrowthOptions = {},
): GrowthVerdict {
  const before = growthFigures(result);
  // Nothing pressed: nothing to prove, and no run to pay for.
  if (result.report.headroom) return nameByGrowth(before, [], [], 0, true);
  const max = settings.maxSuspects ?? DEFAULT_SUSPECTS;
  const effects: GrowthEffect[] = [];
  const skipped: { resource: string; reason: string }[] = [];
  // The reruns are plain runs: none of the first run's outputs (trace files, progress) again.
  const {
    vcd: _vcd,
    trace: _trace,
    engineTrace: _engineTrace,
    progress: _progress,
    onProgress: _onProgress,
    ...plain
  } = options;
  const suspects = suspectsOf(result);
  const growable: { resource: string; growth: Growth }[] = [];
  for (const s of suspects) {
    if (growable.length >= max) break;
    const g = growthOf(s.resource, s.knob, plain);
    if (typeof g === 'string') skipped.push({ resource: s.resource, reason: g });
    else if (g.to === g.from) skipped.push({ resource: s.resource, reason: `${g.knob} cannot grow from ${g.from}` });
    else growable.push({ resource: s.resource, growth: g });
  }
  let wallMs = 0;
  for (const { resource, growth } of growable) {
    let grown: SimulationResult;
    try {
      grown = simulate(growth.options);
    } catch (e) {
      // A parameter at its maximum (spec/hw's range) is not grown.
      if (e instanceof ConfigError) {
        skipped.push({ resource, reason: `${growth.knob} at ${growth.from} cannot grow: ${e.message}` });
        continue;
      }
      throw e;
    }
    wallMs += grown.wallMs;
    settings.onRun?.(effects.length + 1, growable.length);
    const after = growthFigures(grown);
    // Each figure's change paired on the one seed (the size proof pairs its seeds the same way).
    const change = Object.fromEntries(
      GROWTH_FIGURES.map((f) => [f, pairedChange([before[f]], [after[f]], LOWER_BETTER[f]).improvement.mean]),
    ) as Record<GrowthFigure, number>;
    const moved = movedBy(change);
    effects.push({ resource, knob: growth.knob, from: growth.from, to: growth.to, change, after, moved });
  }
  return nameByGrowth(before, effects, skipped, wallMs);
}
