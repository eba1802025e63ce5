/**
 * The anti-replay window of one epoch (runtime/record/replay-window.ts, RFC 9147 §4.5.1): a replayed sequence
 * number is refused as long as it is inside the window, one left of it is too old, records out of order inside the
 * window are each let in once, and a jump far ahead forgets everything behind it. Checked case by case and against
 * a model that remembers every number ever accepted.
 */
import test from 'ava';
import fc from 'fast-check';
import { ReplayWindow } from '../../runtime/record/replay-window.js';

test('a fresh window takes any number; a replay of an accepted one is a duplicate', (t) => {
  const w = new ReplayWindow();
  t.is(w.right, -1);
  t.is(w.check(0), 'new');
  t.is(w.check(1_000_000), 'new');
  w.accept(5);
  t.is(w.right, 5);
  t.is(w.check(5), 'duplicate');
  t.is(w.check(4), 'new', 'a number below the edge never seen is new');
  t.is(w.check(6), 'new');
});

test('check does not change the window: only accept does', (t) => {
  const w = new ReplayWindow();
  w.accept(10);
  for (let i = 0; i < 3; i++) t.is(w.check(11), 'new');
  t.is(w.right, 10);
  w.accept(11);
  t.is(w.check(11), 'duplicate');
});

test('out of order inside the window: each number let in once, in any order', (t) => {
  const w = new ReplayWindow(64);
  w.accept(100);
  const late = [99, 37 + 40, 37, 80, 98];
  for (const seq of late) {
    t.is(w.check(seq), 'new', `${seq} first time`);
    w.accept(seq);
    t.is(w.check(seq), 'duplicate', `${seq} replayed`);
  }
  t.is(w.right, 100, 'late records do not move the right edge');
});

test('the left edge: right - size + 1 is still inside, right - size is too old', (t) => {
  for (const size of [64, 65, 128, 1000]) {
    const w = new ReplayWindow(size);
    w.accept(5000);
    t.is(w.check(5000 - size + 1), 'new', `size ${size}: the oldest slot`);
    t.is(w.check(5000 - size), 'too-old', `size ${size}: one past it`);
    t.is(w.check(0), 'too-old');
  }
});

test('a jump ahead clears the slots it passes: a number reusing a slot is new, not a duplicate', (t) => {
  const w = new ReplayWindow(64);
  for (let s = 0; s < 64; s++) w.accept(s);
  w.accept(64 + 10);
  for (let s = 64; s < 74; s++) t.is(w.check(s), 'new', `${s} shares a slot with ${s - 64}, seen before`);
  t.is(w.check(74), 'duplicate');
  t.is(w.check(11), 'duplicate', '11 is still inside the window and was seen');
  t.is(w.check(10), 'too-old');
  w.accept(1_000_000);
  t.is(w.check(999_999), 'new', 'a jump by more than the window forgets every bit');
  t.is(w.check(74), 'too-old');
});

test('a flood of replays of one record never lets a second copy in', (t) => {
  const w = new ReplayWindow();
  w.accept(42);
  let admitted = 0;
  for (let i = 0; i < 10_000; i++) if (w.check(42) === 'new') admitted++;
  t.is(admitted, 0);
});

test('against a model: any sequence of records, in any order and with replays', (t) => {
  const size = fc.constantFrom(64, 96, 128, 200);
  const seqs = fc.array(fc.oneof(fc.nat(300), fc.nat(1 << 30)), { maxLength: 400 });
  fc.assert(
    fc.property(size, seqs, (n, list) => {
      const w = new ReplayWindow(n);
      const seen = new Set<number>();
      let right = -1;
      for (const seq of list) {
        const expected = seq > right ? 'new' : right - seq >= n ? 'too-old' : seen.has(seq) ? 'duplicate' : 'new';
        if (w.check(seq) !== expected) return false;
        if (expected === 'new') {
          w.accept(seq);
          seen.add(seq);
          right = Math.max(right, seq);
        }
      }
      return w.right === right;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('restore puts back a saved window; a window of another size is refused', (t) => {
  const a = new ReplayWindow(128);
  for (const s of [3, 90, 91, 130, 129]) a.accept(s);
  const b = new ReplayWindow(128);
  b.restore(a.right, a.words);
  for (let s = 0; s < 140; s++) t.is(b.check(s), a.check(s), `${s}`);
  t.throws(() => new ReplayWindow(64).restore(a.right, a.words), { instanceOf: RangeError });
});

test('a window smaller than 64 or not an integer is refused', (t) => {
  for (const size of [0, 63, 64.5, Number.NaN]) t.throws(() => new ReplayWindow(size), { instanceOf: RangeError });
});
