import test from 'ava';
import { NS, SimEventQueue, Simulator } from '../../../hwmodel/kernel/index.js';

/** A queue and a method sensitive to it that logs `time/delta` per trigger. */
function setup(): { sim: Simulator; q: SimEventQueue; seen: string[] } {
  const sim = new Simulator();
  const q = new SimEventQueue(sim, 'q');
  const seen: string[] = [];
  sim.method('m', () => seen.push(`${sim.now / NS}/${sim.deltaCount}`), { sensitive: [q.event], dontInitialize: true });
  return { sim, q, seen };
}

test('every notification triggers once; those due together in successive deltas; an sc_event would merge them', (t) => {
  const { sim, q, seen } = setup();
  const merged = sim.event('merged');
  let mergedCount = 0;
  sim.method('plain', () => mergedCount++, { sensitive: [merged], dontInitialize: true });
  sim.thread('src', function* () {
    q.notify(2 * NS);
    q.notify(2 * NS);
    q.notify(1 * NS);
    merged.notify(2 * NS);
    merged.notify(2 * NS);
    t.is(q.pending, 3);
    yield 0;
  });
  sim.run();
  t.deepEqual(
    seen.map((s) => s.split('/')[0]),
    ['1', '2', '2'],
  );
  const [, a, b] = seen.map((s) => Number(s.split('/')[1]));
  t.is(b, a! + 1, 'the two due at 2 ns trigger a delta apart');
  t.is(mergedCount, 1);
  t.is(q.pending, 0);
});

test('cancelAll drops what is pending; a bad delay is a RangeError naming the queue', (t) => {
  const { sim, q, seen } = setup();
  sim.thread('src', function* () {
    q.notify(5 * NS);
    q.notify(0);
    yield 1 * NS;
    q.cancelAll();
    q.notify(10 * NS);
  });
  sim.run();
  t.deepEqual(
    seen.map((s) => s.split('/')[0]),
    ['0', '11'],
  );
  for (const bad of [-1, 0.5, Number.NaN]) t.throws(() => q.notify(bad), { instanceOf: RangeError, message: /q/ });
});
