/**
 * A compact form for plain values whose shape is known ahead (a hibernated session): each field's value in the schema's
 * order, no names, integers as LEB128 varints, and the bytes kept as a one-byte string (V8 holds one in its heap with a
 * 16-byte header; a Uint8Array costs a buffer object and a C allocation of its own). The size depends on the values
 * only, not on how the engine happens to represent them, and nothing here needs Node.
 */

/** How one field is written. */
export type FieldKind =
  | 'uint'
  | 'int'
  | 'float'
  | 'bool'
  | 'bytes'
  | 'text'
  | { readonly optional: FieldKind }
  | { readonly list: FieldKind }
  | { readonly record: readonly (readonly [string, FieldKind])[] };

/** An object's fields, in the order written. */
export type Schema<T> = readonly (readonly [keyof T & string, FieldKind])[];

/** A schema's fields that `T` has and the schema does not name: `never` when it names them all. */
export type Unnamed<T, S extends Schema<T>> = Exclude<keyof T, S[number][0]>;

export class FrozenFormError extends TypeError {
  override readonly name = 'FrozenFormError';
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

class FormWriter {
  private buf = new Uint8Array(512);
  private at = 0;
  private readonly f64 = new DataView(new ArrayBuffer(8));
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  uint(n: number, field: string): void {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new FrozenFormError(`${field}: ${n} is not a non-negative safe integer`);
    this.room(8);
    for (let v = n; ; v = Math.floor(v / 128)) {
      if (v < 128) {
        this.buf[this.at++] = v;
        return;
      }
      this.buf[this.at++] = (v % 128) | 0x80;
    }
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  float(n: number): void {
    this.f64.setFloat64(0, n, true);
    this.raw(this.f64Bytes);
  }

  value(v: unknown, kind: FieldKind, field: string): void {
    if (typeof kind === 'object') {
      if ('optional' in kind) {
        this.uint(v === undefined ? 0 : 1, field);
        if (v !== undefined) this.value(v, kind.optional, field);
      } else if ('list' in kind) {
        if (!Array.isArray(v)) throw new FrozenFormError(`${field}: not a list`);
        this.uint(v.length, field);
        v.forEach((item: unknown, i) => this.value(item, kind.list, `${field}[${i}]`));
      } else {
        if (typeof v !== 'object' || v === null) throw new FrozenFormError(`${field}: not a record`);
        for (const [name, k] of kind.record) this.value((v as Record<string, unknown>)[name], k, `${field}.${name}`);
      }
      return;
    }
    switch (kind) {
      case 'uint':
        return this.uint(v as number, field);
      case 'int': {
        const n = v as number;
        return this.uint(n >= 0 ? n * 2 : -n * 2 - 1, field);
      }
      case 'float':
        if (typeof v !== 'number') throw new FrozenFormError(`${field}: not a number`);
        return this.float(v);
      case 'bool':
        return this.uint(v === true ? 1 : 0, field);
      case 'bytes':
      case 'text': {
        const b =
          kind === 'text'
            ? typeof v === 'string'
              ? utf8.encode(v)
              : undefined
            : v instanceof Uint8Array
              ? v
              : undefined;
        if (b === undefined) throw new FrozenFormError(`${field}: not ${kind === 'text' ? 'a string' : 'bytes'}`);
        this.uint(b.length, field);
        return this.raw(b);
      }
    }
  }

  /** What was written, one character per byte. */
  finish(): string {
    let s = '';
    for (let i = 0; i < this.at; i += 4096)
      s += String.fromCharCode(...this.buf.subarray(i, Math.min(this.at, i + 4096)));
    return s;
  }
}

class FormReader {
  private at = 0;
  private readonly b: Uint8Array;
  private readonly f64 = new DataView(new ArrayBuffer(8));
  private readonly f64Bytes = new Uint8Array(this.f64.buffer);

  constructor(s: string) {
    this.b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new FrozenFormError('not a frozen form: a character above 0xff');
      this.b[i] = c;
    }
  }

  private fail(field: string, why: string): never {
    throw new FrozenFormError(`not a frozen form: ${field} at offset ${this.at}: ${why}`);
  }

  uint(field: string): number {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      if (this.at >= this.b.length) this.fail(field, 'ends early');
      const byte = this.b[this.at++]!;
      n += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      if (scale > 2 ** 49) this.fail(field, 'varint too long');
    }
    return n;
  }

  raw(n: number, field: string): Uint8Array {
    if (this.at + n > this.b.length) this.fail(field, 'ends early');
    const out = this.b.slice(this.at, this.at + n);
    this.at += n;
    return out;
  }

  value(kind: FieldKind, field: string): unknown {
    if (typeof kind === 'object') {
      if ('optional' in kind) return this.uint(field) === 0 ? undefined : this.value(kind.optional, field);
      if ('list' in kind)
        return Array.from({ length: this.uint(field) }, (_, i) => this.value(kind.list, `${field}[${i}]`));
      const o: Record<string, unknown> = {};
      for (const [name, k] of kind.record) o[name] = this.value(k, `${field}.${name}`);
      return o;
    }
    switch (kind) {
      case 'uint':
        return this.uint(field);
      case 'int': {
        const z = this.uint(field);
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case 'float':
        this.f64Bytes.set(this.raw(8, field));
        return this.f64.getFloat64(0, true);
      case 'bool':
        return this.uint(field) === 1;
      case 'bytes':
        return this.raw(this.uint(field), field);
      case 'text':
        try {
          return fromUtf8.decode(this.raw(this.uint(field), field));
        } catch (e) {
          if (e instanceof FrozenFormError) throw e;
          return this.fail(field, 'not UTF-8');
        }
    }
  }

  end(): void {
    if (this.at !== this.b.length) this.fail('the end', `${this.b.length - this.at} bytes left over`);
  }
}

/** `value` (of the shape `schema` names) in its frozen form. @throws FrozenFormError when a field does not fit its kind (a bug). */
export function freezeForm<T extends object>(value: T, schema: Schema<T>, root: string): string {
  const w = new FormWriter();
  w.value(value, { record: schema }, root);
  return w.finish();
}

/** The value again. @throws FrozenFormError when `frozen` is not a form of `schema`. */
export function thawForm<T extends object>(frozen: string, schema: Schema<T>, root: string): T {
  const r = new FormReader(frozen);
  const v = r.value({ record: schema }, root);
  r.end();
  return v as T;
}
