import type { SimEvent } from './event.js';

/**
 * The timed notification queue: a binary min-heap of events keyed on
 * (`when`, `seq`), so events due at the same instant leave in the order their
 * notifications were made. An event holds at most one pending timed
 * notification (IEEE 1666 §5.10.8), so the heap holds events themselves, each
 * knowing its own slot (`heapIndex`): push, pop, remove and decrease-key are
 * O(log n) and allocate nothing.
 */
export class EventQueue {
  private readonly items: SimEvent[] = [];

  /** Pending timed notifications. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest due time; the queue must not be empty. */
  peekTime(): number {
    return this.items[0]!.when;
  }

  /** Adds `ev` (its `when` and `seq` already set). */
  push(ev: SimEvent): void {
    const items = this.items;
    ev.heapIndex = items.length;
    items.push(ev);
    this.siftUp(ev.heapIndex);
  }

  /** Removes and returns the earliest event; the queue must not be empty. */
  pop(): SimEvent {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (last !== top) {
      items[0] = last;
      last.heapIndex = 0;
      this.siftDown(0);
    }
    top.heapIndex = -1;
    return top;
  }

  /** Removes `ev` wherever it is. */
  remove(ev: SimEvent): void {
    const items = this.items;
    const i = ev.heapIndex;
    if (i < 0) return;
    const last = items.pop()!;
    ev.heapIndex = -1;
    if (last === ev) return;
    items[i] = last;
    last.heapIndex = i;
    this.siftDown(i);
    this.siftUp(last.heapIndex);
  }

  /** Restores order after `ev`'s key became smaller. */
  decreased(ev: SimEvent): void {
    this.siftUp(ev.heapIndex);
  }

  private siftUp(i: number): void {
    const items = this.items;
    const ev = items[i]!;
    const when = ev.when;
    const seq = ev.seq;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (parent.when < when || (parent.when === when && parent.seq < seq)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = parentIndex;
    }
    items[i] = ev;
    ev.heapIndex = i;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    const ev = items[i]!;
    const when = ev.when;
    const seq = ev.seq;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      let child = items[l]!;
      const r = l + 1;
      if (r < n) {
        const right = items[r]!;
        if (right.when < child.when || (right.when === child.when && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (when < child.when || (when === child.when && seq < child.seq)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = ev;
    ev.heapIndex = i;
  }
}
