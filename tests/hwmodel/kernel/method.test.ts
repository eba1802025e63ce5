import test from 'ava';
import { NS, Simulator, allOf, anyOf, formatTime, timeoutOr } from '../../../hwmodel/kernel/index.js';

const at = (sim: Simulator): string => formatTime(sim.now);

test('a method runs in initialization, then on each trigger of its static sensitivity', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  const seen: string[] = [];
  sim.method('m', () => seen.push(at(sim)), { sensitive: [clk] });
  sim.thread('clock', function* () {
    for (let i = 0; i < 3; i++) {
      yield 10 * NS;
      clk.notify(0);
    }
  });
  sim.run();
  t.deepEqual(seen, ['0s', '10ns', '20ns', '30ns']);
  t.false(sim.process('m')!.terminated);
});

test('dontInitialize skips the initialization run', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  const seen: string[] = [];
  sim.method('m', () => seen.push(at(sim)), { sensitive: [clk], dontInitialize: true });
  clk.notify(10 * NS);
  sim.run();
  t.deepEqual(seen, ['10ns']);
});

test('nextTrigger(time) re-runs the method after that time, ignoring static sensitivity meanwhile', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  const seen: string[] = [];
  let n = 0;
  sim.method(
    'm',
    () => {
      seen.push(at(sim));
      if (++n < 4) sim.nextTrigger(10 * NS);
    },
    { sensitive: [clk] },
  );
  clk.notify(5 * NS); // ignored: the method is waiting on its dynamic trigger
  sim.thread('c', function* () {
    yield 35 * NS;
    clk.notify(); // static sensitivity again after the last activation (no nextTrigger)
  });
  sim.run();
  t.deepEqual(seen, ['0s', '10ns', '20ns', '30ns', '35ns']);
});

test('nextTrigger: the last call in an activation wins; no argument restores static sensitivity', (t) => {
  const sim = new Simulator();
  const [a, b, clk] = [sim.event('a'), sim.event('b'), sim.event('clk')];
  const seen: string[] = [];
  let step = 0;
  sim.method(
    'm',
    () => {
      seen.push(`${step} ${at(sim)}`);
      step++;
      if (step === 1) {
        sim.nextTrigger(a);
        sim.nextTrigger(b); // wins
      } else if (step === 2) {
        sim.nextTrigger(50 * NS);
        sim.nextTrigger(); // static again
      }
    },
    { sensitive: [clk] },
  );
  a.notify(1 * NS);
  b.notify(2 * NS);
  clk.notify(3 * NS);
  sim.run();
  t.deepEqual(seen, ['0 0s', '1 2ns', '2 3ns']);
  t.is(sim.now, 3 * NS);
});

test('nextTrigger with anyOf, allOf and timeoutOr; timedOut() in a method', (t) => {
  const sim = new Simulator();
  const [a, b] = [sim.event('a'), sim.event('b')];
  const seen: string[] = [];
  let step = 0;
  sim.method('m', () => {
    seen.push(`${step} ${at(sim)} ${step > 0 ? String(sim.timedOut()) : '-'}`);
    step++;
    if (step === 1) sim.nextTrigger(allOf(a, b));
    else if (step === 2) sim.nextTrigger(anyOf(a, b));
    else if (step === 3) sim.nextTrigger(timeoutOr(5 * NS, a));
    else if (step === 4) sim.nextTrigger(timeoutOr(5 * NS, a));
  });
  a.notify(1 * NS);
  b.notify(3 * NS); // allOf done at 3 ns
  sim.thread('d', function* () {
    yield 4 * NS;
    b.notify(); // anyOf at 4 ns
    yield 2 * NS;
    a.notify(); // timeoutOr event at 6 ns
  });
  sim.run();
  t.deepEqual(seen, ['0 0s -', '1 3ns false', '2 4ns false', '3 6ns false', '4 11ns true']);
});

test('nextTrigger outside a method throws', (t) => {
  const sim = new Simulator();
  t.throws(() => sim.nextTrigger(1), { message: /method process/ });
  sim.thread('th', function* () {
    sim.nextTrigger(1);
    yield 1;
  });
  t.throws(() => sim.run(), { message: /"th".*method process/ });
});

test('method processes made runnable in one delta run in the order they became runnable', (t) => {
  const sim = new Simulator();
  const [x, y] = [sim.event('x'), sim.event('y')];
  const seen: string[] = [];
  // creation order m1, m2, m3; sensitivity: m3 and m1 on x, m2 on y
  sim.method('m1', () => seen.push('m1'), { sensitive: [x], dontInitialize: true });
  sim.method('m2', () => seen.push('m2'), { sensitive: [y], dontInitialize: true });
  sim.method('m3', () => seen.push('m3'), { sensitive: [x, y], dontInitialize: true });
  sim.thread('d', function* () {
    y.notify(0); // y's delta notification made first: m2, m3 become runnable first
    x.notify(0); // then m1 (m3 already runnable)
    yield 1 * NS;
    x.notify(0);
    y.notify(0);
  });
  sim.run();
  t.deepEqual(seen, ['m2', 'm3', 'm1', 'm1', 'm3', 'm2']);
});
