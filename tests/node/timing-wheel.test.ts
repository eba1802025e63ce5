import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TimingWheel } from '../../runtime/node/timing-wheel.js';

/** The idle sweep's timer structure: items fire in the first advance at or after their due time, never before. */

function fired<T>(wheel: TimingWheel<T>, now: number): T[] {
  const out: T[] = [];
  wheel.advance(now, (x) => out.push(x));
  return out;
}

test('items fire in the first advance at or after their due time, not before', (t) => {
  const w = new TimingWheel<string>(0, 10, 8);
  w.schedule('a', 25);
  w.schedule('b', 30);
  w.schedule('c', 79);
  t.deepEqual(fired(w, 24), []);
  t.deepEqual(fired(w, 25), ['a']);
  t.deepEqual(fired(w, 29), []);
  t.deepEqual(fired(w, 40), ['b']);
  t.deepEqual(fired(w, 78), []);
  t.deepEqual(fired(w, 79), ['c']);
  t.is(w.size, 0);
});

test('an item scheduled for a time the wheel has already passed fires in the next advance, not a turn later', (t) => {
  const w = new TimingWheel<string>(0, 10, 8);
  t.deepEqual(fired(w, 50), []);
  w.schedule('late', 20);
  w.schedule('now', 50);
  t.deepEqual(fired(w, 60).sort(), ['late', 'now']);
  t.is(w.size, 0);
});

test('an item more than one turn ahead shares a bucket with nearer ones and fires only when due', (t) => {
  const w = new TimingWheel<string>(0, 10, 8); // one turn = 80 ms
  w.schedule('near', 15);
  w.schedule('far', 15 + 80 * 3); // the same bucket, three turns later
  t.deepEqual(fired(w, 20), ['near']);
  for (let now = 30; now < 255; now += 10) t.deepEqual(fired(w, now), [], `nothing at ${now}`);
  t.deepEqual(fired(w, 255), ['far']);
});

test('an advance after a long pause fires everything due, once', (t) => {
  const w = new TimingWheel<number>(0, 10, 8);
  for (let i = 0; i < 100; i++) w.schedule(i, i * 7);
  const out = fired(w, 10_000);
  t.deepEqual(
    [...out].sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  t.deepEqual(fired(w, 20_000), []);
});

test('cancel and schedule again move an item; rescheduling from fire, even to now, waits for the next advance', (t) => {
  const w = new TimingWheel<string>(0, 10, 8);
  w.schedule('x', 50);
  w.schedule('y', 50);
  w.cancel('y');
  w.schedule('x', 120); // moved
  t.deepEqual(fired(w, 60), []);
  t.is(w.due('x'), 120);
  let fires = 0;
  w.advance(130, (item) => {
    fires++;
    w.schedule(item, 130); // again, for now
  });
  t.is(fires, 1);
  t.deepEqual(fired(w, 130), ['x']);
});

test('bad sizes are RangeErrors', (t) => {
  t.throws(() => new TimingWheel(0, 0), { instanceOf: RangeError });
  t.throws(() => new TimingWheel(0, 10, 0), { instanceOf: RangeError });
});

test('an item scheduled for a time the wheel has passed, then cancelled, is no longer held by the wheel', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const w = new TimingWheel<object>(0, 10, 8);
  t.deepEqual(fired(w, 50), []);
  // Made in a function so that nothing here holds the item: only the wheel could.
  const ref = ((): WeakRef<object> => {
    const item = {};
    w.schedule(item, 20); // passed: due at the next advance
    w.cancel(item); // the session ended
    return new WeakRef(item);
  })();
  await new Promise((resolve) => setImmediate(resolve)); // a WeakRef keeps its target until the job ends
  gc();
  t.is(ref.deref(), undefined, 'the cancelled item is not left in a bucket');
  t.is(w.size, 0);
});
