/** `exportKeyingMaterial`'s arguments, checked with node:dtls's errors (`ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE`). */
import { described } from '../config-error.js';
import { argumentError } from './errors.js';

/** Node's ERR_INVALID_ARG_TYPE for argument `name`, which must be `expected`. */
function wrongType(name: string, expected: string, value: unknown): TypeError | RangeError {
  return argumentError(
    'ERR_INVALID_ARG_TYPE',
    `The "${name}" argument must be ${expected}. Received ${described(value)}`,
  );
}

/** The context as bytes (a DataView's or other view's own range), or undefined; throws for bad arguments. */
export function keyingMaterialArguments(
  length: unknown,
  label: unknown,
  context: unknown,
  most: number,
): Uint8Array | undefined {
  if (typeof length !== 'number') throw wrongType('length', 'of type number', length);
  if (!Number.isInteger(length) || length < 1 || length > most) {
    throw argumentError(
      'ERR_OUT_OF_RANGE',
      `The value of "length" is out of range. It must be >= 1 && <= ${most}. Received ${String(length)}`,
    );
  }
  if (typeof label !== 'string') throw wrongType('label', 'of type string', label);
  if (context === undefined) return undefined;
  if (!ArrayBuffer.isView(context))
    throw wrongType('context', 'an instance of Buffer, TypedArray, or DataView', context);
  return context instanceof Uint8Array
    ? context
    : new Uint8Array(context.buffer, context.byteOffset, context.byteLength);
}
