import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { TimeHeap } from '../../../hwmodel/trace/time-heap.js';

test('pops in time order, equal times in push order, across growth and interleaved pushes (property)', (t) => {
  const r = new SeededRandom(11);
  const heap = new TimeHeap<number>();
  const reference: { time: number; id: number }[] = [];
  let id = 0;
  for (let step = 0; step < 5000; step++) {
    if (reference.length === 0 || r.chance(0.6)) {
      const time = 2 ** 40 + r.int(50) * 1_000_003; // times beyond the small-integer range, many equal
      heap.push(time, id);
      reference.push({ time, id: id++ });
    } else {
      reference.sort((a, b) => a.time - b.time || a.id - b.id);
      const want = reference.shift()!;
      t.is(heap.peekTime(), want.time);
      const got = heap.pop();
      if (got !== want.id) return t.fail(`step ${step}: popped ${String(got)}, expected ${want.id}`);
    }
    t.is(heap.size, reference.length);
  }
  while (heap.size > 0) heap.pop();
  t.is(heap.pop(), undefined);
  t.is(heap.peekTime(), undefined);
});
