import { Simulator, type SimTime, type Wait } from '../kernel/index.js';
import { BoundedBuffer } from '../model/buffers.js';
import type { EngineTrace, RecordLayerTraceRecord } from './engine-trace.js';

/** The record layer's parameter `name` from the trace (the spec default when the trace has none). */
function param(trace: EngineTrace, name: string, fallback: number): number {
  return trace.params.get(`record_layer.${name}`) ?? fallback;
}

/**
 * What the record layer's buffers decided for each of the trace's record
 * layer transactions, by id: a datagram reaching the RX ring, 1 taken or 0
 * dropped; a pipeline slot request, the time it was granted (absent: never).
 */
export type BufferResults = Map<number, SimTime>;

/**
 * Replays the trace's record layer traffic through the model's own buffers
 * (`BoundedBuffer`, as `RecordLayer` makes them: the RX ring that drops,
 * the pipeline's slots that hold requests back in arrival order). Every
 * transaction starts at its `at` from a thread of its own, made in trace
 * order: a datagram tries the ring (taken and given back at once when its
 * connection was refused; given back at `left` when its connection closed
 * with it unread); a slot request takes a slot, takes its datagram out of
 * the ring when granted, holds the slot for the trace's `hold` and gives
 * it back. The downstream work (key read, crypto, handshake) is the hold,
 * as the run measured it.
 */
export function replayRecordLayerTs(trace: EngineTrace): BufferResults {
  const sim = new Simulator();
  const ring = new BoundedBuffer(sim, 'recordLayer.rxRing', param(trace, 'rx_ring_depth', 4096), 'drop');
  const pipeline = new BoundedBuffer(sim, 'recordLayer.pipeline', param(trace, 'pipeline_depth', 8), 'block');
  const results: BufferResults = new Map();
  const inRing = new Set<number>();
  const linked = new Set(trace.recordLayer.flatMap((r) => (r.kind === 'p' && r.ring !== undefined ? [r.ring] : [])));
  for (const r of trace.recordLayer) sim.thread(`bench.${r.kind}${r.id}`, () => step(r));
  function* step(r: RecordLayerTraceRecord): Generator<Wait, void, void> {
    if (r.at > 0) yield r.at;
    if (r.kind === 'r') {
      const taken = ring.tryTake();
      results.set(r.id, taken ? 1 : 0);
      if (!taken) return;
      if (r.outcome === 'refused') return ring.give();
      if (linked.has(r.id)) return void inRing.add(r.id);
      if (r.left === undefined) return;
      if (r.left > sim.now) yield r.left - sim.now;
      ring.give();
      return;
    }
    yield* pipeline.take();
    results.set(r.id, sim.now);
    if (r.ring !== undefined && inRing.delete(r.ring)) ring.give();
    if (r.hold === undefined) return;
    if (r.hold > 0) yield r.hold;
    pipeline.give();
  }
  sim.run();
  return results;
}

/** The run's own results (what the simulate run's buffers decided), as `replayRecordLayerTs` gives them. */
export function recordedBufferResults(trace: EngineTrace): Map<number, SimTime | undefined> {
  return new Map(trace.recordLayer.map((r) => [r.id, r.kind === 'r' ? (r.outcome === 'dropped' ? 0 : 1) : r.granted]));
}

/** How two runs of the record layer's traffic agree, transaction by transaction. */
export interface BufferAgreement {
  readonly arrivals: number;
  readonly requests: number;
  readonly exact: number;
  /** Datagrams dropped and requests held back (granted after they asked), on the left side: that the buffers mattered. */
  readonly dropped: number;
  readonly heldBack: number;
  readonly differences: readonly string[];
}

/** Compares two sets of buffer results over the trace's record layer transactions (both absent agrees: a request never granted). */
export function compareBufferResults(
  trace: EngineTrace,
  left: ReadonlyMap<number, SimTime | undefined>,
  right: ReadonlyMap<number, SimTime | undefined>,
): BufferAgreement {
  let exact = 0;
  let dropped = 0;
  let heldBack = 0;
  const differences: string[] = [];
  for (const r of trace.recordLayer) {
    const a = left.get(r.id);
    const b = right.get(r.id);
    if (r.kind === 'r' && a === 0) dropped++;
    if (r.kind === 'p' && a !== undefined && a > r.at) heldBack++;
    if (a === b) {
      exact++;
      continue;
    }
    if (differences.length < 5) differences.push(`${r.kind}${r.id} at=${r.at} left=${String(a)} right=${String(b)}`);
  }
  const arrivals = trace.recordLayer.filter((r) => r.kind === 'r').length;
  return { arrivals, requests: trace.recordLayer.length - arrivals, exact, dropped, heldBack, differences };
}
