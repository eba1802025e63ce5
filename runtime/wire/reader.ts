import { DecodeError, formatPath, type PathSegment } from './errors.js';

/** A zero-copy big-endian cursor for generated decoders; failures are {@link DecodeError}s naming the field path. */
export class Reader {
  /** The whole input. */
  buf: Uint8Array;
  /** Next byte to read. */
  pos: number;
  /** End of the innermost enclosing structure (exclusive). */
  end: number;
  private root: string;
  /** Path segments entered so far; allocated on the first `enter` (flat structures never need it). */
  private segments: PathSegment[] | undefined;
  private depth = 0;

  constructor(buf: Uint8Array, root: string, start = 0, end = buf.length) {
    this.buf = buf;
    this.root = root;
    this.pos = start;
    this.end = end;
  }

  /** The reader generated `decode…` functions share (decoding never nests): no allocation per call. */
  static acquire(buf: Uint8Array, root: string): Reader {
    const r = shared;
    r.buf = buf;
    r.root = root;
    r.pos = 0;
    r.end = buf.length;
    r.depth = 0;
    return r;
  }

  /** Bytes left before the innermost limit. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Enter a nested field or list element: later errors carry it in their path. */
  enter(segment: PathSegment): void {
    (this.segments ??= [])[this.depth++] = segment;
  }

  /** Leave the segment entered last. */
  leave(): void {
    this.depth--;
  }

  /** A DecodeError for `field` at `offset` (default: the current position). */
  error(field: string | undefined, reason: string, offset = this.pos): DecodeError {
    return new DecodeError(formatPath(this.root, this.segments ?? [], this.depth, field), offset, reason);
  }

  private need(n: number, field: string): void {
    if (this.end - this.pos < n) {
      throw this.error(field, `truncated: needs ${n} byte${n === 1 ? '' : 's'}, ${this.end - this.pos} left`);
    }
  }

  u8(field: string): number {
    if (this.pos >= this.end) this.need(1, field);
    return this.buf[this.pos++]!;
  }

  u16(field: string): number {
    const p = this.pos;
    if (this.end - p < 2) this.need(2, field);
    this.pos = p + 2;
    return (this.buf[p]! << 8) | this.buf[p + 1]!;
  }

  u24(field: string): number {
    const p = this.pos;
    if (this.end - p < 3) this.need(3, field);
    this.pos = p + 3;
    return (this.buf[p]! << 16) | (this.buf[p + 1]! << 8) | this.buf[p + 2]!;
  }

  u32(field: string): number {
    const p = this.pos;
    if (this.end - p < 4) this.need(4, field);
    this.pos = p + 4;
    return ((this.buf[p]! << 24) | (this.buf[p + 1]! << 16) | (this.buf[p + 2]! << 8) | this.buf[p + 3]!) >>> 0;
  }

  /** `n` bytes as a view into the input. */
  bytes(n: number, field: string): Uint8Array {
    const p = this.pos;
    if (this.end - p < n) this.need(n, field);
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  /** Every byte up to the innermost limit. */
  rest(): Uint8Array {
    const p = this.pos;
    this.pos = this.end;
    return this.buf.subarray(p, this.end);
  }

  /** Bound the next `n` bytes as the extent of `field`; returns the enclosing end, for {@link unlimit}. */
  limit(n: number, field: string): number {
    if (this.end - this.pos < n) this.need(n, field);
    const outer = this.end;
    this.end = this.pos + n;
    return outer;
  }

  /** Close the extent opened by {@link limit}: every byte of it must have been read. */
  unlimit(outer: number, field: string): void {
    if (this.pos !== this.end) {
      throw this.error(
        field,
        `${this.end - this.pos} trailing byte${this.end - this.pos === 1 ? '' : 's'} inside ${field}`,
      );
    }
    this.end = outer;
  }

  /** Fail unless the list extent holds a whole number of `width`-byte elements. */
  multipleOf(width: number, field: string): void {
    const n = this.end - this.pos;
    if (n % width !== 0) throw this.error(field, `length ${n} is not a multiple of the element size ${width}`);
  }

  /** Fail unless the whole input was consumed; then let go of the input. */
  finish(): void {
    if (this.pos !== this.end) {
      throw this.error(undefined, `${this.end - this.pos} trailing byte${this.end - this.pos === 1 ? '' : 's'}`);
    }
    this.buf = EMPTY;
  }
}

const EMPTY = new Uint8Array(0);
const shared = new Reader(EMPTY, '');
