/**
 * The end-of-run report: handshake latency percentiles, goodput, record
 * rate over the data-transfer time, the tail (slowest connection),
 * per-module utilization, queue depths and waiting share, and the
 * bottleneck (the network link a candidate, queueing counted), as a
 * JSON object with stable field names (documented in hwmodel/DESIGN.md,
 * "Timing and trace") and as a text table for the terminal.
 */
import { SEC, US } from '../kernel/time.js';
import type { SimTime } from '../kernel/time.js';
import { summarize } from './percentile.js';
import type { Summary } from './percentile.js';

/** Per-module figures the report takes (an {@link ModuleStats} from the activity monitor fits). */
export interface ModuleFigures {
  readonly name: string;
  readonly capacity: number;
  readonly busyTime: SimTime;
  readonly utilization: number;
  readonly queue: { readonly max: number; readonly mean: number; readonly timeWeightedMean: number };
  /** The lane pool's counters: requests, waitPs, servicePs, admissionWaitPs (hwmodel/model/lanes.ts). */
  readonly counters?: Readonly<Record<string, number>>;
}

/**
 * A bounded buffer of the device (hwmodel/model/buffers.ts): the RX ring
 * (drops when full), the record pipeline's slots, the crypto engine's
 * intake (hold the caller back). Counted over the statistics window.
 */
export interface BufferFigures {
  readonly name: string;
  readonly capacity: number;
  /** `drop`: an arrival at a full buffer is lost; `block`: it waits for a slot (back-pressure). */
  readonly policy: 'drop' | 'block';
  readonly entered: number;
  readonly dropped: number;
  /** Arrivals held back (a full buffer, or, at the crypto intake, a command ahead of them blocked: head-of-line). */
  readonly blocked: number;
  /** Their total time held back (ps). */
  readonly blockedTime: SimTime;
  readonly maxOccupancy: number;
  /** Time-weighted mean occupancy. */
  readonly meanOccupancy: number;
  /** Of `blocked`, those held only behind another command (their own unit had room): head-of-line blocking. */
  readonly headOfLine?: number;
}

/** What a simulation run measured. */
export interface RunResult {
  /** Simulated time the figures cover (ps); utilizations are over it. */
  readonly duration: SimTime;
  /** One latency (ps) per completed handshake: the client opening the connection (building its ClientHello) to handshake complete. */
  readonly handshakeLatencies: readonly SimTime[];
  readonly handshakesFailed?: number;
  /** Application data bytes delivered to the receiving application. */
  readonly applicationBytes: number;
  /** Records processed. */
  readonly records: number;
  readonly modules: readonly ModuleFigures[];
  /**
   * The data-transfer time (ps) goodput and the record rate are over: the
   * union, over the connections, of [the client starting to write its
   * records, the last of them delivered]. Absent: `duration`.
   */
  readonly dataTime?: SimTime;
  /** Per connection that delivered application data: its index and its completion time (ps), opened to last application byte delivered. */
  readonly completions?: readonly { readonly connection: number; readonly time: SimTime }[];
  /** The device's bounded buffers (absent or empty on the software platform). */
  readonly buffers?: readonly BufferFigures[];
}

/** Utilization at or above which the bottleneck is called saturated. */
export const SATURATION = 0.9;

/** Utilization at or above which a module (the link included) is near saturation: the report then claims no headroom. */
export const NEAR_SATURATION = 0.8;

/**
 * Waiting share (requests' time waiting for a lane / their time waiting and
 * being served) at or above which a module may be queueing: its requests
 * wait three times as long as they are served or more, however low its
 * utilization over the whole run (a burst it could not serve as fast as it
 * came). A steady M/M/1 queue's waiting share equals its utilization, so
 * this is about the waiting of a module near saturation.
 */
export const QUEUEING_SHARE = 0.75;

/**
 * Time-weighted mean queue (the requests' total wait / the run) a queueing
 * module has at least: half a request waiting on average. Below it the
 * waits are sporadic (the datagrams of one flight behind each other on an
 * otherwise idle link), however large a share of their time they are.
 */
export const QUEUEING_MIN_QUEUE = 0.5;

/** The bottleneck rule, as the report states it. */
export const BOTTLENECK_RULE =
  'the module (the network link included) with the highest utilization (busy lane-time / (lanes × duration)) when one is at 80% or more; ' +
  'otherwise the queueing module (requests waiting 75% or more of their time there, the queue ≥ 0.5 on average) with the largest time-weighted queue; ' +
  'otherwise the one with the highest utilization; ties go to the larger time-weighted queue depth, then the name first in alphabetical order; ' +
  'none when no module was busy';

