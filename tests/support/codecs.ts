import * as wire from '../../generated/wire/index.js';
import type { TypeIR } from '../../generator/ir/model.js';
import type { EncodeError } from '../../runtime/wire/index.js';

/** The generated functions of one structure, looked up by name. */
export interface Codec {
  decode(bytes: Uint8Array, ...params: number[]): unknown;
  encode(v: unknown, ...params: number[]): Uint8Array;
  validate(v: unknown, ...params: number[]): EncodeError | undefined;
  size(v: unknown): number;
}

const table = wire as unknown as Record<string, unknown>;

function fn<T>(name: string): T {
  const f = table[name];
  if (typeof f !== 'function') throw new Error(`generated/wire exports no function ${name}`);
  return f as T;
}

export function codecOf(t: TypeIR): Codec {
  return {
    decode: fn(`decode${t.tsName}`),
    encode: fn(`encode${t.tsName}`),
    validate: fn(`validate${t.tsName}`),
    size: fn(`size${t.tsName}`),
  };
}

/** Encode, taking the structure's parameters from the value (see {@link paramsFor}). */
export function encodeWithParams(t: TypeIR, codec: Codec, v: unknown): Uint8Array {
  return codec.encode(v, ...paramsFor(t, v));
}

/** Validate, taking the structure's parameters from the value. */
export function validateWithParams(t: TypeIR, codec: Codec, v: unknown): EncodeError | undefined {
  return codec.validate(v, ...paramsFor(t, v));
}

/** Decode parameters for a value: a parameter that sizes a field takes that field's length. */
export function paramsFor(t: TypeIR, v: unknown): number[] {
  return t.params.map((p) => {
    const sized = t.fields.find((f) => f.size.kind === 'param' && f.size.param === p.id);
    const x = sized === undefined ? undefined : (v as Record<string, unknown>)[sized.tsName];
    return x instanceof Uint8Array ? x.length : 0;
  });
}
