import test from 'ava';
import { NS, Simulator, allOf, anyOf, formatTime, timeoutOr } from '../../../hwmodel/kernel/index.js';

const at = (sim: Simulator): string => formatTime(sim.now);

test('a thread waits on time; yield 0 waits exactly one delta', (t) => {
  const sim = new Simulator();
  const seen: string[] = [];
  sim.thread('w', function* () {
    seen.push(`${at(sim)}/${sim.deltaCount}`);
    yield 0;
    seen.push(`${at(sim)}/${sim.deltaCount}`);
    yield 0;
    seen.push(`${at(sim)}/${sim.deltaCount}`);
    yield 12 * NS;
    seen.push(`${at(sim)}/${sim.deltaCount}`);
  });
  const p = sim.process('w')!;
  t.false(p.terminated);
  sim.run();
  t.deepEqual(seen, ['0s/0', '0s/1', '0s/2', '12ns/3']);
  t.true(p.terminated);
});

test('a thread waits on an event (dynamic sensitivity), and only once per wait', (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  const seen: string[] = [];
  sim.thread('waiter', function* () {
    yield ev;
    seen.push(`first ${at(sim)}`);
    yield ev;
    seen.push(`second ${at(sim)}`);
  });
  sim.thread('driver', function* () {
    yield 5 * NS;
    ev.notify();
    ev.notify(1 * NS); // pending while the waiter runs and waits again: it wakes the second wait at 6 ns
    yield 0;
    yield 10 * NS;
    ev.notify(0);
  });
  sim.run();
  t.deepEqual(seen, ['first 5ns', 'second 6ns']);
});

test('anyOf resumes on the first event, and later notifications of the others do not resume it again', (t) => {
  const sim = new Simulator();
  const [a, b] = [sim.event('a'), sim.event('b')];
  const seen: string[] = [];
  sim.thread('w', function* () {
    yield anyOf(a, b);
    seen.push(`any ${at(sim)}`);
    yield 100 * NS;
    seen.push(`slept ${at(sim)}`);
  });
  a.notify(20 * NS);
  b.notify(10 * NS);
  sim.run();
  t.deepEqual(seen, ['any 10ns', 'slept 110ns']);
});

test('allOf resumes once every event has fired, in any order, counting a repeat once', (t) => {
  const sim = new Simulator();
  const [a, b, c] = [sim.event('a'), sim.event('b'), sim.event('c')];
  const seen: string[] = [];
  sim.thread('w', function* () {
    yield allOf(a, b, c);
    seen.push(`all ${at(sim)}`);
  });
  sim.thread('d', function* () {
    yield 1 * NS;
    b.notify();
    yield 1 * NS;
    b.notify();
    a.notify();
    yield 5 * NS;
    c.notify(0);
  });
  sim.run();
  t.deepEqual(seen, ['all 7ns']);
});

test('timeoutOr: the event wins before the timeout; the timeout wins otherwise; timedOut() tells which', (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  const seen: string[] = [];
  sim.thread('w', function* () {
    yield timeoutOr(10 * NS, ev);
    seen.push(`${at(sim)} timedOut=${sim.timedOut()}`);
    yield timeoutOr(10 * NS, ev);
    seen.push(`${at(sim)} timedOut=${sim.timedOut()}`);
    yield timeoutOr(10 * NS, allOf(ev, sim.event('never')));
    seen.push(`${at(sim)} timedOut=${sim.timedOut()}`);
  });
  ev.notify(4 * NS);
  sim.thread('late', function* () {
    yield 16 * NS;
    ev.notify(); // the second wait timed out at 14 ns; the third needs 'never' too, so it times out at 24 ns
  });
  sim.run();
  t.deepEqual(seen, ['4ns timedOut=false', '14ns timedOut=true', '24ns timedOut=true']);
  t.is(sim.now, 24 * NS); // the cancelled timeouts left nothing behind
});

