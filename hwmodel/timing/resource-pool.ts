/**
 * A pool of identical lanes (crypto engine lanes, CPU cores) serving requests
 * first come, first served. Pure arithmetic: given when a request arrives and
 * how long it needs, it says when it starts and finishes. The model layer
 * calls it from kernel processes and waits until the finish time.
 */
import { ConfigError } from '../../runtime/config-error.js';
import { checkTime } from '../kernel/time.js';
import type { SimTime } from './time.js';

/** Where and when a request is served. */
export interface LaneGrant {
  /** The lane (0-based) that serves the request: the one free earliest, lowest index on ties. */
  readonly lane: number;
  readonly arrival: SimTime;
  readonly start: SimTime;
  readonly finish: SimTime;
  /** `start - arrival`. */
  readonly wait: SimTime;
  /** Requests waiting (arrived, not started) just after this one arrived, this one included if it waits. */
  readonly queueDepth: number;
}

/** Totals over [0, until]. */
export interface PoolStats {
  readonly lanes: number;
  readonly requests: number;
  /** Lane-busy time inside [0, until] (picoseconds, summed over lanes). */
  readonly busyTime: SimTime;
  /** `busyTime / (lanes * until)`, in [0, 1]; 0 when `until` is 0. */
  readonly utilization: number;
  /** Time spent waiting inside [0, until], summed over requests. */
  readonly waitTime: SimTime;
  /** Time-weighted mean number of waiting requests over [0, until] (`waitTime / until`). */
  readonly meanQueueDepth: number;
  /** The most requests ever waiting at once. */
  readonly maxQueueDepth: number;
}

/** A grant the pool overwrites on every `book` (see there). */
interface ScratchGrant {
  lane: number;
  arrival: SimTime;
  start: SimTime;
  finish: SimTime;
  wait: SimTime;
  queueDepth: number;
}

/** A FIFO multi-lane server (an M/G/c-style queue with deterministic service times). */
export class ResourcePool {
  readonly name: string;
  readonly lanes: number;
  readonly #freeAt: SimTime[];
  /** Lane indices as a binary min-heap on (free time, index): the lane to use is at the top, found in O(log lanes). */
  readonly #heap: number[];
  /**
   * Grants that may still be waiting or busy at the last arrival, as three
   * parallel Float64Arrays (arrival, start, finish: no object per grant, no
   * number object per time, no new store per push), `[#head, #tail)` in use.
   */
  #arrivals = new Float64Array(64);
  #starts = new Float64Array(64);
  #finishes = new Float64Array(64);
  /**
   * Open grants `[#head, #tail)` are the ones not yet folded into the totals. They are
   * in arrival order, and their starts never decrease (FIFO: each request
   * takes the lane free earliest, and that time only grows), so the waiting
   * ones are a suffix and finished ones are folded from the front: each
   * request costs O(log) rather than a pass over the whole queue.
   */
  #head = 0;
  #tail = 0;
  #closedBusy = 0;
  #closedWait = 0;
  #requests = 0;
  #maxQueueDepth = 0;
  #lastArrival = 0;
  readonly #scratch: ScratchGrant = { lane: 0, arrival: 0, start: 0, finish: 0, wait: 0, queueDepth: 0 };

  constructor(name: string, lanes: number) {
    if (!Number.isSafeInteger(lanes) || lanes < 1)
      throw new ConfigError(`${name}.lanes`, `must be a positive integer, got ${String(lanes)}`);
    this.name = name;
    this.lanes = lanes;
    this.#freeAt = new Array<SimTime>(lanes).fill(0);
    this.#heap = Array.from({ length: lanes }, (_, i) => i);
  }

