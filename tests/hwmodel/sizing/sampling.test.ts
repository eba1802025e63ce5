import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { Geometric, geometric, UniformInt } from '../../../hwmodel/sizing/workload/sampling.js';

// The flow model draws its sessions and trains' lengths through these: each must draw what SeededRandom's `int` and
// `geometric` draw from the same stream, number for number, or every run would change.
test("UniformInt draws SeededRandom's int, number for number, and as many (property)", (t) => {
  const ns = [1, 2, 3, 7, 1000, 1_000_000, 1_000_001, 0x7fff_ffff, 0x8000_0000, 0xc000_0001, 0xffff_ffff, 2 ** 32];
  for (const n of ns) {
    const [a, b] = [new SeededRandom(n % 1000), new SeededRandom(n % 1000)];
    const draw = new UniformInt(n);
    for (let i = 0; i < 20_000; i++) {
      const [x, y] = [draw.draw(a), b.int(n)];
      if (x !== y) return t.fail(`n ${n}, draw ${i}: ${x}, not ${y}`);
    }
    t.is(a.nextUint32(), b.nextUint32(), `n ${n}: the streams left at the same place`);
  }
  t.throws(() => new UniformInt(0), { instanceOf: RangeError });
  t.throws(() => new UniformInt(2 ** 32 + 1), { instanceOf: RangeError });
});

test('Geometric draws what geometric draws (property)', (t) => {
  for (const mean of [1.5, 4, 37.25, 1000]) {
    const [a, b] = [new SeededRandom(7), new SeededRandom(7)];
    const draw = new Geometric(mean);
    for (let i = 0; i < 20_000; i++) {
      const [x, y] = [draw.draw(a), geometric(b, mean)];
      if (x !== y) return t.fail(`mean ${mean}, draw ${i}: ${x}, not ${y}`);
    }
  }
  t.pass();
});
