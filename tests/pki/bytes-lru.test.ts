/**
 * The small caches keyed by certificate bytes (runtime/pki/bytes-lru.ts): at most `capacity` entries however many
 * distinct certificates peers send, the least recently used leaving first; keys equal exactly when the bytes are,
 * wherever the bytes sit in their buffers.
 */
import test from 'ava';
import { BytesLru, bytesKey } from '../../runtime/pki/bytes-lru.js';

test('keys are equal exactly when the bytes are, for views into other buffers too', (t) => {
  const big = Uint8Array.of(9, 1, 2, 3, 9);
  t.is(bytesKey(big.subarray(1, 4)), bytesKey(Uint8Array.of(1, 2, 3)));
  t.not(bytesKey(Uint8Array.of(1, 2, 3)), bytesKey(Uint8Array.of(1, 2, 4)));
  t.not(bytesKey(Uint8Array.of(1, 2)), bytesKey(Uint8Array.of(1, 2, 0)), 'a trailing zero is another key');
  t.not(bytesKey(Uint8Array.of(0xc3, 0xa9)), bytesKey(Uint8Array.of(0xe9)), 'bytes, not UTF-8 text');
  const lru = new BytesLru<number>(4);
  t.is(lru.keyOf(big.subarray(1, 4)), bytesKey(Uint8Array.of(1, 2, 3)));
});

test('a flood of distinct keys keeps only the newest `capacity`', (t) => {
  const lru = new BytesLru<number>(8);
  for (let i = 0; i < 10_000; i++) lru.set(bytesKey(Uint8Array.of(i >> 8, i & 0xff)), i);
  let held = 0;
  for (let i = 0; i < 10_000; i++) if (lru.get(bytesKey(Uint8Array.of(i >> 8, i & 0xff))) !== undefined) held++;
  t.is(held, 8);
  t.is(lru.get(bytesKey(Uint8Array.of(9_999 >> 8, 9_999 & 0xff))), 9_999);
});

test('get makes an entry the most recently used; set of an existing key replaces it without eviction', (t) => {
  const lru = new BytesLru<string>(2);
  lru.set('a', 'A');
  lru.set('b', 'B');
  t.is(lru.get('a'), 'A');
  lru.set('c', 'C');
  t.is(lru.get('b'), undefined, 'b was least recently used');
  t.is(lru.get('a'), 'A');
  lru.set('a', 'A2');
  t.is(lru.get('a'), 'A2');
  t.is(lru.get('c'), 'C', 'replacing a key evicted nothing');
  t.is(lru.get('missing'), undefined);
});