/** Why the bottleneck was named: `saturated` (≥ 90%), `near-saturation` (≥ 80%), `queueing` (by its waits), or merely the `busiest`. */
export type BottleneckReason = 'saturated' | 'near-saturation' | 'queueing' | 'busiest';

/** The report as JSON (format `dtls13-simulation-report`, version 1). Times in µs, rates per second of data transfer. */
export interface SimulationReport {
  readonly format: 'dtls13-simulation-report';
  readonly version: 1;
  readonly durationUs: number;
  readonly handshakes: {
    readonly completed: number;
    readonly failed: number;
    /** Nearest-rank percentiles; null when none completed. */
    readonly latencyUs: Summary | null;
  };
  readonly throughput: {
    readonly applicationBytes: number;
    readonly records: number;
    /** Per second of data transfer (`dataTimeUs`), not of the whole run: a straggler's idle timers do not dilute it. */
    readonly goodputBytesPerSecond: number;
    readonly recordsPerSecond: number;
    /** The time goodput and the record rate are over (the union of the connections' data phases; the duration when not measured). */
    readonly dataTimeUs: number;
    /** Application bytes over the whole simulated time (`durationUs`). */
    readonly runGoodputBytesPerSecond: number;
  };
  /** The connections' completion times (opened to last application byte delivered), and the slowest: the tail, reported apart from goodput; null when no connection delivered data or none were tracked. */
  readonly tail: { readonly completionUs: Summary; readonly slowest: { readonly connection: number; readonly completionUs: number } } | null;
  /** Sorted by name. */
  readonly modules: readonly {
    readonly name: string;
    readonly lanes: number;
    readonly utilization: number;
    readonly busyTimeUs: number;
    readonly queueMax: number;
    readonly queueMean: number;
    readonly queueTimeWeightedMean: number;
    /** Requests served, and the time they spent: waiting for a lane, being served, held back before acceptance (back-pressure), all µs. */
    readonly requests: number;
    readonly waitUs: number;
    readonly serviceUs: number;
    readonly admissionWaitUs: number;
    /** waitUs / (waitUs + serviceUs); without counters, the time-weighted queue over it and the busy lanes. */
    readonly waitingShare: number;
  }[];
  readonly bottleneck: {
    readonly module: string;
    readonly utilization: number;
    readonly saturated: boolean;
    readonly reason: BottleneckReason;
    readonly waitingShare: number;
    readonly rule: string;
  } | null;
  /**
   * True when no module (the link included) is near saturation (≥ 80%) and
   * none is queueing: only then does the report say the device has headroom.
   */
  readonly headroom: boolean;
  /** Modules other than the bottleneck that are near saturation or queueing, by name. */
  readonly pressed: readonly string[];
  /**
   * The device's bounded buffers, sorted by name: capacity, policy (`drop`
   * or `block`), what entered, what was dropped, what was held back and
   * for how long (µs; `headOfLine`: held only behind another command), the
   * largest and the time-weighted mean occupancy. Empty on the software platform.
   */
  readonly buffers: readonly {
    readonly name: string;
    readonly capacity: number;
    readonly policy: 'drop' | 'block';
    readonly entered: number;
    readonly dropped: number;
    readonly blocked: number;
    readonly blockedUs: number;
    readonly headOfLine: number;
    readonly maxOccupancy: number;
    readonly meanOccupancy: number;
  }[];
}

