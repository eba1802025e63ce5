/**
 * What the report takes from a run: per-module figures (lanes, busy time,
 * queue) and per-buffer figures (capacity, drops, callers held back), with
 * the stages a buffer's work waits on for the bottleneck analysis.
 */
import type { SimTime } from '../kernel/time.js';

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
  /** Entries evicted to make room (the key slots: contexts written back). */
  readonly evicted?: number;
  /**
   * The stages after this buffer that its entries wait on before they leave
   * it (module or buffer names): a ring drains into the pipeline, a
   * pipeline slot is held through the record's key read and crypto
   * command. When the buffer drops or holds work back, the bottleneck
   * analysis looks here for the stage whose limit causes it.
   */
  readonly feeds?: readonly string[];
  /** What sizes it, as a knob (`record_layer.pipeline_depth`), for the reading. */
  readonly knob?: string;
}
