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
  /** The start of the refresh interval the last access started in (a whole multiple of tREFI), when it is exact. */
  #interval = 0;
  readonly #wholeInterval: boolean;
  /** The bus time of an access of each whole number of bytes below HOLD_CACHE, once asked (0: not yet). */
  readonly #hold = new Float64Array(HOLD_CACHE);

  constructor(timing: DramTiming, channels: number, bitsPerSecond: number) {
    this.timing = timing;
    this.channels = channels;
    this.#bitsPerNs = (channels * bitsPerSecond) / 1e9;
    this.#wholeInterval = Number.isInteger(timing.refreshIntervalNs) && timing.refreshIntervalNs > 0;
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
    let phase = this.#phase(start);
    if (phase >= open) {
      start += t.refreshIntervalNs - phase;
      phase = this.#phase(start); // the start moved past the refresh: its phase again
    }
    let end = start + this.#holdNs(bytes);
    if (phase + (end - start) > open) end += t.refreshNs;
    this.start = start;
    this.#free = end;
    return end;
  }

  /** The time an access of `bytes` holds the bus: its bursts derated, at least its share of tFAW (ns). */
  #holdNs(bytes: number): number {
    const cached = bytes < HOLD_CACHE && Number.isInteger(bytes) ? this.#hold[bytes]! : 0;
    if (cached > 0) return cached;
    const t = this.timing;
    const bus = (Math.ceil(bytes / t.burstBytes) * t.burstBytes * 8) / this.#bitsPerNs / t.turnaroundEfficiency;
    const hold = Math.max(bus, t.activateNs / this.channels);
    if (bytes < HOLD_CACHE && Number.isInteger(bytes) && hold > 0) this.#hold[bytes] = hold;
    return hold;
  }

  /**
   * `start % tREFI`, to the bit, for a start no earlier than the last one's (a start never is: each is at least the
   * last access's end). `%` on doubles is dear; with a whole tREFI, k·tREFI is exact, and the remainder (which is
   * representable) is `start` less the interval's start k·tREFI, a subtraction that is then exact too.
   */
  #phase(start: number): number {
    const r = this.timing.refreshIntervalNs;
    if (!this.#wholeInterval) return start % r;
    let from = this.#interval;
    if (!(start >= from && start - from < r)) {
      if (!(start >= 0 && start < Number.MAX_SAFE_INTEGER)) return start % r;
      from = Math.floor(start / r) * r; // the quotient may round by one either way
      if (from > start) from -= r;
      else if (start - from >= r) from += r;
      this.#interval = from;
    }
    return start - from;
  }
}

/** Access sizes whose bus time a channel keeps once worked out (bytes). */
const HOLD_CACHE = 1 << 15;
