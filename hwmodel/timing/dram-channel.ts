/**
 * A DRAM channel serving accesses first come, first served, by the model
 * hwmodel/sizing/workload/platform.ts derives from the DRAM's JEDEC timings
 * (spec/hw/platform): an access moves whole bursts at the channel's peak,
 * derated by the bus turnarounds between batches of reads and writes; it
 * holds the channel at least its share of the four-activation window (one
 * row activation each); and the channel serves nothing for tRFC at the end
 * of every tREFI (refresh), which an access reaching into it waits out.
 * `channels` channels interleaved run as one server at their summed peak
 * (the sizing flow model's `memChannels`). Times in ns.
 *
 * Shared by the sizing flow model (hwmodel/sizing/workload/flow-model.ts)
 * and `simulate()`'s memory (hwmodel/model/memory.ts), so the two run the
 * same DRAM; the SystemC twins write their own from the same figures.
 */

/** The figures a channel runs on (platform.ts's DramModel carries them). */
export interface DramTiming {
  /** Bytes of one burst: the unit an access moves. */
  readonly burstBytes: number;
  /** Share of the bus carrying data while the controller alternates batches of reads and writes. */
  readonly turnaroundEfficiency: number;
  /** The least time an access that opens a row holds a channel: a quarter of tFAW (ns). */
  readonly activateNs: number;
  /** Every `refreshIntervalNs` the channel serves nothing for `refreshNs`. */
  readonly refreshIntervalNs: number;
  readonly refreshNs: number;
}

/** One server over `channels` DRAM channels of `bitsPerSecond` peak each. */
export class DramChannel {
  readonly timing: DramTiming;
  readonly channels: number;
  /** Where the last booked access started on the bus (ns; after any refresh it waited out). */
  start = 0;
  #free = 0;
  readonly #bitsPerNs: number;

  constructor(timing: DramTiming, channels: number, bitsPerSecond: number) {
    this.timing = timing;
    this.channels = channels;
    this.#bitsPerNs = (channels * bitsPerSecond) / 1e9;
  }

  /** When the channel finishes the ones booked so far (ns). */
  get free(): number {
    return this.#free;
  }

  /** Books an access of `bytes` reaching the channel at `at` (ns), after what it serves already; the end of its bus time (ns). */
  book(at: number, bytes: number): number {
    const t = this.timing;
    let start = Math.max(at, this.#free);
    const open = t.refreshIntervalNs - t.refreshNs; // the refresh takes the last tRFC of every tREFI
    let phase = start % t.refreshIntervalNs;
    if (phase >= open) {
      start += t.refreshIntervalNs - phase;
      phase = start % t.refreshIntervalNs; // the start moved past the refresh: its phase again (one `%` is dear)
    }
    const bus = (Math.ceil(bytes / t.burstBytes) * t.burstBytes * 8) / this.#bitsPerNs / t.turnaroundEfficiency;
    let end = start + Math.max(bus, t.activateNs / this.channels);
    if (phase + (end - start) > open) end += t.refreshNs;
    this.start = start;
    this.#free = end;
    return end;
  }
}
