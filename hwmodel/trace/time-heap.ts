/**
 * A min-heap of items ordered by time, then by insertion (stable for equal
 * times). Held as parallel arrays, so a push allocates no entry object (the
 * activity monitor pushes several per lane grant); times and insertion
 * numbers in Float64Arrays, so reading one back (a pop, a peek) makes no
 * number object (times in ps are beyond the small-integer range).
 */
export class TimeHeap<T> {
  #times = new Float64Array(64);
  #seqs = new Float64Array(64);
  readonly #items: (T | undefined)[] = [];
  #size = 0;
  #seq = 0;

  get size(): number {
    return this.#size;
  }

  /** Earliest time held, or undefined when empty. */
  peekTime(): number | undefined {
    return this.#size === 0 ? undefined : this.#times[0];
  }

  push(time: number, item: T): void {
    if (this.#size === this.#times.length) this.#grow();
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    const seq = this.#seq++;
    let i = this.#size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (!(time < pt || (time === pt && seq < seqs[p]!))) break;
      times[i] = pt;
      seqs[i] = seqs[p]!;
      items[i] = items[p];
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const n = this.#size - 1;
    if (n < 0) return undefined;
    const times = this.#times;
    const seqs = this.#seqs;
    const items = this.#items;
    const top = items[0];
    this.#size = n;
    const time = times[n]!;
    const seq = seqs[n]!;
    const item = items[n];
    items[n] = undefined; // let the item go
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
      items[i] = items[m];
      i = m;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
    return top;
  }

  #grow(): void {
    const times = new Float64Array(this.#times.length * 2);
    times.set(this.#times);
    this.#times = times;
    const seqs = new Float64Array(this.#seqs.length * 2);
    seqs.set(this.#seqs);
    this.#seqs = seqs;
  }
}
