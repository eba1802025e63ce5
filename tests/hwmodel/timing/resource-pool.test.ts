import test from 'ava';
import fc from 'fast-check';
import { ConfigError } from '../../../runtime/config-error.js';
import { ResourcePool } from '../../../hwmodel/timing/index.js';

test('three requests on two lanes: the third waits for the first lane to free', (t) => {
  const pool = new ResourcePool('engine', 2);
  const a = pool.request(0, 10);
  const b = pool.request(0, 10);
  const c = pool.request(0, 10);
  t.like(a, { lane: 0, start: 0, finish: 10, wait: 0, queueDepth: 0 });
  t.like(b, { lane: 1, start: 0, finish: 10, wait: 0, queueDepth: 0 });
  t.like(c, { lane: 0, start: 10, finish: 20, wait: 10, queueDepth: 1 });
  t.is(pool.queueDepthAt(0), 1);
  t.is(pool.busyLanesAt(5), 2);
  t.is(pool.busyLanesAt(15), 1);
  const s = pool.stats(20);
  t.is(s.busyTime, 30);
  t.is(s.utilization, 30 / (2 * 20));
  t.is(s.waitTime, 10);
  t.is(s.meanQueueDepth, 10 / 20);
  t.is(s.maxQueueDepth, 1);
});

test('a request after an idle gap starts on arrival; stats clip work past the window', (t) => {
  const pool = new ResourcePool('engine', 1);
  pool.request(0, 5);
  const g = pool.request(100, 50);
  t.like(g, { start: 100, finish: 150, wait: 0 });
  t.is(pool.stats(120).busyTime, 5 + 20);
  t.is(pool.stats(200).utilization, 55 / 200);
});

test('the lane freed first serves the next request', (t) => {
  const pool = new ResourcePool('engine', 2);
  pool.request(0, 30);
  pool.request(0, 10);
  const g = pool.request(5, 10);
  t.like(g, { lane: 1, start: 10, finish: 20, queueDepth: 1 });
  t.is(pool.nextStart(5), 20);
});

test('arrivals must not go back in time; lanes must be a positive integer', (t) => {
  const pool = new ResourcePool('engine', 1);
  pool.request(10, 1);
  t.throws(() => pool.request(9, 1), { instanceOf: RangeError, message: /before the previous arrival/ });
  t.throws(() => pool.request(10, 1.5), { instanceOf: RangeError });
  const e = t.throws(() => new ResourcePool('engine', 0), { instanceOf: ConfigError });
  t.is(e?.option, 'engine.lanes');
});

test('FIFO, work-conserving, never more busy lanes than the pool has (property)', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 })), {
        minLength: 1,
        maxLength: 40,
      }),
      (lanes, reqs) => {
        const pool = new ResourcePool('p', lanes);
        let at = 0;
        const grants = reqs.map(([gap, service]) => pool.request((at += gap), service));
        for (let i = 1; i < grants.length; i++) if ((grants[i]?.start ?? 0) < (grants[i - 1]?.start ?? 0)) return false;
        for (const g of grants) {
          // Busy lanes at an instant: grants covering it with non-zero service.
          const busyAt = (x: number) => grants.filter((o) => o.start <= x && x < o.finish).length;
          if (busyAt(g.start) > lanes) return false;
          // Work-conserving: a request that waits starts the moment an earlier one frees its lane.
          if (g.wait > 0 && !grants.slice(0, grants.indexOf(g)).some((o) => o.finish === g.start)) return false;
        }
        const end = Math.max(...grants.map((g) => g.finish));
        const total = grants.reduce((s, g) => s + (g.finish - g.start), 0);
        return pool.stats(Math.max(end, at)).busyTime === total;
      },
    ),
  );
  t.pass();
});

test('queue depth, busy lanes and totals agree with a count over every grant (property, long queues)', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 60 })), {
        minLength: 1,
        maxLength: 3000,
      }),
      (lanes, reqs) => {
        const pool = new ResourcePool('p', lanes);
        const grants: { arrival: number; start: number; finish: number }[] = [];
        let now = 0;
        for (const [gap, service] of reqs) {
          now += gap;
          const g = pool.request(now, service);
          grants.push(g);
          const waiting = grants.filter((x) => x.arrival <= now && x.start > now).length;
          if (g.queueDepth !== waiting || pool.queueDepthAt(now) !== waiting) return false;
          if (pool.busyLanesAt(now) !== grants.filter((x) => x.start <= now && x.finish > now).length) return false;
        }
        const until = now + 50;
        const clip = (a: number, b: number): number => Math.max(0, Math.min(b, until) - Math.min(a, until));
        const s = pool.stats(until);
        return (
          s.busyTime === grants.reduce((n, x) => n + clip(x.start, x.finish), 0) &&
          s.waitTime === grants.reduce((n, x) => n + clip(x.arrival, x.start), 0)
        );
      },
    ),
    { numRuns: 60 },
  );
  t.pass();
});

test('book grants as request does, in one object the pool reuses; request hands out a copy of its own', (t) => {
  const booked = new ResourcePool('engine', 2);
  const requested = new ResourcePool('engine', 2);
  const seen = new Set<object>();
  const grants = [];
  for (const [at, service] of [
    [0, 10],
    [0, 10],
    [0, 7],
    [3, 4],
    [12, 1],
  ] as const) {
    const g = booked.book(at, service);
    seen.add(g);
    const r = requested.request(at, service);
    t.deepEqual({ ...g }, r);
    grants.push(r);
  }
  t.is(seen.size, 1); // book: one object, overwritten each time
  t.is(new Set(grants).size, grants.length); // request: a new one each time, unchanged by later requests
  t.like(grants[0], { lane: 0, start: 0, finish: 10 });
  t.deepEqual(booked.stats(20), requested.stats(20));
});
