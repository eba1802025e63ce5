/**
 * keyingMaterialArguments (runtime/api/keying-material.ts): exportKeyingMaterial's arguments checked as node:tls
 * checks them, with Node's codes: ERR_INVALID_ARG_TYPE (TypeError) and ERR_OUT_OF_RANGE (RangeError).
 */
import test from 'ava';
import { keyingMaterialArguments } from '../../runtime/api/keying-material.js';

test('a context is returned as bytes over its own range, whatever view it is', (t) => {
  t.is(keyingMaterialArguments(32, 'EXPORTER', undefined, 8160), undefined);
  const bytes = Uint8Array.of(1, 2, 3);
  t.is(keyingMaterialArguments(1, '', bytes, 10), bytes);
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const view = new DataView(backing.buffer, 2, 3);
  t.deepEqual(keyingMaterialArguments(1, 'x', view, 10), Uint8Array.of(1, 2, 3));
  t.is(keyingMaterialArguments(1, 'x', new Uint16Array([0x0201]), 10)!.length, 2, 'bytes, not elements');
  const buffer = Buffer.from('ab');
  t.is(keyingMaterialArguments(1, 'x', buffer, 10), buffer, 'a Buffer is a Uint8Array: as given');
});

test('length: a number (TypeError), an integer in 1..most (RangeError)', (t) => {
  const type = t.throws(() => keyingMaterialArguments('32', 'x', undefined, 10), { instanceOf: TypeError })!;
  t.is((type as { code?: string }).code, 'ERR_INVALID_ARG_TYPE');
  t.regex(type.message, /"length" argument must be of type number. Received type string/);
  for (const bad of [0, 11, 1.5, Number.NaN, -1]) {
    const e = t.throws(() => keyingMaterialArguments(bad, 'x', undefined, 10), { instanceOf: RangeError })!;
    t.is((e as { code?: string }).code, 'ERR_OUT_OF_RANGE');
    t.regex(e.message, /must be >= 1 && <= 10/);
  }
  t.is(keyingMaterialArguments(10, 'x', undefined, 10), undefined);
});

test('label a string, context a view: anything else a TypeError naming the argument', (t) => {
  const label = t.throws(() => keyingMaterialArguments(1, Buffer.from('x'), undefined, 10), { instanceOf: TypeError })!;
  t.regex(label.message, /"label" argument/);
  for (const bad of ['ctx', [1, 2], new ArrayBuffer(2), null]) {
    const e = t.throws(() => keyingMaterialArguments(1, 'x', bad, 10), { instanceOf: TypeError })!;
    t.regex(e.message, /"context" argument must be an instance of Buffer, TypedArray, or DataView/);
  }
});
