/**
 * The cookies a stateless server has let a connection start with (runtime/handshake/used-cookies.ts): a ClientHello
 * replayed with a used cookie starts nothing while the cookie lives; a flood of distinct cookies cannot grow the set
 * past its cap (the oldest go first, counted); expired entries are dropped.
 */
import test from 'ava';
import { UsedCookies } from '../../runtime/handshake/used-cookies.js';

const tag = (n: number): Uint8Array => Uint8Array.of(n >> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);

test('a cookie is let in once within its lifetime; replayed, it is refused; after it, let in again', (t) => {
  const used = new UsedCookies(1000);
  t.true(used.firstUse(tag(1), 0));
  t.false(used.firstUse(tag(1), 1));
  t.false(used.firstUse(tag(1), 999));
  t.true(used.firstUse(tag(1), 1000), 'at the end of its lifetime the cookie itself has expired');
});

test('the same tag bytes in another array are the same cookie', (t) => {
  const used = new UsedCookies(1000);
  t.true(used.firstUse(Uint8Array.of(9, 9, 9), 0));
  t.false(used.firstUse(new Uint8Array([9, 9, 9]), 5));
  t.true(used.firstUse(Uint8Array.of(9, 9, 8), 5), 'a tag differing in one byte is another cookie');
});

test('a flood of distinct cookies stays at the cap, forgetting the oldest and counting it', (t) => {
  const used = new UsedCookies(60_000, 100);
  for (let i = 0; i < 10_000; i++) t.true(used.firstUse(tag(i), 0));
  t.is(used.size, 100);
  t.is(used.evicted, 9_900);
  t.false(used.firstUse(tag(9_999), 1), 'the newest are still remembered');
  t.true(used.firstUse(tag(0), 1), 'the oldest was forgotten early (counted above)');
});

test('expired entries are dropped on the next use, so the set holds only live cookies', (t) => {
  const used = new UsedCookies(100, 1000);
  for (let i = 0; i < 50; i++) used.firstUse(tag(i), i);
  t.is(used.size, 50);
  used.firstUse(tag(1000), 130);
  t.is(used.size, 20, 'cookies used at 0..30 expired by 130; 31..49 and the new one live');
  t.is(used.evicted, 0);
});
