/** bytesEqual (runtime/wire/bytes.ts): equal exactly when length and every octet agree, wherever the views sit. */
import test from 'ava';
import { bytesEqual } from '../../runtime/wire/bytes.js';

test('same octets, different buffers and offsets: equal', (t) => {
  const big = Uint8Array.of(0, 1, 2, 3, 0);
  t.true(bytesEqual(big.subarray(1, 4), Uint8Array.of(1, 2, 3)));
  t.true(bytesEqual(new Uint8Array(0), big.subarray(2, 2)));
});

test('a differing octet anywhere, or another length, is not equal', (t) => {
  const a = Uint8Array.of(1, 2, 3, 4);
  for (let i = 0; i < a.length; i++) {
    const b = a.slice();
    b[i]! ^= 0x80;
    t.false(bytesEqual(a, b), `octet ${i}`);
  }
  t.false(bytesEqual(a, a.subarray(0, 3)), 'a prefix');
  t.false(bytesEqual(a.subarray(0, 3), a), 'the longer one second');
  t.false(bytesEqual(Uint8Array.of(0), new Uint8Array(0)));
});
