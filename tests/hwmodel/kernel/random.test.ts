import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';

const draws = (r: SeededRandom, n: number): number[] => Array.from({ length: n }, () => r.nextUint32());

test('same seed, same sequence; different seeds differ', (t) => {
  t.deepEqual(draws(new SeededRandom(42), 50), draws(new SeededRandom(42), 50));
  t.notDeepEqual(draws(new SeededRandom(42), 50), draws(new SeededRandom(43), 50));
  // high bits of the seed matter too
  t.notDeepEqual(draws(new SeededRandom(1), 20), draws(new SeededRandom(1 + 2 ** 32), 20));
});

test('bad seeds throw ConfigError naming seed', (t) => {
  for (const s of [1.5, Number.NaN, 2 ** 60]) {
    const e = t.throws(() => new SeededRandom(s), { instanceOf: ConfigError });
    t.is(e.option, 'seed');
  }
});

test('next() is in [0,1) and roughly uniform', (t) => {
  const r = new SeededRandom(7);
  const buckets = new Array<number>(10).fill(0);
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const x = r.next();
    t.true(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]!++;
  }
  for (const b of buckets) t.true(Math.abs(b - n / 10) < (n / 10) * 0.1, `bucket ${b}`);
});

test('int(n) stays in range, hits every value, rejects bad n', (t) => {
  const r = new SeededRandom(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const x = r.int(7);
    t.true(Number.isInteger(x) && x >= 0 && x < 7);
    seen.add(x);
  }
  t.is(seen.size, 7);
  t.is(r.int(1), 0);
  for (const bad of [0, -1, 2.5, 2 ** 33]) t.throws(() => r.int(bad), { instanceOf: RangeError });
});

test('normal() and exponential() have the right moments', (t) => {
  const r = new SeededRandom(11);
  const n = 40_000;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = r.normal(5, 2);
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  t.true(Math.abs(mean - 5) < 0.05, `mean ${mean}`);
  t.true(Math.abs(Math.sqrt(sq / n - mean * mean) - 2) < 0.05);
  let esum = 0;
  for (let i = 0; i < n; i++) {
    const x = r.exponential(3);
    t.true(x >= 0);
    esum += x;
  }
  t.true(Math.abs(esum / n - 3) < 0.1, `exp mean ${esum / n}`);
});

test('fork(name) streams are independent of draws elsewhere and of each other', (t) => {
  const a = new SeededRandom(9);
  const b = new SeededRandom(9);
  draws(b, 100); // drawing from the parent does not move a child
  t.deepEqual(draws(a.fork('crypto'), 20), draws(b.fork('crypto'), 20));
  t.notDeepEqual(draws(a.fork('crypto'), 20), draws(a.fork('network'), 20));
  t.notDeepEqual(draws(a.fork('crypto'), 20), draws(a, 20));
  t.deepEqual(draws(a.fork('x').fork('y'), 10), draws(b.fork('x').fork('y'), 10));
  t.notDeepEqual(draws(a.fork('x').fork('y'), 10), draws(a.fork('y').fork('x'), 10));
  t.is(a.fork('x').fork('y').path, 'root/x/y');
  t.notDeepEqual(draws(new SeededRandom(10).fork('crypto'), 20), draws(a.fork('crypto'), 20));
  t.throws(() => a.fork(''), { instanceOf: ConfigError });
});
