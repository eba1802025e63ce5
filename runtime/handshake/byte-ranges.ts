/** The byte ranges of one handshake message received so far: sorted disjoint intervals, merged on insertion. */
export class ByteRanges {
  /** start0, end0, start1, end1, ...: ascending, with end_i < start_{i+1}. */
  private readonly edges: number[] = [];
  private total = 0;

  get count(): number {
    return this.edges.length >>> 1;
  }

  get covered(): number {
    return this.total;
  }

  /** End of the range that starts at 0 (the in-order prefix), or 0. */
  get prefixEnd(): number {
    return this.edges[0] === 0 ? (this.edges[1] ?? 0) : 0;
  }

  /** True when the ranges are exactly [0, length). */
  isWhole(length: number): boolean {
    return this.total === length;
  }

  /** The ranges that overlap or touch [start, end): index of the first and how many. */
  touching(start: number, end: number): { readonly first: number; readonly n: number } {
    // First range whose end >= start (ends ascend with the ranges).
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.edges[2 * mid + 1]! < start) lo = mid + 1;
      else hi = mid;
    }
    let n = 0;
    while (lo + n < this.count && this.edges[2 * (lo + n)]! <= end) n++;
    return { first: lo, n };
  }

  /** Calls `visit(from, to)` for each covered part of [start, end) in order; returns the first value it returns. */
  findInOverlaps<T>(start: number, end: number, visit: (from: number, to: number) => T | undefined): T | undefined {
    const { first, n } = this.touching(start, end);
    for (let i = first; i < first + n; i++) {
      const from = Math.max(start, this.edges[2 * i]!);
      const to = Math.min(end, this.edges[2 * i + 1]!);
      if (from < to) {
        const found = visit(from, to);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  coveredWithin(start: number, end: number): number {
    let n = 0;
    this.findInOverlaps(start, end, (from, to) => {
      n += to - from;
      return undefined;
    });
    return n;
  }

  countAfterInsert(start: number, end: number): number {
    if (start >= end) return this.count;
    return this.count - this.touching(start, end).n + 1;
  }

  /** Adds [start, end), merging what it meets; returns how many bytes were not covered before. */
  insert(start: number, end: number): number {
    if (start >= end) return 0;
    const { first, n } = this.touching(start, end);
    let lo = start;
    let hi = end;
    let before = 0;
    for (let i = first; i < first + n; i++) {
      const s = this.edges[2 * i]!;
      const e = this.edges[2 * i + 1]!;
      before += e - s;
      if (s < lo) lo = s;
      if (e > hi) hi = e;
    }
    this.edges.splice(2 * first, 2 * n, lo, hi);
    const added = hi - lo - before;
    this.total += added;
    return added;
  }

  list(): (readonly [number, number])[] {
    const out: (readonly [number, number])[] = [];
    for (let i = 0; i < this.edges.length; i += 2) out.push([this.edges[i]!, this.edges[i + 1]!]);
    return out;
  }
}
