/**
 * The steady-state window of a run: the part of its main data phase the
 * report's utilizations, bottleneck and headline goodput are measured
 * over. A run opens with its handshakes (every connection's at once in a
 * burst) and ends with a drain (the last records, a straggler's
 * retransmission timer a second later); neither is the rate the device
 * sustains. The window is the middle of the data phase (short gaps
 * closed: `mergeGaps`) that carried the most application bytes: from the instant `STEADY_TRIM` of its bytes had
 * arrived to the instant `1 − STEADY_TRIM` had. Figures over it are the
 * differences of two cumulative snapshots taken as the records arrived.
 */
import type { SimTime } from '../kernel/time.js';
import type { ModuleStats } from './activity.js';
import type { BufferFigures } from './figures.js';

/** The share of the main data phase's bytes left out at each end of the window. */
export const STEADY_TRIM = 0.1;

/** Records a window holds at least; fewer (a run of a few records) make no steady state: its figures are then over the whole run. */
export const STEADY_MIN_RECORDS = 16;

/** Cumulative figures at one instant, from the statistics window's start (the warm-up's end). */
export interface Snapshot {
  readonly time: SimTime;
  /** Application bytes and records delivered so far. */
  readonly bytes: number;
  readonly records: number;
  readonly modules: readonly ModuleStats[];
  readonly buffers: readonly BufferFigures[];
}

/** The window and the figures over it (absent from a run with no steady data phase: every figure is then over the whole run). */
export interface SteadyWindow {
  readonly from: SimTime;
  readonly to: SimTime;
  readonly bytes: number;
  readonly records: number;
  /** Each module's figures over the window (queue max: over the run up to its end). */
  readonly modules: readonly ModuleStats[];
  /** Each buffer's figures over the window. */
  readonly buffers: readonly BufferFigures[];
}

/**
 * The window from the snapshots (in time order, cumulative from `start`,
 * the statistics window's start) and the data phases (the union of the
 * connections' [first record written, last byte delivered], as disjoint
 * intervals in time order). Undefined when no phase carried enough
 * records for a window of `STEADY_MIN_RECORDS`.
 */
export function steadyWindow(
  snapshots: readonly Snapshot[],
  phases: readonly (readonly [SimTime, SimTime])[],
  start: SimTime,
): SteadyWindow | undefined {
  if (snapshots.length < 2 || phases.length === 0) return undefined;
  const bytesAt = (t: SimTime): number => {
    let b = 0;
    for (const s of snapshots) {
      if (s.time > t) break;
      b = s.bytes;
    }
    return b;
  };
  let main: readonly [SimTime, SimTime] | undefined;
  let most = -1;
  for (const p of mergeGaps(phases)) {
    const carried = bytesAt(p[1]) - bytesAt(p[0]);
    if (carried > most) [main, most] = [p, carried];
  }
  if (main === undefined || most <= 0) return undefined;
  const base = bytesAt(main[0]);
  const first = snapshots.find((s) => s.time >= main[0] && s.bytes >= base + STEADY_TRIM * most);
  const last = snapshots.find((s) => s.time >= main[0] && s.bytes >= base + (1 - STEADY_TRIM) * most);
  if (
    first === undefined ||
    last === undefined ||
    last.time <= first.time ||
    last.records - first.records < STEADY_MIN_RECORDS
  )
    return undefined;
  return between(first, last, start);
}

/**
 * The data phases with short gaps closed: a gap no longer than the phase
 * on either side of it (a moment between one connection's last byte and
 * the next one's first record) is part of the data phase; a long one (a
 * straggler's retransmission timer, seconds after the rest) separates two.
 */
export function mergeGaps(phases: readonly (readonly [SimTime, SimTime])[]): [SimTime, SimTime][] {
  const out: [SimTime, SimTime][] = [];
  for (const [from, to] of phases) {
    const last = out[out.length - 1];
    if (last !== undefined && from - last[1] <= Math.max(last[1] - last[0], to - from)) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The figures over [a.time, b.time] from two cumulative snapshots taken since `start`. */
export function between(a: Snapshot, b: Snapshot, start: SimTime): SteadyWindow {
  const length = b.time - a.time;
  const spanA = a.time - start;
  const spanB = b.time - start;
  const modules = b.modules.map((mb) => {
    const ma = a.modules.find((m) => m.name === mb.name);
    const busy = mb.busyTime - (ma?.busyTime ?? 0);
    const queueArea = mb.queue.timeWeightedMean * spanB - (ma === undefined ? 0 : ma.queue.timeWeightedMean * spanA);
    const counters: Record<string, number> = {};
    for (const [k, v] of Object.entries(mb.counters)) counters[k] = v - (ma?.counters[k] ?? 0);
    return {
      name: mb.name,
      capacity: mb.capacity,
      busyTime: busy,
      utilization: length > 0 ? busy / (mb.capacity * length) : 0,
      queue: {
        max: mb.queue.max,
        mean: mb.queue.mean,
        timeWeightedMean: length > 0 ? Math.max(0, queueArea) / length : 0,
        samples: mb.queue.samples,
      },
      counters,
    };
  });
  const buffers = b.buffers.map((fb) => {
    const fa = a.buffers.find((f) => f.name === fb.name);
    const area = fb.meanOccupancy * spanB - (fa === undefined ? 0 : fa.meanOccupancy * spanA);
    return {
      ...fb,
      entered: fb.entered - (fa?.entered ?? 0),
      dropped: fb.dropped - (fa?.dropped ?? 0),
      blocked: fb.blocked - (fa?.blocked ?? 0),
      blockedTime: fb.blockedTime - (fa?.blockedTime ?? 0),
      headOfLine: (fb.headOfLine ?? 0) - (fa?.headOfLine ?? 0),
      meanOccupancy: length > 0 ? Math.max(0, area) / length : 0,
    };
  });
  return { from: a.time, to: b.time, bytes: b.bytes - a.bytes, records: b.records - a.records, modules, buffers };
}
