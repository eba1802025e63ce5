import test from 'ava';
import { MemoryAntiReplay } from '../../runtime/session/anti-replay.js';

// The in-memory 0-RTT anti-replay store (RFC 8446 §8.2): once per key within the window, bounded.

test('a key is admitted once within its window and again after it; a full store refuses until keys expire', (t) => {
  let now = 0;
  const store = new MemoryAntiReplay(3, () => now);
  const key = (n: number) => Uint8Array.of(n);
  t.true(store.admit(key(1), 100));
  t.false(store.admit(key(1), 100), 'a replay within the window');
  t.true(store.admit(key(2), 100));
  now = 50;
  t.true(store.admit(key(3), 100));
  t.false(store.admit(key(4), 100), 'full, nothing expired: refused, never admitted twice');
  now = 120; // keys 1 and 2 expired, 3 not yet
  t.true(store.admit(key(4), 100));
  t.is(store.size, 2);
  t.true(store.admit(key(1), 100), 'after its window a key is new again');
});
