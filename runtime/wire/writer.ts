import { EncodeError, formatPath, type PathSegment } from './errors.js';

const MAX_BY_WIDTH = [0, 0xff, 0xffff, 0xffffff, 0xffffffff] as const;
/** For strings that are not ASCII (node's TextEncoder makes an ArrayBuffer per encode: ASCII is written byte by byte). */
const utf8Encoder = new TextEncoder();

/** A growable big-endian byte sink for generated encoders; failures are {@link EncodeError}s with the field path. */
export class Writer {
  buf: Uint8Array;
  pos = 0;
  private root: string;
  /** Path segments entered so far; allocated on the first `enter` (flat structures never need it). */
  private segments: PathSegment[] | undefined;
  private depth = 0;

  constructor(root: string, initialCapacity = 256) {
    this.root = root;
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Enter a nested field or list element: later errors carry it in their path. */
  enter(segment: PathSegment): void {
    (this.segments ??= [])[this.depth++] = segment;
  }

  /** Leave the segment entered last. */
  leave(): void {
    this.depth--;
  }

  /** An EncodeError for `field`. */
  error(field: string | undefined, reason: string): EncodeError {
    return new EncodeError(formatPath(this.root, this.segments ?? [], this.depth, field), reason);
  }

  private grow(n: number): void {
    let size = Math.max(64, this.buf.length * 2);
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Fail unless `v` is an integer that fits `width` bytes. */
  checkUint(v: number, width: 1 | 2 | 3 | 4, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > MAX_BY_WIDTH[width]) {
      throw this.error(field, `${String(v)} is not an unsigned ${width * 8}-bit integer`);
    }
  }

  u8(v: number, field: string): void {
    if ((v & 0xff) !== v) this.checkUint(v, 1, field);
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number, field: string): void {
    if ((v & 0xffff) !== v) this.checkUint(v, 2, field);
    if (this.pos + 2 > this.buf.length) this.grow(2);
    const p = this.pos;
    this.buf[p] = v >>> 8;
    this.buf[p + 1] = v;
    this.pos = p + 2;
  }

  u24(v: number, field: string): void {
    if ((v & 0xffffff) !== v) this.checkUint(v, 3, field);
    if (this.pos + 3 > this.buf.length) this.grow(3);
    const p = this.pos;
    this.buf[p] = v >>> 16;
    this.buf[p + 1] = v >>> 8;
    this.buf[p + 2] = v;
    this.pos = p + 3;
  }

  u32(v: number, field: string): void {
    if (v >>> 0 !== v) this.checkUint(v, 4, field);
    if (this.pos + 4 > this.buf.length) this.grow(4);
    const p = this.pos;
    this.buf[p] = v >>> 24;
    this.buf[p + 1] = v >>> 16;
    this.buf[p + 2] = v >>> 8;
    this.buf[p + 3] = v;
    this.pos = p + 4;
  }

  /** Copy `b` as it is. */
  bytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** `s` in UTF-8, no length: an ASCII string byte by byte, any other through TextEncoder. */
  utf8(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.bytes(utf8Encoder.encode(s));
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** Copy `b`, which must be exactly `n` bytes long. */
  fixed(b: Uint8Array, n: number, field: string): void {
    if (b.length !== n) throw this.error(field, `must be ${n} bytes, is ${b.length}`);
    this.bytes(b);
  }

  /** Reserve a `width`-byte length prefix; returns its position for {@link patchLength}. */
  reserve(width: 1 | 2 | 3): number {
    if (this.pos + width > this.buf.length) this.grow(width);
    const at = this.pos;
    this.pos += width;
    return at;
  }

  /** Fill the length prefix reserved at `at` with the bytes written since `start`, within the field's bounds. */
  patchLength(at: number, width: 1 | 2 | 3, start: number, min: number, max: number, field: string): void {
    const n = this.pos - start;
    if (n < min || n > max || n > MAX_BY_WIDTH[width])
      throw this.error(field, `encodes to ${n} bytes, outside ${min}..${Math.min(max, MAX_BY_WIDTH[width])}`);
    const b = this.buf;
    if (width === 1) b[at] = n;
    else if (width === 2) {
      b[at] = n >>> 8;
      b[at + 1] = n;
    } else {
      b[at] = n >>> 16;
      b[at + 1] = n >>> 8;
      b[at + 2] = n;
    }
  }

  /** The bytes written so far (a view; copy it to keep it past the next use of this writer). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Start over for a new top-level structure named `root`, keeping the buffer. */
  reset(root: string): void {
    this.root = root;
    this.pos = 0;
    this.depth = 0;
  }
}
