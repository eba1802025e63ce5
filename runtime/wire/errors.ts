/** Errors of the wire layer: one {@link DecodeError} per malformed input, {@link EncodeError}s; both name the field path. */

/** Malformed bytes: what was wrong, in which field, at which byte offset. Maps to the `decode_error` alert (RFC 8446 §6.2). */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** The field path, from the top-level structure down (`ClientHello.cipher_suites`). */
  readonly path: string;
  /** Offset in the decoded buffer where the failing field starts. */
  readonly offset: number;
  /** What was wrong (`truncated: needs 2 bytes, 1 left`). */
  readonly reason: string;
  /** The alert a protocol endpoint answers this error with. */
  readonly alert = 'decode_error';

  constructor(path: string, offset: number, reason: string) {
    super(`${path} at offset ${offset}: ${reason}`);
    this.path = path;
    this.offset = offset;
    this.reason = reason;
  }
}

/** A value that has no wire form: out of range for its field, or outside an RFC vector bound. */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  /** The field path, from the top-level structure down. */
  readonly path: string;
  /** What was wrong. */
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

/** A path segment: a field id, or an index into a list. */
export type PathSegment = string | number;

/** Joins a root name, the segments entered so far and a field into `Root.a[3].b.field`. */
export function formatPath(
  root: string,
  segments: readonly PathSegment[],
  depth: number,
  field: string | undefined,
): string {
  let path = root;
  for (let i = 0; i < depth; i++) {
    const s = segments[i];
    path += typeof s === 'number' ? `[${s}]` : `.${s}`;
  }
  return field === undefined || field === '' ? path : `${path}.${field}`;
}