/** Builds the JSON report from a run's result. */
export function buildReport(run: RunResult): SimulationReport {
  if (!Number.isSafeInteger(run.duration) || run.duration < 0)
    throw new RangeError(`run duration must be a non-negative integer number of ps, got ${String(run.duration)}`);
  const dataTime = run.dataTime ?? run.duration;
  if (!Number.isSafeInteger(dataTime) || dataTime < 0)
    throw new RangeError(`run data time must be a non-negative integer number of ps, got ${String(dataTime)}`);
  const seconds = run.duration / SEC;
  const dataSeconds = dataTime / SEC;
  const latency = summarize(run.handshakeLatencies.map((t) => t / US));
  const modules = [...run.modules]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((m) => ({
      name: m.name,
      lanes: m.capacity,
      utilization: m.utilization,
      busyTimeUs: m.busyTime / US,
      queueMax: m.queue.max,
      queueMean: m.queue.mean,
      queueTimeWeightedMean: m.queue.timeWeightedMean,
      requests: m.counters?.['requests'] ?? 0,
      waitUs: (m.counters?.['waitPs'] ?? 0) / US,
      serviceUs: (m.counters?.['servicePs'] ?? 0) / US,
      admissionWaitUs: (m.counters?.['admissionWaitPs'] ?? 0) / US,
      waitingShare: waitingShare(m),
    }));
  const top = findBottleneck(run.modules);
  const reason = top === undefined ? undefined : pressure(top);
  const pressed = run.modules
    .filter((m) => m !== top && pressure(m) !== 'busiest')
    .map((m) => m.name)
    .sort();
  const completions = run.completions ?? [];
  const slowest = completions.reduce<(typeof completions)[number] | undefined>((a, c) => (a === undefined || c.time > a.time ? c : a), undefined);
  const completionUs = summarize(completions.map((c) => c.time / US));
  return {
    format: 'dtls13-simulation-report',
    version: 1,
    durationUs: run.duration / US,
    handshakes: { completed: run.handshakeLatencies.length, failed: run.handshakesFailed ?? 0, latencyUs: latency ?? null },
    throughput: {
      applicationBytes: run.applicationBytes,
      records: run.records,
      goodputBytesPerSecond: dataSeconds === 0 ? 0 : run.applicationBytes / dataSeconds,
      recordsPerSecond: dataSeconds === 0 ? 0 : run.records / dataSeconds,
      dataTimeUs: dataTime / US,
      runGoodputBytesPerSecond: seconds === 0 ? 0 : run.applicationBytes / seconds,
    },
    tail:
      slowest === undefined || completionUs === undefined
        ? null
        : { completionUs, slowest: { connection: slowest.connection, completionUs: slowest.time / US } },
    modules,
    bottleneck:
      top === undefined || reason === undefined
        ? null
        : {
            module: top.name,
            utilization: top.utilization,
            saturated: top.utilization >= SATURATION,
            reason,
            waitingShare: waitingShare(top),
            rule: BOTTLENECK_RULE,
          },
    headroom: reason === undefined || reason === 'busiest',
    pressed,
    buffers: [...(run.buffers ?? [])]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => ({
        name: f.name,
        capacity: f.capacity,
        policy: f.policy,
        entered: f.entered,
        dropped: f.dropped,
        blocked: f.blocked,
        blockedUs: f.blockedTime / US,
        headOfLine: f.headOfLine ?? 0,
        maxOccupancy: f.maxOccupancy,
        meanOccupancy: f.meanOccupancy,
      })),
  };
}

/**
 * The share of its requests' time a module's requests spent waiting for a
 * lane: from the lane pool's counters (the breakdown's "Waiting" column),
 * or, without them, from the time-weighted queue (total wait / duration)
 * against the busy lanes (total service / duration).
 */
export function waitingShare(m: ModuleFigures): number {
  const wait = m.counters?.['waitPs'];
  const service = m.counters?.['servicePs'];
  if (wait !== undefined && service !== undefined && (m.counters?.['requests'] ?? 0) > 0) return wait + service > 0 ? wait / (wait + service) : 0;
  const queued = m.queue.timeWeightedMean;
  const busy = m.utilization * m.capacity;
  return queued + busy > 0 ? queued / (queued + busy) : 0;
}

/** How pressed a module is: saturated, near saturation, queueing, or none of these (`busiest`, were it the busiest). */
export function pressure(m: ModuleFigures): BottleneckReason {
  if (m.utilization >= SATURATION) return 'saturated';
  if (m.utilization >= NEAR_SATURATION) return 'near-saturation';
  if (queueing(m)) return 'queueing';
  return 'busiest';
}

function queueing(m: ModuleFigures): boolean {
  return m.utilization > 0 && m.queue.timeWeightedMean >= QUEUEING_MIN_QUEUE && waitingShare(m) >= QUEUEING_SHARE;
}

/** The bottleneck by {@link BOTTLENECK_RULE}, or undefined. */
export function findBottleneck<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  const busy = modules.filter((m) => m.utilization > 0);
  const near = busy.filter((m) => m.utilization >= NEAR_SATURATION);
  if (near.length > 0) return busiest(near);
  const queued = busy.filter(queueing);
  if (queued.length > 0) return deepest(queued);
  return busiest(busy);
}

function busiest<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of modules) {
    if (best === undefined) best = m;
    else if (m.utilization !== best.utilization) best = m.utilization > best.utilization ? m : best;
    else if (m.queue.timeWeightedMean !== best.queue.timeWeightedMean) best = m.queue.timeWeightedMean > best.queue.timeWeightedMean ? m : best;
    else if (m.name < best.name) best = m;
  }
  return best;
}

function deepest<M extends ModuleFigures>(modules: readonly M[]): M | undefined {
  let best: M | undefined;
  for (const m of modules) {
    if (best === undefined) best = m;
    else if (m.queue.timeWeightedMean !== best.queue.timeWeightedMean) best = m.queue.timeWeightedMean > best.queue.timeWeightedMean ? m : best;
    else if (m.utilization !== best.utilization) best = m.utilization > best.utilization ? m : best;
    else if (m.name < best.name) best = m;
  }
  return best;
}
