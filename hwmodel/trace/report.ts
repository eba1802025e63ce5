/**
 * The end-of-run report: handshake latency percentiles, goodput and record
 * rate over the steady-state window (steady-window.ts), the tail (slowest
 * connection), per-module utilization in that window, queue depths and
 * waiting share, the buffers, and the bottleneck analysis over every
 * resource (bottleneck.ts: drops and held-back work first), as a JSON
 * object with stable field names (documented in hwmodel/DESIGN.md,
 * "Timing and trace"); report-text.ts prints it for the terminal.
 */
import { SEC, US } from '../kernel/time.js';
import type { SimTime } from '../kernel/time.js';
import { summarize } from './percentile.js';
import type { BufferFigures, ModuleFigures } from './figures.js';

export type { BufferFigures, ModuleFigures } from './figures.js';
import type { Summary } from './percentile.js';
import {
  analyzeBottleneck,
  BOTTLENECK_RULE,
  pressedResources,
  SATURATION,
  waitingShare,
  type BottleneckReason,
} from './bottleneck.js';
import { STEADY_TRIM, type SteadyWindow } from './steady-window.js';
import type { GrowthVerdict } from './bottleneck-growth.js';

export {
  BOTTLENECK_RULE,
  NEAR_SATURATION,
  QUEUEING_MIN_QUEUE,
  QUEUEING_SHARE,
  SATURATION,
  findBottleneck,
  pressure,
  waitingShare,
  type BottleneckReason,
} from './bottleneck.js';

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
  /** The steady-state window and the figures over it; absent: utilizations, goodput and the bottleneck are over the whole `duration`. */
  readonly window?: SteadyWindow;
}

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
    /** Over the steady window (`window`) when the run has one; otherwise per second of data transfer (`dataTimeUs`). */
    readonly goodputBytesPerSecond: number;
    readonly recordsPerSecond: number;
    /** The union of the connections' data phases (the duration when not measured), and the goodput over it. */
    readonly dataTimeUs: number;
    readonly dataGoodputBytesPerSecond: number;
    /** Application bytes over the whole simulated time (`durationUs`). */
    readonly runGoodputBytesPerSecond: number;
  };
  /**
   * The steady-state window the headline goodput, the module table and the
   * bottleneck's utilizations are over: the middle of the main data phase
   * (`trim` of its bytes left out at each end: the handshakes and the
   * ramp before, the drain after), in µs from the run's start; null when
   * the run had no such phase (no data, too few records): everything is
   * then over the whole run.
   */
  readonly window: {
    readonly fromUs: number;
    readonly toUs: number;
    readonly trim: number;
    readonly bytes: number;
    readonly records: number;
  } | null;
  /** The connections' completion times (opened to last application byte delivered), and the slowest: the tail, reported apart from goodput; null when no connection delivered data or none were tracked. */
  readonly tail: {
    readonly completionUs: Summary;
    readonly slowest: { readonly connection: number; readonly completionUs: number };
  } | null;
  /** Sorted by name; over the steady window (the whole run without one), `runUtilization` over the whole run. */
  readonly modules: readonly {
    readonly name: string;
    readonly lanes: number;
    readonly utilization: number;
    readonly runUtilization: number;
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
  /**
   * The resource that limits the run (bottleneck.ts): `module` names it (a
   * module, a link or a buffer: `kind`); `reason` says why; `symptom`, for
   * drops and held-back work, the buffer where they happened, and `chain`
   * the stages from there to the resource named; `knob` the parameter
   * sizing a buffer named for its own depth.
   */
  readonly bottleneck: {
    readonly module: string;
    readonly kind: 'lanes' | 'link' | 'buffer';
    readonly utilization: number;
    readonly saturated: boolean;
    readonly reason: BottleneckReason;
    readonly waitingShare: number;
    readonly symptom: {
      readonly buffer: string;
      readonly dropped: number;
      readonly heldBack: number;
      readonly heldBackUs: number;
    } | null;
    readonly chain: readonly string[];
    readonly knob: string | null;
    readonly rule: string;
  } | null;
  /**
   * The bottleneck proven by growing each suspect in a run of its own
   * (bottleneck-growth.ts; hwmodel/model/bottleneck-reruns.ts makes the
   * runs): absent when no growth was run (`bottleneck` is then the only
   * reading). When present, the text's Bottleneck line is this verdict and
   * `bottleneck` the rule-based reading that ranked the suspects.
   */
  readonly growth?: GrowthVerdict;
  /**
   * True only when nothing dropped, nothing was held back, no module (the
   * links included) is near saturation (≥ 80%) or queueing in the steady
   * window, and no device unit queued over the run: only then does the
   * report say the device has headroom.
   */
  readonly headroom: boolean;
  /** Other resources pressed: modules near saturation or queueing in the window, device units queueing over the run, buffers that dropped or held back work. */
  readonly pressed: readonly string[];
  /**
   * The device's bounded buffers, sorted by name: capacity, policy (`drop`
   * or `block`), what entered, what was dropped, what was held back and
   * for how long (µs; `headOfLine`: held only behind another command), the
   * largest and the time-weighted mean occupancy, over the run; the mean
   * occupancy over the steady window. Empty on the software platform.
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
    readonly windowMeanOccupancy: number;
    /** Entries evicted to make room (the key slots: contexts written back); 0 for the others. */
    readonly evicted: number;
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
  const w = run.window;
  const windowSeconds = w === undefined ? 0 : (w.to - w.from) / SEC;
  const latency = summarize(run.handshakeLatencies.map((t) => t / US));
  const over = w?.modules ?? run.modules;
  const runUtil = new Map(run.modules.map((m) => [m.name, m.utilization]));
  const modules = [...over]
    .sort((a, b) => order(a.name, b.name))
    .map((m) => ({
      name: m.name,
      lanes: m.capacity,
      utilization: m.utilization,
      runUtilization: runUtil.get(m.name) ?? m.utilization,
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
  const input = {
    modules: over,
    runModules: run.modules,
    buffers: run.buffers ?? [],
    windowBuffers: w?.buffers ?? run.buffers ?? [],
    span: w === undefined ? run.duration : w.to - w.from,
  };
  const found = analyzeBottleneck(input);
  const windowOccupancy = new Map((w?.buffers ?? []).map((f) => [f.name, f.meanOccupancy]));
  const completions = run.completions ?? [];
  const slowest = completions.reduce<(typeof completions)[number] | undefined>(
    (a, c) => (a === undefined || c.time > a.time ? c : a),
    undefined,
  );
  const completionUs = summarize(completions.map((c) => c.time / US));
  const dataGoodput = dataSeconds === 0 ? 0 : run.applicationBytes / dataSeconds;
  return {
    format: 'dtls13-simulation-report',
    version: 1,
    durationUs: run.duration / US,
    handshakes: {
      completed: run.handshakeLatencies.length,
      failed: run.handshakesFailed ?? 0,
      latencyUs: latency ?? null,
    },
    throughput: {
      applicationBytes: run.applicationBytes,
      records: run.records,
      goodputBytesPerSecond: w !== undefined && windowSeconds > 0 ? w.bytes / windowSeconds : dataGoodput,
      recordsPerSecond:
        w !== undefined && windowSeconds > 0
          ? w.records / windowSeconds
          : dataSeconds === 0
            ? 0
            : run.records / dataSeconds,
      dataTimeUs: dataTime / US,
      dataGoodputBytesPerSecond: dataGoodput,
      runGoodputBytesPerSecond: seconds === 0 ? 0 : run.applicationBytes / seconds,
    },
    window:
      w === undefined
        ? null
        : { fromUs: w.from / US, toUs: w.to / US, trim: STEADY_TRIM, bytes: w.bytes, records: w.records },
    tail:
      slowest === undefined || completionUs === undefined
        ? null
        : { completionUs, slowest: { connection: slowest.connection, completionUs: slowest.time / US } },
    modules,
    bottleneck:
      found === undefined
        ? null
        : {
            module: found.name,
            kind: found.kind,
            utilization: found.utilization,
            saturated: found.utilization >= SATURATION,
            reason: found.reason,
            waitingShare: found.waitingShare,
            symptom:
              found.symptom === undefined
                ? null
                : {
                    buffer: found.symptom.buffer,
                    dropped: found.symptom.dropped,
                    heldBack: found.symptom.heldBack,
                    heldBackUs: found.symptom.heldBackPs / US,
                  },
            chain: found.chain,
            knob: found.knob ?? null,
            rule: BOTTLENECK_RULE,
          },
    headroom: found === undefined || (found.reason === 'busiest' && pressedResources(input, found).length === 0),
    pressed: pressedResources(input, found),
    buffers: [...(run.buffers ?? [])]
      .sort((a, b) => order(a.name, b.name))
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
        windowMeanOccupancy: windowOccupancy.get(f.name) ?? f.meanOccupancy,
        evicted: f.evicted ?? 0,
      })),
  };
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