test('a timed-out wait leaves no stale registration: a later notification does not resume the thread early', (t) => {
  const sim = new Simulator();
  const ev = sim.event('ev');
  const seen: string[] = [];
  sim.thread('w', function* () {
    yield timeoutOr(2 * NS, ev);
    yield 10 * NS; // 2 → 12 ns, must not be cut short by ev at 5 ns
    seen.push(at(sim));
  });
  ev.notify(5 * NS);
  sim.run();
  t.deepEqual(seen, ['12ns']);
});

test('many repeated timeoutOr waits on a silent event do not grow its waiter list without bound', (t) => {
  const sim = new Simulator();
  const ev = sim.event('silent');
  sim.thread('w', function* () {
    for (let i = 0; i < 10_000; i++) yield timeoutOr(1 * NS, ev);
  });
  sim.run();
  t.is(sim.now, 10_000 * NS);
  t.true(ev.waitCount <= 32, `${ev.waitCount} entries`);
});

test('a thread with static sensitivity waits on it with a bare yield (wait())', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  const seen: string[] = [];
  sim.thread(
    's',
    function* () {
      for (;;) {
        yield;
        seen.push(at(sim));
        if (seen.length === 3) return;
      }
    },
    { sensitive: [clk] },
  );
  sim.thread('clock', function* () {
    for (let i = 0; i < 5; i++) {
      yield 10 * NS;
      clk.notify();
    }
  });
  sim.run();
  t.deepEqual(seen, ['10ns', '20ns', '30ns']);
});

test('a dynamic wait overrides static sensitivity while it lasts', (t) => {
  const sim = new Simulator();
  const [clk, other] = [sim.event('clk'), sim.event('other')];
  const seen: string[] = [];
  sim.thread(
    's',
    function* () {
      yield other; // clk does not wake it
      seen.push(`other ${at(sim)}`);
      yield;
      seen.push(`clk ${at(sim)}`);
    },
    { sensitive: [clk] },
  );
  clk.notify(1 * NS);
  other.notify(2 * NS);
  sim.thread('c2', function* () {
    yield 3 * NS;
    clk.notify();
  });
  sim.run();
  t.deepEqual(seen, ['other 2ns', 'clk 3ns']);
});

test('dontInitialize thread starts on its first trigger', (t) => {
  const sim = new Simulator();
  const go = sim.event('go');
  const seen: string[] = [];
  sim.thread(
    'late',
    function* () {
      seen.push(`start ${at(sim)}`);
      yield 1 * NS;
      seen.push(`end ${at(sim)}`);
    },
    { sensitive: [go], dontInitialize: true },
  );
  go.notify(5 * NS);
  sim.run();
  t.deepEqual(seen, ['start 5ns', 'end 6ns']);
});

test('terminatedEvent fires when a thread ends (join)', (t) => {
  const sim = new Simulator();
  const worker = sim.thread('worker', function* () {
    yield 7 * NS;
  });
  const seen: string[] = [];
  sim.thread('joiner', function* () {
    yield worker.terminatedEvent;
    seen.push(at(sim));
  });
  sim.run();
  t.deepEqual(seen, ['7ns']);
});

test('yielding something that is not a wait fails naming the process', (t) => {
  const sim = new Simulator();
  sim.thread('bogus', function* () {
    yield 'ten ns' as unknown as number;
  });
  const e = t.throws(() => sim.run());
  t.true(e.message.includes('"bogus"'), e.message);
});

test('wait() with no static sensitivity waits for ever, as in SystemC 2.3.4 (no error; the run goes on)', (t) => {
  const sim2 = new Simulator();
  const seen: string[] = [];
  const p = sim2.thread('nostatic', function* () {
    seen.push('start');
    yield;
    seen.push('never');
  });
  sim2.thread('other', function* () {
    yield 5;
    seen.push('other');
  });
  sim2.run();
  t.deepEqual(seen, ['start', 'other']);
  t.false(p.terminated);
});
