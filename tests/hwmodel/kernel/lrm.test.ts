import test from 'ava';
import { MultipleDriverError, NS, ProcessError, Simulator } from '../../../hwmodel/kernel/index.js';

// Each test pins a point where the kernel once deviated from IEEE 1666-2011
// and the Accellera kernel (the co-check, tests/hwmodel/cocheck, runs the
// same points against libsystemc).

test('a delta notification made before the first run fires in the initialization phase (delta 0)', (t) => {
  const sim = new Simulator();
  const e = sim.event('e');
  const seen: number[] = [];
  sim.method('m', () => seen.push(sim.deltaCount), { sensitive: [e], dontInitialize: true });
  e.notify(0);
  sim.run();
  t.deepEqual(seen, [0]);
});

test('a signal written before the first run is updated in the initialization phase', (t) => {
  const sim = new Simulator();
  const s = sim.signal('s', 0);
  const seen: string[] = [];
  sim.method('m', () => seen.push(`${sim.deltaCount}:${s.value}`), { sensitive: [s.changed], dontInitialize: true });
  sim.thread('r', function* () {
    seen.push(`r${s.value}`);
    yield 0;
  });
  s.write(7);
  sim.run();
  t.deepEqual(seen.sort(), ['0:7', 'r7']);
});

test('run(0) runs exactly one delta cycle (sc_start(SC_ZERO_TIME))', (t) => {
  const sim = new Simulator();
  const seen: number[] = [];
  sim.thread('p', function* () {
    for (let i = 0; i < 3; i++) {
      seen.push(i);
      yield 0;
    }
  });
  sim.run(0);
  t.deepEqual(seen, [0]);
  sim.run(0);
  t.deepEqual(seen, [0, 1]);
  sim.run();
  t.deepEqual(seen, [0, 1, 2]);
});

test('a notification due exactly at the end of run(t) has fired: cancelling it between runs is too late', (t) => {
  const sim = new Simulator();
  const e = sim.event('e');
  let woke = -1;
  sim.thread('w', function* () {
    yield e;
    woke = sim.now;
  });
  e.notify(10 * NS);
  sim.run(10 * NS);
  t.is(woke, -1, 'the woken process runs in the next run');
  t.false(e.isPending);
  e.cancel();
  sim.run();
  t.is(woke, 10 * NS);
});

test('a delta cycle cut short by stop() is not counted (sc_delta_count after sc_stop)', (t) => {
  const sim = new Simulator();
  sim.thread('a', function* () {
    yield 10 * NS;
    sim.stop();
  });
  sim.run();
  t.is(sim.deltaCount, 1);
});

test('a signal written by a second process fails with E115 naming both; outside a process any write is allowed', (t) => {
  const sim = new Simulator();
  const s = sim.signal('s', 0);
  s.write(1);
  sim.thread('one', function* () {
    s.write(2);
    yield 5 * NS;
    s.write(3);
  });
  sim.thread('two', function* () {
    yield 10 * NS;
    s.write(4);
  });
  const error = t.throws(() => sim.run(), { instanceOf: ProcessError });
  t.true(error.cause instanceof MultipleDriverError);
  t.is((error.cause as MultipleDriverError).code, 'E115');
  t.regex(error.message, /signal "s" cannot have more than one driver: written by "one" and by "two"/);
});

test("writer policy 'many': several processes may write, but not two in one delta cycle", (t) => {
  const sim = new Simulator();
  const s = sim.signal('s', 0, 'many');
  sim.thread('one', function* () {
    s.write(1);
    yield 10 * NS;
    s.write(3);
  });
  sim.thread('two', function* () {
    yield 5 * NS;
    s.write(2);
    yield 5 * NS;
    s.write(4);
  });
  const error = t.throws(() => sim.run(), { instanceOf: ProcessError });
  t.is(error.time, 10 * NS);
  t.true(error.cause instanceof MultipleDriverError);
});
