/** The one strict DER (X.690 §10) TLV reader; errors are {@link DecodeError}s with a path into the structure. */
import { DecodeError } from './errors.js';

/** One TLV. `contents` and `encoded` alias the input. */
export interface DerElement {
  readonly tag: number;
  readonly contents: Uint8Array;
  /** The whole TLV: identifier, length and contents. */
  readonly encoded: Uint8Array;
  /** Offset of the identifier octet in the outermost buffer. */
  readonly offset: number;
}

export class DerReader {
  private pos = 0;
  private readonly bytes: Uint8Array;
  private readonly base: number;
  /** Path of the structure being read, for errors (`Certificate.tbsCertificate`). */
  readonly path: string;

  constructor(bytes: Uint8Array, path: string, base = 0) {
    this.bytes = bytes;
    this.path = path;
    this.base = base;
  }

  static within(element: DerElement, path: string): DerReader {
    return new DerReader(element.contents, path, element.offset + (element.encoded.length - element.contents.length));
  }

  get done(): boolean {
    return this.pos === this.bytes.length;
  }

  peekTag(): number | undefined {
    return this.bytes[this.pos];
  }

  /** Throws a {@link DecodeError} for `field` (`''`: the structure) at the current position or the absolute `offset`. */
  fail(field: string, reason: string, offset = this.base + this.pos): never {
    throw new DecodeError(field === '' ? this.path : `${this.path}.${field}`, offset, reason);
  }

  /** The next TLV, whatever its tag. */
  next(field: string): DerElement {
    const b = this.bytes;
    const start = this.pos;
    const tag = b[start];
    if (tag === undefined) this.fail(field, 'missing');
    if ((tag & 0x1f) === 0x1f) this.fail(field, 'multi-byte tag');
    const first = b[start + 1];
    if (first === undefined) this.fail(field, 'truncated length');
    let length = first;
    let p = start + 2;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n === 0) this.fail(field, 'indefinite length');
      if (n > 4) this.fail(field, 'length too large');
      length = 0;
      for (let i = 0; i < n; i++) {
        const byte = b[p++];
        if (byte === undefined) this.fail(field, 'truncated length');
        if (i === 0 && byte === 0) this.fail(field, 'non-minimal length');
        length = length * 256 + byte;
      }
      if (length < 0x80) this.fail(field, 'non-minimal length');
    }
    if (p + length > b.length) this.fail(field, `truncated: needs ${length} bytes, ${b.length - p} left`);
    this.pos = p + length;
    return {
      tag,
      contents: b.subarray(p, p + length),
      encoded: b.subarray(start, p + length),
      offset: this.base + start,
    };
  }

  /** The next TLV, which must have `tag`. */
  read(tag: number, field: string): DerElement {
    const found = this.peekTag();
    if (found !== tag)
      this.fail(field, found === undefined ? 'missing' : `expected tag 0x${hex2(tag)}, got 0x${hex2(found)}`);
    return this.next(field);
  }

  /** The next TLV when it has `tag`, else `undefined` (for OPTIONAL and DEFAULT fields). */
  optional(tag: number, field: string): DerElement | undefined {
    return this.peekTag() === tag ? this.next(field) : undefined;
  }

  end(field: string): void {
    if (!this.done) this.fail(field, 'trailing data');
  }
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** X.690 §8.19: the dotted form of an OBJECT IDENTIFIER's contents. */
export function decodeOid(r: DerReader, element: DerElement, field: string): string {
  const v = element.contents;
  if (v.length === 0) r.fail(field, 'empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let n = 0;
  let start = true;
  for (const byte of v) {
    if (start && byte === 0x80) r.fail(field, 'non-minimal OBJECT IDENTIFIER arc');
    if (n > Number.MAX_SAFE_INTEGER / 128) r.fail(field, 'OBJECT IDENTIFIER arc too large');
    n = n * 128 + (byte & 0x7f);
    start = (byte & 0x80) === 0;
    if (start) {
      arcs.push(n);
      n = 0;
    }
  }
  if (!start) r.fail(field, 'truncated OBJECT IDENTIFIER');
  const first = arcs[0] ?? 0;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** The big-endian magnitude of a non-negative minimal INTEGER (X.690 §8.3), no leading zero; empty for zero. Aliases. */
export function decodeUnsignedMagnitude(r: DerReader, element: DerElement, field: string): Uint8Array {
  const v = element.contents;
  const b0 = v[0];
  if (b0 === undefined) r.fail(field, 'empty INTEGER', element.offset);
  if (b0 & 0x80) r.fail(field, 'negative INTEGER', element.offset);
  const b1 = v[1];
  if (b0 === 0 && b1 !== undefined && (b1 & 0x80) === 0) r.fail(field, 'non-minimal INTEGER', element.offset);
  return b0 === 0 ? v.subarray(1) : v;
}

/** A non-negative, minimally encoded INTEGER (X.690 §8.3) that fits a JavaScript number. */
export function decodeSmallInteger(r: DerReader, element: DerElement, field: string): number {
  const magnitude = decodeUnsignedMagnitude(r, element, field);
  let value = 0;
  for (const byte of magnitude) value = value * 256 + byte;
  if (magnitude.length > 7 || !Number.isSafeInteger(value)) r.fail(field, 'INTEGER too large', element.offset);
  return value;
}

/** BOOLEAN in DER: one octet, 0x00 or 0xff (X.690 §11.1). */
export function decodeBoolean(r: DerReader, element: DerElement, field: string): boolean {
  const v = element.contents;
  if (v.length !== 1 || (v[0] !== 0x00 && v[0] !== 0xff)) r.fail(field, 'BOOLEAN must be one octet 0x00 or 0xff');
  return v[0] === 0xff;
}