  /** Lane `a` comes before lane `b`: free earlier, or as early with the lower index. */
  #before(a: number, b: number): boolean {
    const fa = this.#freeAt[a]!;
    const fb = this.#freeAt[b]!;
    return fa < fb || (fa === fb && a < b);
  }

  /** Restores the heap after the top lane's free time grew. */
  #siftDownTop(): void {
    const h = this.#heap;
    const n = h.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      const c = r < n && this.#before(h[r]!, h[l]!) ? r : l;
      if (!this.#before(h[c]!, h[i]!)) return;
      [h[i], h[c]] = [h[c]!, h[i]!];
      i = c;
    }
  }

  /**
   * Serve a request arriving at `arrival` that needs `service` on one lane.
   * Arrivals must come in non-decreasing time order (RangeError otherwise).
   */
  request(arrival: SimTime, service: SimTime): LaneGrant {
    return { ...this.book(arrival, service) };
  }

  /**
   * `request` for a caller that reads the grant at once and keeps nothing:
   * the returned object is the pool's own and the next `book` or `request`
   * overwrites it (no object per request on the model's hot path).
   */
  book(arrival: SimTime, service: SimTime): Readonly<LaneGrant> {
    checkTime(arrival, 'arrival');
    checkTime(service, 'service');
    if (arrival < this.#lastArrival)
      throw new RangeError(`${this.name}: arrival ${arrival} is before the previous arrival ${this.#lastArrival}`);
    this.#lastArrival = arrival;
    this.#retire(arrival);
    const lane = this.#heap[0]!;
    const start = Math.max(arrival, this.#freeAt[lane] ?? 0);
    const finish = checkTime(start + service, 'finish');
    this.#freeAt[lane] = finish;
    this.#siftDownTop();
    if (this.#tail === this.#starts.length) this.#makeRoom();
    const i = this.#tail++;
    this.#arrivals[i] = arrival;
    this.#starts[i] = start;
    this.#finishes[i] = finish;
    this.#requests++;
    const queueDepth = this.queueDepthAt(arrival);
    if (queueDepth > this.#maxQueueDepth) this.#maxQueueDepth = queueDepth;
    const g = this.#scratch;
    g.lane = lane;
    g.arrival = arrival;
    g.start = start;
    g.finish = finish;
    g.wait = start - arrival;
    g.queueDepth = queueDepth;
    return g;
  }

  /** Requests waiting at `t` (t at or after the last arrival). */
  queueDepthAt(t: SimTime): number {
    // Every open grant arrived by `t`; the waiting ones (start > t) are a suffix.
    const starts = this.#starts;
    let lo = this.#head;
    let hi = this.#tail;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return this.#tail - lo;
  }

  /**
   * When a request arriving at `t` is accepted into a queue that holds at
   * most `maxWaiting` requests (t at or after the last arrival): `t` when
   * fewer wait, else the start of the waiting request whose start brings
   * the queue below the limit.
   */
  admitAt(t: SimTime, maxWaiting: number): SimTime {
    const waiting = this.queueDepthAt(t);
    if (waiting < maxWaiting) return t;
    return this.#starts[this.#tail - waiting + (waiting - maxWaiting)]!;
  }

  /** Lanes busy at `t` (t at or after the last arrival). */
  busyLanesAt(t: SimTime): number {
    let n = 0;
    for (let i = this.#head; i < this.#tail; i++) if (this.#starts[i]! <= t && this.#finishes[i]! > t) n++;
    return n;
  }

  /** When a request arriving at `t` would start (t at or after the last arrival). */
  nextStart(t: SimTime): SimTime {
    return Math.max(t, this.#freeAt[this.#heap[0]!]!);
  }

  /** Totals over [0, until]; `until` must not be before the last arrival. */
  stats(until: SimTime): PoolStats {
    checkTime(until, 'until');
    if (until < this.#lastArrival)
      throw new RangeError(`${this.name}: stats until ${until} is before the last arrival ${this.#lastArrival}`);
    let busy = this.#closedBusy;
    let wait = this.#closedWait;
    for (let i = this.#head; i < this.#tail; i++) {
      busy += clip(this.#starts[i]!, this.#finishes[i]!, until);
      wait += clip(this.#arrivals[i]!, this.#starts[i]!, until);
    }
    return {
      lanes: this.lanes,
      requests: this.#requests,
      busyTime: busy,
      utilization: until === 0 ? 0 : busy / (this.lanes * until),
      waitTime: wait,
      meanQueueDepth: until === 0 ? 0 : wait / until,
      maxQueueDepth: this.#maxQueueDepth,
    };
  }

  /**
   * Folds grants that finished by `t` into the totals, from the front: one
   * that finished behind a longer one still running waits its turn, which
   * changes no figure (the totals clip open grants at the time asked).
   */
  #retire(t: SimTime): void {
    const finishes = this.#finishes;
    while (this.#head < this.#tail && finishes[this.#head]! <= t) {
      const i = this.#head++;
      this.#closedBusy += finishes[i]! - this.#starts[i]!;
      this.#closedWait += this.#starts[i]! - this.#arrivals[i]!;
    }
  }

  /** Room for one more grant at the tail: the open ones moved to the front, or (at least half the store open) a store twice the size. */
  #makeRoom(): void {
    const open = this.#tail - this.#head;
    const size = open * 2 > this.#starts.length ? this.#starts.length * 2 : this.#starts.length;
    const move = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      if (size === a.length) return a.copyWithin(0, this.#head, this.#tail);
      const b = new Float64Array(size);
      b.set(a.subarray(this.#head, this.#tail));
      return b;
    };
    this.#arrivals = move(this.#arrivals);
    this.#starts = move(this.#starts);
    this.#finishes = move(this.#finishes);
    this.#head = 0;
    this.#tail = open;
  }
}

function clip(from: SimTime, to: SimTime, until: SimTime): SimTime {
  return Math.max(0, Math.min(to, until) - from);
}
