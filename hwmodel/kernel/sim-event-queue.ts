import type { SimEvent } from './event.js';
import type { Simulator } from './simulator.js';
import type { SimTime } from './time.js';

/**
 * `sc_event_queue` (IEEE 1666-2011 §6.29): an event that keeps every
 * notification. Each `notify(delay)` triggers `event` once at `now + delay`
 * unless `cancelAll` drops it; several due at one time trigger it in
 * successive delta cycles (the first in the earliest delta possible, as a
 * timed notification), so a process sensitive to it sees each one. As
 * SystemC 2.3.4's `sc_event_queue.cpp`: the due times in a priority queue,
 * the event notified for a new earliest one, and a method process of the
 * queue's own that takes the earliest off each time the event fires and
 * notifies it for the next (zero delay, a delta later, when due now too).
 * There is no immediate form: `notify(0)` is a delta notification.
 */
export class SimEventQueue {
  /** The queue's name (its event's and method process's too). */
  readonly name: string;
  /** What processes wait for or are sensitive to (`default_event`). */
  readonly event: SimEvent;
  readonly #sim: Simulator;
  /** Pending due times: a min-heap. */
  readonly #heap: SimTime[] = [];

  constructor(sim: Simulator, name: string) {
    this.name = name;
    this.#sim = sim;
    this.event = sim.event(`${name}.event`);
    sim.method(name, () => this.#fire(), { sensitive: [this.event], dontInitialize: true });
  }

  /** Notifications not yet triggered. */
  get pending(): number {
    return this.#heap.length;
  }

  /** Triggers `event` once at `now + delay` ps (`0`: the next delta cycle). */
  notify(delay: SimTime): void {
    if (!(Number.isSafeInteger(delay) && delay >= 0)) {
      throw new RangeError(
        `${this.name}: notify delay must be a non-negative integer number of ps, got ${String(delay)}`,
      );
    }
    const when = this.#sim.now + delay;
    const heap = this.#heap;
    if (heap.length === 0 || when < heap[0]!) this.event.notify(delay);
    push(heap, when);
  }

  /** Drops every pending notification (`cancel_all`). */
  cancelAll(): void {
    this.#heap.length = 0;
    this.event.cancel();
  }

  #fire(): void {
    const heap = this.#heap;
    if (heap.length === 0) return;
    pop(heap);
    if (heap.length > 0) this.event.notify(heap[0]! - this.#sim.now);
  }
}

function push(heap: SimTime[], t: SimTime): void {
  let i = heap.length;
  heap.push(t);
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= t) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = t;
}

function pop(heap: SimTime[]): void {
  const last = heap.pop()!;
  const n = heap.length;
  if (n === 0) return;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const c = l + 1 < n && heap[l + 1]! < heap[l]! ? l + 1 : l;
    if (last <= heap[c]!) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = last;
}
