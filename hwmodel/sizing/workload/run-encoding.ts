/**
 * A flow-model run (flow-run.ts) as plain data and back: what a run cache
 * keeps on disk (run-cache.ts) and a worker thread sends (flow-pool.ts).
 * Every figure is a number, a Float64Array or a plain object of them, so
 * v8's serializer (the structured clone) carries it to the bit, NaN and
 * ±∞ included; the latency histograms go as their parts.
 */
import { deserialize, serialize } from 'node:v8';
import type { FlowRun, PhaseFigures } from './flow-run.js';
import { LatencyHistogram, type HistogramParts } from './latency-histogram.js';

/** A phase's figures with its histogram as parts. */
type PhaseData = Omit<PhaseFigures, 'wireRecords'> & { readonly wireRecords: HistogramParts };

/** A run as plain data. */
export type RunData = Omit<FlowRun, 'steady' | 'burst'> & {
  readonly steady: PhaseData;
  readonly burst: PhaseData | undefined;
};

/** A stored or sent run that is not one (its shape or figures wrong). */
export class RunDataError extends Error {
  override readonly name = 'RunDataError';
}

export function runData(run: FlowRun): RunData {
  const phase = (p: PhaseFigures): PhaseData => ({ ...p, wireRecords: p.wireRecords.parts() });
  return { ...run, steady: phase(run.steady), burst: run.burst === undefined ? undefined : phase(run.burst) };
}

/** The run `data` holds; RunDataError when it is not a run's. */
export function runOf(data: unknown): FlowRun {
  const d = data as RunData;
  const phase = (p: PhaseData): PhaseFigures => {
    if (typeof p !== 'object' || p === null || typeof p.offered !== 'number')
      throw new RunDataError('a phase without its figures');
    try {
      return { ...p, wireRecords: LatencyHistogram.fromParts(p.wireRecords) };
    } catch (e) {
      throw new RunDataError(`a phase's latencies: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (typeof d !== 'object' || d === null || typeof d.events !== 'number' || typeof d.utilization !== 'object')
    throw new RunDataError('not a flow run');
  return { ...d, steady: phase(d.steady), burst: d.burst === undefined ? undefined : phase(d.burst) };
}

/** A run's bytes (v8's serializer). */
export function encodeRun(run: FlowRun): Buffer {
  return serialize(runData(run));
}

/** The run `bytes` hold; RunDataError when they do not hold one. */
export function decodeRun(bytes: Uint8Array): FlowRun {
  let data: unknown;
  try {
    data = deserialize(bytes);
  } catch (e) {
    throw new RunDataError(`not v8-serialized data: ${e instanceof Error ? e.message : String(e)}`);
  }
  return runOf(data);
}
