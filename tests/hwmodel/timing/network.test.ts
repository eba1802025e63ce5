import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import { DuplexLink, NetworkLink, US, serializationTime } from '../../../hwmodel/timing/index.js';
import type { Delivery, NetworkParams, RandomSource } from '../../../hwmodel/timing/index.js';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { seeded } from './prng.js';

const base: NetworkParams = {
  latencyUs: 10,
  bandwidthBitsPerSecond: 1e9,
  jitterUs: 0,
  lossProbability: 0,
  reorder: false,
  overheadBytes: 0,
};

function delivered(d: Delivery): number {
  if (d.dropped) throw new Error('dropped');
  return d.deliveryTime;
}

test('back-to-back datagrams serialize one after another (FIFO)', (t) => {
  const link = new NetworkLink('link', base, seeded(1));
  // 1000 bytes at 1 Gbit/s: 8 µs on the wire.
  t.is(serializationTime(base, 1000), 8 * US);
  const d = [link.send(1000, 0), link.send(1000, 0), link.send(1000, 0)];
  t.deepEqual(
    d.map((x) => x.serializationEnd),
    [8 * US, 16 * US, 24 * US],
  );
  t.deepEqual(d.map(delivered), [18 * US, 26 * US, 34 * US]);
  // After the link drains, a datagram starts at once.
  t.like(link.send(125, 100 * US), {
    serializationStart: 100 * US,
    serializationEnd: 101 * US,
    deliveryTime: 111 * US,
  });
  t.like(link.stats, { sent: 4, dropped: 0, bytes: 3125, busyTime: 25 * US });
});

test('per-datagram overhead bytes count on the wire', (t) => {
  const p = { ...base, overheadBytes: 28 };
  t.is(serializationTime(p, 97), serializationTime(base, 125));
});

test('the same seed gives the same deliveries; another seed does not', (t) => {
  const p = { ...base, jitterUs: 20, lossProbability: 0.2, reorder: true };
  const run = (seed: number) => {
    const link = new NetworkLink('link', p, seeded(seed));
    return Array.from({ length: 200 }, (_, i) => link.send(100 + (i % 7) * 50, i * 3 * US));
  };
  t.deepEqual(run(42), run(42));
  t.notDeepEqual(run(42), run(43));
});

test('each send draws exactly two random numbers whatever the settings', (t) => {
  for (const p of [base, { ...base, lossProbability: 0.5, jitterUs: 3 }]) {
    const r = seeded(7);
    const link = new NetworkLink('link', p, r);
    for (let i = 0; i < 10; i++) link.send(10, i);
    t.is(r.draws, 20);
  }
});

test('loss rate is near p over many datagrams (binomial bound)', (t) => {
  const p = 0.1;
  const n = 20_000;
  const link = new NetworkLink('link', { ...base, lossProbability: p }, seeded(2024));
  let lost = 0;
  for (let i = 0; i < n; i++) if (link.send(50, i * US).dropped) lost++;
  t.is(link.stats.dropped, lost);
  // Binomial(n, p): mean np, sd sqrt(np(1-p)) ≈ 42; allow 5 sd (a false failure about 1 in 1.7 million).
  const sd = Math.sqrt(n * p * (1 - p));
  t.true(Math.abs(lost - n * p) <= 5 * sd, `lost ${lost} of ${n}, expected ${n * p} ± ${(5 * sd).toFixed(0)}`);
});

test('loss probability 0 and 1 are exact', (t) => {
  const none = new NetworkLink('a', base, seeded(3));
  const all = new NetworkLink('b', { ...base, lossProbability: 1 }, seeded(3));
  for (let i = 0; i < 100; i++) {
    t.false(none.send(10, i).dropped);
    t.true(all.send(10, i).dropped);
  }
});

test('jitter stays within [latency, latency + jitter) and reorders only when allowed', (t) => {
  const p = { ...base, bandwidthBitsPerSecond: 1e12, jitterUs: 50 };
  const inversions = (reorder: boolean) => {
    const link = new NetworkLink('link', { ...p, reorder }, seeded(9));
    let last = 0;
    let n = 0;
    for (let i = 0; i < 500; i++) {
      const d = link.send(100, i * US);
      const at = delivered(d);
      const flight = at - d.serializationEnd;
      if (reorder) t.true(flight >= 10 * US && flight < 60 * US, `flight ${flight}`);
      if (at < last) n++;
      last = Math.max(last, at);
    }
    return n;
  };
  t.is(inversions(false), 0);
  t.true(inversions(true) > 0);
});

test('a duplex link has independent directions', (t) => {
  const path = new DuplexLink('path', base, seeded(1), seeded(2));
  path.forward.send(1000, 0);
  t.is(path.reverse.send(1000, 0).serializationStart, 0);
  t.is(path.forward.busyUntil, 8 * US);
});

test('bad parameters and sends back in time are rejected by name', (t) => {
  const e = t.throws(() => new NetworkLink('lan', { ...base, lossProbability: 1.5 }, seeded(1)), {
    instanceOf: ConfigError,
  });
  t.is(e?.option, 'lan.lossProbability');
  t.throws(() => new NetworkLink('lan', { ...base, bandwidthBitsPerSecond: 0 }, seeded(1)), {
    instanceOf: ConfigError,
    message: /bandwidthBitsPerSecond/,
  });
  const link = new NetworkLink('lan', base, seeded(1));
  link.send(10, 100);
  t.throws(() => link.send(10, 99), { instanceOf: RangeError, message: /before the previous send/ });
  t.throws(() => new NetworkLink('lan', base, { next: () => 1 }).send(1, 0), {
    instanceOf: RangeError,
    message: /outside \[0, 1\)/,
  });
});

test("the kernel's seeded random streams plug in as the RandomSource", (t) => {
  const run = (seed: number) => {
    const random: RandomSource = new SeededRandom(seed).fork('net');
    const link = new NetworkLink('link', { ...base, jitterUs: 30, lossProbability: 0.3, reorder: true }, random);
    return Array.from({ length: 50 }, (_, i) => link.send(200, i * US));
  };
  t.deepEqual(run(1), run(1));
  t.notDeepEqual(run(1), run(2));
});
