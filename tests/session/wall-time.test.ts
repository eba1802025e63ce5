/**
 * Wall-clock times in tickets and session blobs (runtime/session/wall-time.ts): two uint32 (high, low), exact up to
 * 2^53 ms; a truncated field is a DecodeError naming it.
 */
import test from 'ava';
import { readWallTime, writeWallTime } from '../../runtime/session/wall-time.js';
import { DecodeError } from '../../runtime/wire/errors.js';
import { Reader } from '../../runtime/wire/reader.js';
import { Writer } from '../../runtime/wire/writer.js';

const roundTrip = (ms: number): number => {
  const w = new Writer('T');
  writeWallTime(w, ms, 'issued');
  const bytes = w.finish();
  return readWallTime(new Reader(bytes, 'T'), 'issued');
};

test('times round-trip exactly, across the 32-bit boundary and up to 2^53 - 1', (t) => {
  for (const ms of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 1_798_761_600_000, Number.MAX_SAFE_INTEGER])
    t.is(roundTrip(ms), ms, `${ms}`);
});

test('eight bytes, high word first', (t) => {
  const w = new Writer('T');
  writeWallTime(w, 2 ** 32 + 5, 'issued');
  t.deepEqual(w.finish(), Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 5));
});

test('a truncated time is a DecodeError naming the field', (t) => {
  const w = new Writer('T');
  writeWallTime(w, 123_456_789_012, 'issued');
  const bytes = w.finish();
  for (let n = 0; n < 8; n++) {
    const error = t.throws(() => readWallTime(new Reader(bytes.subarray(0, n), 'T'), 'issued'), {
      instanceOf: DecodeError,
    });
    t.regex(error?.message ?? '', n < 4 ? /issued_high/ : /issued_low/);
  }
});
