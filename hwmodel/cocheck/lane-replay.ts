import { Simulator, type SimTime, type Wait } from '../kernel/index.js';
import { Lanes } from '../model/lanes.js';
import type { EngineTrace } from './engine-trace.js';

/**
 * Replays the trace's connection manager lookups and key manager
 * derivations through the model's own lane pool (`Lanes`, one lane each, as
 * the two modules make it on the offload platform): each request from a
 * thread of its own at its `at`, made in trace order, booked for its
 * `service`. Returns each one's finish time by id.
 */
export function replayLanesTs(trace: EngineTrace): Map<number, SimTime> {
  const sim = new Simulator();
  const pools = { connection_manager: new Lanes('connectionManager', 1), key_manager: new Lanes('keyManager', 1) };
  const done = new Map<number, SimTime>();
  for (const r of trace.lanes) {
    sim.thread(`bench.l${r.id}`, function* (): Generator<Wait, void, void> {
      if (r.at > 0) yield r.at;
      done.set(r.id, pools[r.module].reserve(sim, r.service));
    });
  }
  sim.run();
  return done;
}

/** The run's own finish times of the lookups and derivations. */
export function recordedLaneFinishes(trace: EngineTrace): Map<number, SimTime | undefined> {
  return new Map(trace.lanes.map((r) => [r.id, r.done]));
}

/** How two runs of the lookups and derivations agree. */
export interface LaneAgreement {
  readonly lookups: number;
  readonly derivations: number;
  readonly exact: number;
  /** Requests that waited for the lane (finished later than at + service), on the left side. */
  readonly waited: number;
  readonly differences: readonly string[];
}

export function compareLaneFinishes(
  trace: EngineTrace,
  left: ReadonlyMap<number, SimTime | undefined>,
  right: ReadonlyMap<number, SimTime | undefined>,
): LaneAgreement {
  let exact = 0;
  let waited = 0;
  const differences: string[] = [];
  for (const r of trace.lanes) {
    const a = left.get(r.id);
    const b = right.get(r.id);
    if (a !== undefined && a > r.at + r.service) waited++;
    if (a === b) exact++;
    else if (differences.length < 5)
      differences.push(`l${r.id} ${r.module} at=${r.at} left=${String(a)} right=${String(b)}`);
  }
  const lookups = trace.lanes.filter((r) => r.module === 'connection_manager').length;
  return { lookups, derivations: trace.lanes.length - lookups, exact, waited, differences };
}
