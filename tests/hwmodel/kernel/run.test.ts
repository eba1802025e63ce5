import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { NS, ProcessError, Simulator, formatTime } from '../../../hwmodel/kernel/index.js';

function ticker(sim: Simulator, seen: string[], period: number, count: number): void {
  sim.thread('tick', function* () {
    for (let i = 0; i < count; i++) {
      seen.push(formatTime(sim.now));
      yield period;
    }
  });
}

test('run() with no duration runs until idle and leaves now at the last activity', (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  ticker(sim, seen, 10 * NS, 3);
  sim.run();
  t.deepEqual(seen, ['0s', '10ns', '20ns']);
  t.is(sim.now, 30 * NS); // the last wait ended at 30 ns, where the thread returned
  t.false(sim.hasPendingActivity);
  sim.run(); // idle: nothing happens
  t.is(sim.now, 30 * NS);
});

test('run(d) covers [now, now + d): activity exactly at the end is triggered but runs in the next run', (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  ticker(sim, seen, 10 * NS, 5);
  sim.run(20 * NS);
  t.deepEqual(seen, ['0s', '10ns']);
  t.is(sim.now, 20 * NS);
  t.is(sim.nextEventTime, undefined, 'the notification due at 20 ns has fired (sc_start(t) triggers it)');
  t.true(sim.hasPendingActivity, 'its process is runnable');
  sim.run(0); // one delta cycle: the process woken at 20 ns runs
  t.deepEqual(seen, ['0s', '10ns', '20ns']);
  t.is(sim.now, 20 * NS);
  sim.run(15 * NS);
  t.deepEqual(seen, ['0s', '10ns', '20ns', '30ns']);
  t.is(sim.now, 35 * NS);
  sim.run(1000 * NS); // idle long before the end: time still moves to the end
  t.deepEqual(seen, ['0s', '10ns', '20ns', '30ns', '40ns']);
  t.is(sim.now, 1035 * NS);
});

test('run(d) on an idle simulator just advances time; bad durations throw RangeError', (t) => {
  const sim = new Simulator();
  sim.run(5 * NS);
  t.is(sim.now, 5 * NS);
  t.throws(() => sim.run(-1), { instanceOf: RangeError });
  t.throws(() => sim.run(1.5), { instanceOf: RangeError });
  t.throws(() => sim.run(Number.MAX_SAFE_INTEGER), { instanceOf: RangeError });
});

test('stop() ends the run after the current delta cycle; the simulation cannot run again', (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  const sig = sim.signal('s', 0);
  sim.thread('stopper', function* () {
    yield 10 * NS;
    sig.write(1);
    sim.stop();
    seen.push('stopper-after-stop');
    yield 0;
    seen.push('never');
  });
  sim.thread('sibling', function* () {
    yield 10 * NS;
    seen.push('sibling-same-delta');
    yield 1 * NS;
    seen.push('never');
  });
  sim.run();
  t.deepEqual(seen, ['stopper-after-stop', 'sibling-same-delta']);
  t.is(sim.now, 10 * NS);
  t.is(sig.value, 1); // the update phase of the stopping delta ran
  t.true(sim.stopped);
  t.throws(() => sim.run(), { message: /stopped/ });
});

test('an error in a thread propagates out of run() as a ProcessError naming the process', (t) => {
  const sim = new Simulator();
  const cause = new TypeError('bad payload');
  sim.thread('healthy', function* () {
    for (;;) yield 1 * NS;
  });
  const failing = sim.thread('crypto.engine', function* () {
    yield 3 * NS;
    throw cause;
  });
  const e = t.throws(() => sim.run(), { instanceOf: ProcessError });
  t.is(e.process, 'crypto.engine');
  t.is(e.time, 3 * NS);
  t.is(e.cause, cause);
  t.regex(e.message, /process "crypto\.engine" failed at 3ns \(delta \d+\): TypeError: bad payload/);
  t.true(failing.terminated);
  t.is(sim.process('crypto.engine'), undefined, 'a terminated process is forgotten');
  // the rest of the simulation is consistent and may continue
  sim.run(5 * NS);
  t.is(sim.now, 8 * NS);
  t.false(sim.process('healthy')!.terminated);
});

