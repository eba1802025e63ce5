import test from 'ava';
import { NS, Simulator, formatTime, type SimEvent } from '../../../hwmodel/kernel/index.js';

/** A simulator whose activity is logged as `time/delta name` lines. */
function traced(): { sim: Simulator; log: string[] } {
  const sim = new Simulator({ seed: 1 });
  const log: string[] = [];
  sim.onActivity = (p, time, delta) => log.push(`${formatTime(time)}/${delta} ${p}`);
  return { sim, log };
}

/** A method statically sensitive to `ev` that logs the time and delta it sees. */
function listener(sim: Simulator, name: string, ev: SimEvent, seen: string[]): void {
  sim.method(name, () => seen.push(`${name}@${formatTime(sim.now)}/${sim.deltaCount}`), {
    sensitive: [ev],
    dontInitialize: true,
  });
}

test('notify(0): the sensitive process runs in the next delta at the same time; deltaCount advances', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  const seen: string[] = [];
  listener(sim, 'l', ev, seen);
  sim.thread('n', function* () {
    yield 5 * NS;
    seen.push(`notify@${formatTime(sim.now)}/${sim.deltaCount}`);
    ev.notify(0);
  });
  sim.run();
  t.deepEqual(seen, ['notify@5ns/1', 'l@5ns/2']);
  t.is(sim.now, 5 * NS);
  t.is(sim.deltaCount, 3);
  t.is(sim.stats.deltaCycles, 3);
});

test('immediate notify(): the sensitive process runs in the same evaluation phase (same delta)', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  const seen: string[] = [];
  listener(sim, 'l', ev, seen);
  sim.thread('n', function* () {
    yield 5 * NS;
    seen.push(`notify@${formatTime(sim.now)}/${sim.deltaCount}`);
    ev.notify();
  });
  sim.run();
  t.deepEqual(seen, ['notify@5ns/1', 'l@5ns/1']);
});

test('timed notify(t): the process runs at now + t', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  const seen: string[] = [];
  listener(sim, 'l', ev, seen);
  sim.thread('n', function* () {
    yield 3 * NS;
    ev.notify(7 * NS);
  });
  sim.run();
  t.is(seen.length, 1);
  t.true(seen[0]!.startsWith('l@10ns/'));
  t.is(sim.now, 10 * NS);
});

test('override rule: an earlier timed notification replaces a later one, a later one is ignored', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  const seen: string[] = [];
  listener(sim, 'l', ev, seen);
  sim.thread('n', function* () {
    ev.notify(20 * NS);
    ev.notify(30 * NS); // ignored: later than pending
    t.is(ev.pendingTime, 20 * NS);
    ev.notify(10 * NS); // replaces: earlier
    t.is(ev.pendingTime, 10 * NS);
  });
  sim.run();
  t.deepEqual(
    seen.map((s) => s.split('/')[0]),
    ['l@10ns'],
  );
});

test('override rule: notify(0) replaces a pending timed one; a timed one never replaces a pending delta one', (t) => {
  const { sim } = traced();
  const a = sim.event('a');
  const b = sim.event('b');
  const seen: string[] = [];
  listener(sim, 'la', a, seen);
  listener(sim, 'lb', b, seen);
  sim.thread('n', function* () {
    yield 1 * NS;
    a.notify(10 * NS);
    a.notify(0);
    b.notify(0);
    b.notify(5 * NS);
    t.is(b.pendingTime, 1 * NS);
  });
  sim.run();
  t.deepEqual(seen, ['la@1ns/2', 'lb@1ns/2']);
  t.is(sim.now, 1 * NS); // nothing left at 10 ns or 5 ns
});

test('immediate notification cancels a pending one', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  const seen: string[] = [];
  listener(sim, 'l', ev, seen);
  sim.thread('n', function* () {
    ev.notify(10 * NS);
    yield 2 * NS;
    ev.notify();
    t.false(ev.isPending);
  });
  sim.run();
  t.deepEqual(seen, ['l@2ns/1']);
  t.is(sim.now, 2 * NS);
});

test('cancel() removes delta and timed notifications; a cancelled event can be notified again', (t) => {
  const { sim } = traced();
  const a = sim.event('a');
  const b = sim.event('b');
  const seen: string[] = [];
  listener(sim, 'la', a, seen);
  listener(sim, 'lb', b, seen);
  sim.thread('n', function* () {
    a.notify(0);
    a.cancel();
    b.notify(4 * NS);
    b.cancel();
    t.false(a.isPending);
    t.is(b.pendingTime, undefined);
    yield 1 * NS;
    a.notify(0);
    a.cancel();
    a.notify(0); // re-notified after cancel in the same delta: fires once
  });
  sim.run();
  t.deepEqual(seen, ['la@1ns/2']);
  t.is(sim.now, 1 * NS);
});

test('a process is not triggered by its own immediate notification', (t) => {
  const { sim } = traced();
  const ev = sim.event('ev');
  let runs = 0;
  sim.method(
    'self',
    () => {
      runs++;
      ev.notify();
    },
    { sensitive: [ev] },
  );
  sim.run();
  t.is(runs, 1);
});

test('bad delays throw RangeError naming the event', (t) => {
  const sim = new Simulator();
  const ev = sim.event('wire');
  for (const bad of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
    const e = t.throws(() => ev.notify(bad), { instanceOf: RangeError });
    t.true(e.message.includes('"wire"'));
  }
});

test('several events fire in a deterministic order: timed ones at one instant in notification order', (t) => {
  const { sim } = traced();
  const evs = ['e0', 'e1', 'e2', 'e3'].map((n) => sim.event(n));
  const seen: string[] = [];
  evs.forEach((ev, i) => listener(sim, `l${i}`, ev, seen));
  sim.thread('n', function* () {
    evs[2]!.notify(10 * NS);
    evs[0]!.notify(10 * NS);
    evs[3]!.notify(20 * NS);
    evs[1]!.notify(10 * NS);
    evs[3]!.notify(10 * NS); // replaces its 20 ns notification: now last in order
  });
  sim.run();
  t.deepEqual(
    seen.map((s) => s.split('@')[0]),
    ['l2', 'l0', 'l1', 'l3'],
  );
});
