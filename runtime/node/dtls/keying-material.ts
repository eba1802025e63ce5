/**
 * `session.exportKeyingMaterial(length, label, context)`'s arguments, checked as node:dtls checks them, with Node's
 * errors and wording: a `length` that is no number, a `label` that is no string or a `context` that is no Buffer,
 * TypedArray or DataView is `ERR_INVALID_ARG_TYPE`; a `length` outside 1..`most` is `ERR_OUT_OF_RANGE`.
 */
import { described } from '../../config-error.js';
import { argumentError } from './errors.js';

/** The context as bytes (a DataView's or other view's own range), or undefined; throws for bad arguments. */
export function keyingMaterialArguments(
  length: unknown,
  label: unknown,
  context: unknown,
  most: number,
): Uint8Array | undefined {
  if (typeof length !== 'number')
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "length" argument must be of type number. Received ${described(length)}`,
    );
  if (!Number.isInteger(length) || length < 1 || length > most) {
    throw argumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "length" is out of range. It must be >= 1 && <= ${most}. Received ${String(length)}`,
    );
  }
  if (typeof label !== 'string')
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "label" argument must be of type string. Received ${described(label)}`,
    );
  if (context === undefined) return undefined;
  if (!ArrayBuffer.isView(context)) {
    throw argumentError(
      'ERR_INVALID_ARG_TYPE',
      `The "context" argument must be an instance of Buffer, TypedArray, or DataView. Received ${described(context)}`,
    );
  }
  return context instanceof Uint8Array
    ? context
    : new Uint8Array(context.buffer, context.byteOffset, context.byteLength);
}
