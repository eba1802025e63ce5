/**
 * A min-heap of items ordered by time, then by insertion (stable for equal
 * times). Held as three parallel arrays, so a push allocates no entry object
 * (the activity monitor pushes several per lane grant).
 */
export class TimeHeap<T> {
  readonly #times: number[] = [];
  readonly #seqs: number[] = [];
  readonly #items: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** Earliest time held, or undefined when empty. */
  peekTime(): number | undefined {
    return this.#times[0];
  }

  push(time: number, item: T): void {
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    const seq = this.#seq++;
    let i = items.length;
    times.push(time);
    seqs.push(seq);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (!(time < pt || (time === pt && seq < seqs[p]!))) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      items[i] = items[p]!;
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    const n = items.length - 1;
    if (n < 0) return undefined;
    const top = items[0]!;
    const time = times.pop()!;
    const seq = seqs.pop()!;
    const item = items.pop()!;
    if (n === 0) return top;
    // Sift the last entry down from the root.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let m = l;
      if (r < n && (times[r]! < times[l]! || (times[r] === times[l] && seqs[r]! < seqs[l]!))) m = r;
      const mt = times[m]!;
      if (!(mt < time || (mt === time && seqs[m]! < seq))) break;
      times[i] = mt;
      seqs[i] = seqs[m]!;
      items[i] = items[m]!;
      i = m;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return top;
  }
}
