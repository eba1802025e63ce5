import test from 'ava';
import { ActivityMonitor, StringSink, VcdWriter } from '../../../hwmodel/trace/index.js';
import { ResourcePool } from '../../../hwmodel/timing/index.js';
import { seeded } from '../timing/prng.js';

test('busy intervals give utilization over the window, relative to the lanes', (t) => {
  const mon = new ActivityMonitor();
  const a = mon.module('a');
  const b = mon.module('b', 2);
  a.busy(0, 30);
  a.busy(50, 70);
  b.busy(0, 100);
  b.busy(10, 20);
  const s = mon.stats(100);
  t.deepEqual(
    s.modules.map((m) => [m.name, m.busyTime, m.utilization]),
    [
      ['a', 50, 0.5],
      ['b', 110, 110 / 200],
    ],
  );
});

test('queue depth: max, sample mean and time-weighted mean', (t) => {
  const mon = new ActivityMonitor();
  const q = mon.module('fifo');
  q.queueDepth(0, 2); // 2 for 10
  q.queueDepth(10, 4); // 4 for 30
  q.queueDepth(40, 0); // 0 for 60
  const s = mon.stats(100).modules[0]?.queue;
  t.is(s?.max, 4);
  t.is(s?.samples, 4); // initial 0, then 2, 4, 0
  t.is(s?.mean, (0 + 2 + 4 + 0) / 4);
  t.is(s?.timeWeightedMean, (2 * 10 + 4 * 30) / 100);
});

test('wait intervals add up as a queue; counters count', (t) => {
  const mon = new ActivityMonitor();
  const m = mon.module('m');
  m.wait(0, 20);
  m.wait(5, 10);
  m.count('records');
  m.count('records', 4);
  const s = mon.stats(40).modules[0];
  t.is(s?.queue.max, 2);
  t.is(s?.queue.timeWeightedMean, (20 + 5) / 40);
  t.deepEqual(s?.counters, { records: 5 });
});

test('a reset window excludes warm-up', (t) => {
  const mon = new ActivityMonitor();
  const m = mon.module('m');
  m.busy(0, 100);
  m.busy(150, 160);
  m.count('x');
  mon.resetWindow(100);
  const s = mon.stats(200);
  t.is(s.from, 100);
  t.is(s.modules[0]?.busyTime, 10);
  t.is(s.modules[0]?.utilization, 0.1);
  t.deepEqual(s.modules[0]?.counters, {});
});

test('the monitor agrees with the lane pool on utilization and queue depth', (t) => {
  const random = seeded(5);
  const pool = new ResourcePool('engine', 3);
  const mon = new ActivityMonitor();
  const m = mon.module('engine', 3);
  let at = 0;
  for (let i = 0; i < 500; i++) {
    at += Math.floor(random.next() * 40);
    mon.advanceTo(at);
    m.serve(pool.request(at, 20 + Math.floor(random.next() * 80)));
  }
  const end = at + 10_000;
  const p = pool.stats(end);
  const s = mon.stats(end).modules[0];
  t.is(s?.busyTime, p.busyTime);
  t.true(Math.abs((s?.utilization ?? 0) - p.utilization) < 1e-12);
  t.true(Math.abs((s?.queue.timeWeightedMean ?? 0) - p.meanQueueDepth) < 1e-12);
  t.is(s?.queue.max, p.maxQueueDepth);
  t.true(p.maxQueueDepth > 0, 'the load queues');
});

test('activity is dumped in time order even when reported ahead', (t) => {
  const sink = new StringSink();
  const vcd = new VcdWriter(sink);
  const mon = new ActivityMonitor({ vcd });
  const m = mon.module('dma');
  m.busy(10, 50); // reported at time 0, ends in the future
  mon.advanceTo(20);
  m.busy(30, 40); // overlapping second lane use
  mon.stats(60);
  vcd.close(60);
  const body = sink.text.split('$end\n').pop() ?? '';
  t.is(body, ['#10', '1!', 'b1 "', '#30', 'b10 "', '#40', 'b1 "', '#50', '0!', 'b0 "', '#60', ''].join('\n'));
});

test('reports in the past are rejected', (t) => {
  const mon = new ActivityMonitor();
  const m = mon.module('m');
  mon.advanceTo(100);
  t.throws(() => m.busy(50, 150), { instanceOf: RangeError, message: /before the monitor's time/ });
  t.throws(() => m.busy(200, 150), { instanceOf: RangeError, message: /ends before it starts/ });
  t.throws(() => mon.advanceTo(99), { instanceOf: RangeError });
  t.throws(() => mon.module('m'), { message: /already declared/ });
});

test('busy time is the same whether the intervals are summed (no signals) or replayed in time order (VCD)', (t) => {
  // Modules without signals sum busy intervals once they have ended; with a VCD they go through the time-ordered
  // changes. Overlapping intervals reported ahead, a window reset while some are open, statistics while others are.
  const run = (vcd: VcdWriter | undefined) => {
    const random = seeded(11);
    const mon = new ActivityMonitor(vcd === undefined ? {} : { vcd });
    const m = mon.module('engine', 4);
    const link = mon.module('link');
    vcd?.begin();
    let at = 0;
    for (let i = 0; i < 3_000; i++) {
      at += Math.floor(random.next() * 30);
      mon.keepUp(at);
      m.busy(at + Math.floor(random.next() * 50), at + 60 + Math.floor(random.next() * 400));
      if (i % 3 === 0) link.busy(at, at + 5);
      if (i === 1_000) mon.resetWindow(at);
    }
    return mon.stats(at + 100).modules.map((s) => [s.busyTime, s.utilization]);
  };
  const summed = run(undefined);
  t.deepEqual(summed, run(new VcdWriter(new StringSink())));
  t.true((summed[0]?.[0] ?? 0) > 0);
});
