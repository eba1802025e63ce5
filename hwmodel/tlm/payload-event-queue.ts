import type { SimEvent, SimTime, Simulator } from '../kernel/index.js';
import type { GenericPayload } from './generic-payload.js';
import type { Phase } from './phase.js';

/** What a {@link PayloadEventQueue} delivers. */
export type PeqCallback = (gp: GenericPayload, phase: Phase) => void;

/** One queued notification; recycled through a free list. */
interface Entry {
  /** Due time (timed entries) or the delta count at notify (delta entries). */
  when: SimTime;
  seq: number;
  gp: GenericPayload | undefined;
  phase: Phase;
}

/**
 * tlm_utils::peq_with_cb_and_phase (IEEE 1666-2011 §16.3): `notify(gp, phase,
 * delay)` calls the callback with (gp, phase) at `sim.now + delay`, from a
 * method process of the queue's own. As in the standard's queue there are
 * three kinds: no delay delivers in the current evaluation phase (immediate),
 * `delay` 0 in the next delta cycle, a positive delay at that time. Entries
 * of one kind due together are delivered in notify order; in one activation
 * immediate ones come first, then delta, then timed. Entries are recycled,
 * so a steady stream of notifications allocates nothing.
 */
export class PayloadEventQueue {
  /** The queue's name (also its event's and method process's). */
  readonly name: string;
  readonly #sim: Simulator;
  readonly #callback: PeqCallback;
  readonly #event: SimEvent;
  /** Immediate entries, FIFO. */
  readonly #immediate: Entry[] = [];
  /** Delta entries, FIFO; `when` holds the delta count at notify. */
  readonly #delta: Entry[] = [];
  /** Timed entries: a min-heap on (when, seq). */
  readonly #heap: Entry[] = [];
  readonly #spare: Entry[] = [];
  #seq = 0;
  /** Next immediate entry to deliver. */
  #immediateHead = 0;
  /** Delta entries of the prefix being delivered that have gone out already. */
  #deltaHead = 0;
  /** Bumped by cancelAll, so a delivery loop notices a callback cancelled everything. */
  #generation = 0;

  constructor(sim: Simulator, name: string, callback: PeqCallback) {
    this.name = name;
    this.#sim = sim;
    this.#callback = callback;
    this.#event = sim.event(name);
    sim.method(name, () => this.#fire(), { sensitive: [this.#event], dontInitialize: true });
  }

  /** Entries waiting for delivery. */
  get pending(): number {
    return this.#immediate.length + this.#delta.length + this.#heap.length;
  }

  /** Queues (gp, phase) for `sim.now + delay` (ps), or for now in this evaluation phase when `delay` is omitted. */
  notify(gp: GenericPayload, phase: Phase, delay?: SimTime): void {
    const e = this.#spare.pop() ?? { when: 0, seq: 0, gp: undefined, phase };
    e.seq = this.#seq++;
    e.gp = gp;
    e.phase = phase;
    if (delay === undefined) {
      e.when = this.#sim.now;
      this.#immediate.push(e);
      this.#event.notify();
    } else if (delay === 0) {
      e.when = this.#sim.deltaCount;
      this.#delta.push(e);
      this.#event.notify(0);
    } else {
      if (!(Number.isSafeInteger(delay) && delay > 0)) {
        this.#recycle(e);
        throw new RangeError(`${this.name}: notify delay must be a non-negative integer number of ps, got ${String(delay)}`);
      }
      e.when = this.#sim.now + delay;
      this.#push(e);
      this.#event.notify(delay);
    }
  }

  /** Drops every queued entry (`cancel_all`); allowed inside the callback. */
  cancelAll(): void {
    // Entries before the heads were delivered (and recycled) already; they may even be queued again under another notify.
    for (let i = this.#immediateHead; i < this.#immediate.length; i++) this.#recycle(this.#immediate[i]!);
    for (let i = this.#deltaHead; i < this.#delta.length; i++) this.#recycle(this.#delta[i]!);
    for (const e of this.#heap) this.#recycle(e);
    this.#immediate.length = 0;
    this.#delta.length = 0;
    this.#heap.length = 0;
    this.#immediateHead = 0;
    this.#deltaHead = 0;
    this.#generation++;
    this.#event.cancel();
  }

  #fire(): void {
    const now = this.#sim.now;
    const deltaNow = this.#sim.deltaCount;
    const immediate = this.#immediate;
    const delta = this.#delta;
    const heap = this.#heap;
    for (;;) {
      // immediate ones, including those the callbacks add
      while (this.#immediateHead < immediate.length) this.#deliver(immediate[this.#immediateHead++]!);
      // delta ones made in an earlier delta cycle: a prefix of the FIFO
      let d = 0;
      while (d < delta.length && delta[d]!.when < deltaNow) d++;
      if (d > 0) {
        const generation = this.#generation;
        for (let k = 0; k < d && generation === this.#generation; k++) {
          this.#deltaHead = k + 1;
          this.#deliver(delta[k]!);
        }
        if (generation === this.#generation) {
          delta.copyWithin(0, d);
          delta.length -= d;
          this.#deltaHead = 0;
        }
      }
      // timed ones due now
      while (heap.length > 0 && heap[0]!.when <= now) this.#deliver(this.#pop());
      if (this.#immediateHead >= immediate.length) break;
    }
    immediate.length = 0;
    this.#immediateHead = 0;
    if (delta.length > 0) this.#event.notify(0);
    else if (heap.length > 0) this.#event.notify(heap[0]!.when - now);
  }

  #deliver(e: Entry): void {
    const gp = e.gp!;
    const phase = e.phase;
    this.#recycle(e);
    this.#callback(gp, phase);
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
