/** A min-heap of items ordered by time, then by insertion (stable for equal times). */
export class TimeHeap<T> {
  readonly #items: { readonly time: number; readonly seq: number; readonly item: T }[] = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  /** Earliest time held, or undefined when empty. */
  peekTime(): number | undefined {
    return this.#items[0]?.time;
  }

  push(time: number, item: T): void {
    const a = this.#items;
    a.push({ time, seq: this.#seq++, item });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) break;
      this.#swap(i, p);
      i = p;
    }
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#less(l, m)) m = l;
        if (r < a.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top.item;
  }

  #less(i: number, j: number): boolean {
    const x = this.#items[i];
    const y = this.#items[j];
    if (x === undefined || y === undefined) return false;
    return x.time < y.time || (x.time === y.time && x.seq < y.seq);
  }

  #swap(i: number, j: number): void {
    const a = this.#items;
    const x = a[i];
    const y = a[j];
    if (x === undefined || y === undefined) return;
    a[i] = y;
    a[j] = x;
  }
}
