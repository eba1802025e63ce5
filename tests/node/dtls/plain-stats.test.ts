/** plainStats (runtime/node/dtls/plain-stats.ts): a live stats object's getters read now, as plain data. */
import test from 'ava';
import { plainStats } from '../../../runtime/node/dtls/plain-stats.js';

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
