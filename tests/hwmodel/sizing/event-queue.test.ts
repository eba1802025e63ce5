import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { EventQueue } from '../../../hwmodel/sizing/workload/event-queue.js';

// Each event's time and push number, and where it went: the heap (-1) or a stream.
interface Pushed {
  readonly time: number;
  readonly id: number;
}

test('pops in time order, equal times in push order, across the heap and the streams (property)', (t) => {
  const r = new SeededRandom(23);
  const queue = new EventQueue<number>(9);
  const reference: Pushed[] = [];
  const streamLast = new Array<number>(9).fill(0);
  let now = 0;
  let id = 0;
  for (let step = 0; step < 20_000; step++) {
    if (reference.length === 0 || r.chance(0.55)) {
      const where = r.int(10) - 1;
      // Times on a coarse grid, so many are equal; a stream's in its own order, no earlier than its last.
      const time =
        where < 0 ? now + r.int(40) * 0.25 : (streamLast[where] = Math.max(streamLast[where]!, now) + r.int(3) * 0.25);
      if (where < 0) queue.push(time, id);
      else queue.pushInOrder(where, time, id);
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
  queue.pushInOrder(1, 5, 'a');
  t.throws(() => queue.pushInOrder(1, 4.5, 'b'), { instanceOf: RangeError, message: /stream 1: .*4\.5.* 5/ });
  t.throws(() => queue.pushInOrder(2, 9, 'c'), { instanceOf: RangeError, message: /no stream 2 of 2/ });
  t.throws(() => new EventQueue<string>(-1), { instanceOf: RangeError, message: /got -1/ });
  queue.pushInOrder(0, 5, 'd');
  queue.push(5, 'e');
  t.deepEqual([queue.pop(), queue.pop(), queue.pop(), queue.pop()], ['a', 'd', 'e', undefined]);
});
