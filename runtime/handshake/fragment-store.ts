import { ByteRanges } from './byte-ranges.js';

/** One handshake message's bytes received so far: each byte once, in disjoint chunks merged up to a limit. */

/** Adjacent chunks are merged while together they stay within this many bytes. */
export const CHUNK_MERGE_LIMIT = 2048;

interface Chunk {
  readonly start: number;
  readonly bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export class FragmentStore {
  readonly length: number;
  /** Which bytes arrived, as merged ranges. */
  readonly ranges = new ByteRanges();
  /** The held bytes, ordered by start, disjoint, covering exactly `ranges`. */
  private readonly chunks: Chunk[] = [];

  constructor(length: number) {
    this.length = length;
  }

  get held(): number {
    return this.ranges.covered;
  }

  get complete(): boolean {
    return this.ranges.isWhole(this.length);
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** The whole body, put together now; only when {@link complete}. */
  body(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0]!.bytes;
    if (this.length === 0) return EMPTY;
    const out = new Uint8Array(this.length);
    for (const c of this.chunks) out.set(c.bytes, c.start);
    return out;
  }

  /** The first byte of `data` (at message offset `start`) that differs from one already held, or undefined. */
  firstMismatch(
    start: number,
    data: Uint8Array,
  ): { readonly at: number; readonly had: number; readonly got: number } | undefined {
    const end = start + data.length;
    return this.ranges.findInOverlaps(start, end, (from, to) => {
      // The chunks holding [from, to): from the one holding `from`, in order.
      for (let i = this.insertionPoint(from + 1) - 1, at = from; at < to; i++) {
        const c = this.chunks[i]!;
        for (const stop = Math.min(to, c.start + c.bytes.length); at < stop; at++) {
          const had = c.bytes[at - c.start]!;
          const got = data[at - start]!;
          if (had !== got) return { at, had, got };
        }
      }
      return undefined;
    });
  }

  /** Holds the bytes of `data` (at `start`) not held yet, returns how many; the caller checked they agree. */
  insert(start: number, data: Uint8Array): number {
    const end = start + data.length;
    if (start >= end) return 0;
    // The gaps of [start, end) between the ranges held, computed before the ranges change.
    const gaps: [number, number][] = [];
    let at = start;
    this.ranges.findInOverlaps(start, end, (from, to) => {
      if (from > at) gaps.push([at, from]);
      at = to;
      return undefined;
    });
    if (at < end) gaps.push([at, end]);
    for (const [from, to] of gaps) this.place(from, data.subarray(from - start, to - start));
    return this.ranges.insert(start, end);
  }

  /** Adds a copy of `bytes` at `start` (a gap), merged with small neighbours. */
  private place(start: number, bytes: Uint8Array): void {
    const i = this.insertionPoint(start);
    const left = this.chunks[i - 1];
    const right = this.chunks[i];
    const touchesLeft = left !== undefined && left.start + left.bytes.length === start;
    const touchesRight = right !== undefined && right.start === start + bytes.length;
    const withLeft = touchesLeft && left.bytes.length + bytes.length <= CHUNK_MERGE_LIMIT;
    const withRight =
      touchesRight && right.bytes.length + bytes.length + (withLeft ? left.bytes.length : 0) <= CHUNK_MERGE_LIMIT;
    if (!withLeft && !withRight) {
      this.chunks.splice(i, 0, { start, bytes: bytes.slice() });
      return;
    }
    const first = withLeft ? left : undefined;
    const from = first ? first.start : start;
    const size = (first?.bytes.length ?? 0) + bytes.length + (withRight ? right.bytes.length : 0);
    const merged = new Uint8Array(size);
    if (first) merged.set(first.bytes, 0);
    merged.set(bytes, start - from);
    if (withRight) merged.set(right.bytes, right.start - from);
    this.chunks.splice(withLeft ? i - 1 : i, (withLeft ? 1 : 0) + (withRight ? 1 : 0), { start: from, bytes: merged });
  }

  private insertionPoint(start: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.chunks[mid]!.start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
