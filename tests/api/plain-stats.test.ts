/**
 * plainStats (runtime/api/plain-stats.ts): a live stats object's getters read now, as plain data; liveStats: a
 * kind of live stats object made from one reader per value.
 */
import test from 'ava';
import { inspect } from 'node:util';
import { liveStats, plainStats } from '../../runtime/api/plain-stats.js';

class Inner {
  get x(): number {
    return 1;
  }
  toJSON(): unknown {
    return { x: this.x };
  }
}

class Live {
  count = 0;
  hidden = 'own fields are not getters';
  get received(): number {
    return this.count;
  }
  get nested(): Inner {
    return new Inner();
  }
  get nothing(): null {
    return null;
  }
  method(): number {
    return 5;
  }
}

test("every getter of the class, in declaration order, read at the call; toJSON'd values as their JSON", (t) => {
  const live = new Live();
  live.count = 3;
  const plain = plainStats(live);
  t.deepEqual(Object.keys(plain), ['received', 'nested', 'nothing']);
  t.deepEqual(plain, { received: 3, nested: { x: 1 }, nothing: null });
  live.count = 4;
  t.is(plain.received, 3, 'a snapshot');
  t.is(plainStats(live).received, 4);
  t.is(JSON.stringify(plainStats(live)), '{"received":4,"nested":{"x":1},"nothing":null}');
});

test('an object with no getters gives an empty record', (t) => {
  t.deepEqual(plainStats({ a: 1 }), {});
});

interface Source {
  sent: number;
  ended: boolean;
}

test("liveStats: each value read from its source when asked, in the readers' order; toJSON and inspect show plain data", (t) => {
  const readers = { sent: (s: Source) => s.sent, open: (s: Source) => !s.ended };
  const statsOf = liveStats<Source, typeof readers>('CountedStats', readers);
  const source = { sent: 1, ended: false };
  const stats = statsOf(source);
  const other = statsOf({ sent: 9, ended: true });
  t.is(stats.sent, 1);
  source.sent = 2;
  t.is(stats.sent, 2, 'live: read at each access');
  t.is(other.sent, 9, 'each object reads its own source');
  t.deepEqual(Object.keys(stats), [], 'the values are getters of the kind, not own fields (nor the source)');
  t.is(Object.getPrototypeOf(stats), Object.getPrototypeOf(other), 'one prototype for the kind');
  t.is(JSON.stringify(stats), '{"sent":2,"open":true}');
  t.is(JSON.stringify(other), '{"sent":9,"open":false}');
  t.is(inspect(stats), 'CountedStats { sent: 2, open: true }');
});
