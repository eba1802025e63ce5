import type { SimEvent, SimTime, Simulator } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Phase } from './phase.js';

/** What a {@link PayloadEventQueue} delivers. */
export type PeqCallback = (gp: GenericPayload, phase: Phase) => void;

/** One timed entry; recycled through a free list. */
interface Entry {
  when: SimTime;
  seq: number;
  gp: GenericPayload | undefined;
  phase: Phase;
}

/** A FIFO of (gp, phase) pairs delivered from `out` on; SystemC's `delta_list`. */
class PairList {
  readonly gps: (GenericPayload | undefined)[] = [];
  readonly phases: Phase[] = [];
  size = 0;
  out = 0;

  insert(gp: GenericPayload, phase: Phase): void {
    this.gps[this.size] = gp;
    this.phases[this.size++] = phase;
  }

  reset(): void {
    for (let i = 0; i < this.size; i++) this.gps[i] = undefined;
    this.size = 0;
    this.out = 0;
  }
}

/**
 * tlm_utils::peq_with_cb_and_phase (IEEE 1666-2011 §16.3) as SystemC 2.3.4's
 * `peq_with_cb_and_phase.h` does it: `notify(gp, phase, delay)` calls the
 * callback with (gp, phase) at `sim.now + delay`, from a method process of
 * the queue's own, sensitive to one event. Three kinds:
 *
 * - no delay (immediate): appended to one list and the event notified
 *   immediately. An activation delivers that list first, including what its
 *   callbacks append to it meanwhile, then empties it. What a callback
 *   appends later in the activation (from a delta or timed entry) stays:
 *   the method is running, so its own immediate notification is ignored
 *   (IEEE 1666-2011 §5.10.8; SystemC 2.3.4 warns "immediate
 *   self-notification ignored"), and the entry waits for the queue's next
 *   activation, whenever something else wakes it;
 * - `delay` 0 (delta): into one of two lists by the parity of the delta
 *   count at notify, the event notified with zero delay; an activation
 *   delivers the list of its own delta's parity, and notifies the event
 *   again when the other holds entries;
 * - a positive delay: kept in time order (notify order among equal times);
 *   an activation delivers those due now and notifies the event for the
 *   next one.
 *
 * An immediate notification of the event cancels its pending delta or timed
 * one (`sc_event::notify()`); the activation it causes re-arms what it sees.
 * Entries are recycled, so a steady stream allocates nothing.
 */
export class PayloadEventQueue {
  /** The queue's name (also its event's and method process's). */
  readonly name: string;
  readonly #sim: Simulator;
  readonly #callback: PeqCallback;
  readonly #event: SimEvent;
  readonly #immediate = new PairList();
  /** Delta entries for odd delta cycles (made in even ones). */
  readonly #uneven = new PairList();
  /** Delta entries for even delta cycles (made in odd ones). */
  readonly #even = new PairList();
  /** Timed entries: a min-heap on (when, seq). */
  readonly #heap: Entry[] = [];
  readonly #spare: Entry[] = [];
  #seq = 0;

  constructor(sim: Simulator, name: string, callback: PeqCallback) {
    this.name = name;
    this.#sim = sim;
    this.#callback = callback;
    this.#event = sim.event(name);
    sim.method(name, () => this.#fire(), { sensitive: [this.#event], dontInitialize: true });
  }

  /** Entries waiting for delivery. */
  get pending(): number {
    const i = this.#immediate;
    return (
      i.size - i.out + (this.#uneven.size - this.#uneven.out) + (this.#even.size - this.#even.out) + this.#heap.length
    );
  }

  /** Queues (gp, phase) for `sim.now + delay` (ps), or for now in this evaluation phase when `delay` is omitted. */
  notify(gp: GenericPayload, phase: Phase, delay?: SimTime): void {
    if (delay === undefined) {
      this.#immediate.insert(gp, phase);
      this.#event.notify();
    } else if (delay === 0) {
      ((this.#sim.deltaCount & 1) === 1 ? this.#even : this.#uneven).insert(gp, phase);
      this.#event.notify(0);
    } else {
      if (!(Number.isSafeInteger(delay) && delay > 0)) {
        throw new RangeError(
          `${this.name}: notify delay must be a non-negative integer number of ps, got ${String(delay)}`,
        );
      }
      const e = this.#spare.pop() ?? { when: 0, seq: 0, gp: undefined, phase };
      e.seq = this.#seq++;
      e.gp = gp;
      e.phase = phase;
      e.when = this.#sim.now + delay;
      this.#push(e);
      this.#event.notify(delay);
    }
  }

  /** Drops every queued entry (`cancel_all`); allowed inside the callback. */
  cancelAll(): void {
    for (const e of this.#heap) this.#recycle(e);
    this.#heap.length = 0;
    this.#uneven.reset();
    this.#even.reset();
    this.#immediate.reset();
    this.#event.cancel();
  }

  #fire(): void {
    this.#drain(this.#immediate);
    if ((this.#sim.deltaCount & 1) === 1) {
      this.#drain(this.#uneven);
      if (this.#even.size > 0) this.#event.notify(0);
    } else {
      this.#drain(this.#even);
      if (this.#uneven.size > 0) this.#event.notify(0);
    }
    const heap = this.#heap;
    if (heap.length === 0) return;
    const now = this.#sim.now;
    while (heap.length > 0 && heap[0]!.when === now) {
      const e = this.#pop();
      const gp = e.gp!;
      const phase = e.phase;
      this.#recycle(e);
      this.#callback(gp, phase);
    }
    if (heap.length > 0) this.#event.notify(heap[0]!.when - now);
  }

  /** Delivers a list's entries, those its callbacks append included, then empties it. */
  #drain(list: PairList): void {
    while (list.out < list.size) {
      const k = list.out++;
      const gp = list.gps[k]!;
      list.gps[k] = undefined;
      this.#callback(gp, list.phases[k]!);
    }
    list.reset();
  }

  #recycle(e: Entry): void {
    e.gp = undefined;
    this.#spare.push(e);
  }

  #push(e: Entry): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (before(parent, e)) break;
      heap[i] = parent;
      i = p;
    }
    heap[i] = e;
  }

  #pop(): Entry {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (before(last, heap[c]!)) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}
