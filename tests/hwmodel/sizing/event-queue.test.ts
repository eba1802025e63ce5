import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { EventQueue } from '../../../hwmodel/sizing/workload/event-queue.js';

// Each event's time and push number.
interface Pushed {
  readonly time: number;
  readonly id: number;
}

test("pops in time order, equal times in push order, across the streams: one heap's order (property)", (t) => {
  const r = new SeededRandom(23);
  const queue = new EventQueue<number>(9);
  const reference: Pushed[] = [];
  const last = new Array<number>(9).fill(0);
  let now = 0;
  let id = 0;
  for (let step = 0; step < 20_000; step++) {
    if (reference.length === 0 || r.chance(0.55)) {
      // Times on a coarse grid, so many are equal across streams; each stream's in its own order, as the flow model's.
      const stream = r.int(9);
      const time = (last[stream] = Math.max(last[stream]!, now) + r.int(stream + 2) * 0.25);
      queue.push(stream, time, id);
      reference.push({ time, id: id++ });
    } else {
      reference.sort((a, b) => a.time - b.time || a.id - b.id);
      const want = reference.shift()!;
      const got = queue.pop();
      if (got !== want.id) return t.fail(`step ${step}: popped ${String(got)}, expected ${want.id}`);
      t.is(queue.time, want.time);
      now = want.time;
    }
    if (queue.size !== reference.length)
      return t.fail(`step ${step}: size ${queue.size}, expected ${reference.length}`);
  }
  while (queue.size > 0) queue.pop();
  t.is(queue.pop(), undefined);
});

test('a stream refuses an event earlier than its last, naming both times; an unknown stream is named', (t) => {
  const queue = new EventQueue<string>(2);
  queue.push(1, 5, 'a');
  t.throws(() => queue.push(1, 4.5, 'b'), { instanceOf: RangeError, message: /stream 1: .*4\.5.* 5/ });
  t.throws(() => queue.push(2, 9, 'c'), { instanceOf: RangeError, message: /no stream 2 of 2/ });
  t.throws(() => new EventQueue<string>(0), { instanceOf: RangeError, message: /got 0/ });
  queue.push(0, 5, 'd');
  queue.push(1, 5, 'e');
  t.deepEqual([queue.pop(), queue.pop(), queue.pop(), queue.pop()], ['a', 'd', 'e', undefined]);
});