test('an error in a method propagates the same way, and the method runs no more', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  let runs = 0;
  sim.method(
    'm',
    () => {
      runs++;
      throw new Error('method broke');
    },
    { sensitive: [clk], dontInitialize: true },
  );
  clk.notify(2 * NS);
  t.throws(() => sim.run(), { instanceOf: ProcessError, message: /process "m" failed at 2ns.*method broke/ });
  clk.notify(1 * NS);
  sim.run();
  t.is(runs, 1);
});

test('process names are unique and non-empty; sensitivity must be events of this simulator', (t) => {
  const sim = new Simulator();
  sim.method('a', () => undefined);
  t.is(t.throws(() => sim.thread('a', function* () {}), { instanceOf: ConfigError }).option, 'name');
  t.is(t.throws(() => sim.method('', () => undefined), { instanceOf: ConfigError }).option, 'name');
  const other = new Simulator().event('foreign');
  t.is(
    t.throws(() => sim.method('b', () => undefined, { sensitive: [other] }), { instanceOf: ConfigError }).option,
    'sensitive',
  );
  t.throws(
    () =>
      sim.thread('c', function* () {
        yield other;
      }) && sim.run(),
    { message: /another simulator/ },
  );
});

test('run() from inside a process is refused', (t) => {
  const sim = new Simulator();
  sim.thread('reentrant', function* () {
    sim.run();
    yield 1;
  });
  t.throws(() => sim.run(), { instanceOf: ProcessError, message: /"reentrant".*while the simulation is running/ });
});

test('threads woken at the same instant run in the order they began waiting; created ones in creation order', (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  const seen: string[] = [];
  const names = ['p3', 'p1', 'p4', 'p0', 'p2'];
  for (const name of names) {
    sim.thread(name, function* () {
      seen.push(`start ${name}`);
      yield ev;
      seen.push(`woke ${name}`);
    });
  }
  ev.notify(1 * NS);
  sim.run();
  t.deepEqual(seen, [...names.map((n) => `start ${n}`), ...names.map((n) => `woke ${n}`)]);
});

test('stats count events, activations and deltas', (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  sim.method('m', () => undefined, { sensitive: [ev], dontInitialize: true });
  sim.thread('th', function* () {
    for (let i = 0; i < 10; i++) {
      yield 1 * NS; // 10 timeout events
      ev.notify(0); // 10 delta events
    }
  });
  sim.run();
  const s = sim.stats;
  t.is(s.eventsProcessed, 20);
  t.is(s.processActivations, 11 + 10); // the thread: start + 10 resumptions; the method: 10
  t.is(s.deltaCycles, sim.deltaCount);
  t.is(s.deltaCycles, 1 + 10 * 2);
});

test('a bad seed is a ConfigError naming seed; the seed drives sim.random', (t) => {
  t.is(t.throws(() => new Simulator({ seed: 0.5 }), { instanceOf: ConfigError }).option, 'seed');
  const draw = (seed: number): number[] => {
    const r = new Simulator({ seed }).random.fork('m');
    return [r.nextUint32(), r.nextUint32()];
  };
  t.deepEqual(draw(5), draw(5));
  t.notDeepEqual(draw(5), draw(6));
});

test('a terminated thread is released: its name can be used again and the simulator no longer holds it', (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  const first = sim.thread('worker', function* () {
    yield 2 * NS;
    seen.push(`first ${sim.now}`);
  });
  sim.run();
  t.true(first.terminated);
  t.is(sim.process('worker'), undefined);
  const second = sim.thread('worker', function* () {
    yield 1 * NS;
    seen.push(`second ${sim.now}`);
  });
  t.is(sim.process('worker'), second);
  sim.run();
  t.deepEqual(seen, [`first ${2 * NS}`, `second ${3 * NS}`]);
});
