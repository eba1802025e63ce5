import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { DramChannel, type DramTiming } from '../../../hwmodel/timing/dram-channel.js';

/** The channel as its figures define it, every access worked out from nothing (`%` for the refresh's phase). */
class Reference {
  start = 0;
  #free = 0;
  readonly t: DramTiming;
  readonly channels: number;
  readonly bitsPerNs: number;
  constructor(t: DramTiming, channels: number, bitsPerSecond: number) {
    this.t = t;
    this.channels = channels;
    this.bitsPerNs = (channels * bitsPerSecond) / 1e9;
  }
  book(at: number, bytes: number): number {
    const t = this.t;
    let start = Math.max(at, this.#free);
    const open = t.refreshIntervalNs - t.refreshNs;
    let phase = start % t.refreshIntervalNs;
    if (phase >= open) {
      start += t.refreshIntervalNs - phase;
      phase = start % t.refreshIntervalNs;
    }
    const bus = (Math.ceil(bytes / t.burstBytes) * t.burstBytes * 8) / this.bitsPerNs / t.turnaroundEfficiency;
    let end = start + Math.max(bus, t.activateNs / this.channels);
    if (phase + (end - start) > open) end += t.refreshNs;
    this.start = start;
    this.#free = end;
    return end;
  }
}

const DDR4: DramTiming = {
  burstBytes: 64,
  turnaroundEfficiency: 0.8205128205128205,
  activateNs: 5.3125,
  refreshIntervalNs: 7800,
  refreshNs: 350,
};

// Accesses arriving as a flow model's do (in time order, often at once) and as simulate()'s may (in any order), at
// times from 0 to past 2^40 ns, against whole and fractional refresh intervals: every end and start to the bit.
for (const [name, timing] of [
  ['a whole tREFI', DDR4],
  ['a fractional tREFI', { ...DDR4, refreshIntervalNs: 7812.37, refreshNs: 350.5 }],
  ['a refresh most of the interval', { ...DDR4, refreshIntervalNs: 100, refreshNs: 90 }],
] as const)
  test(`books each access as the figures define it, to the bit: ${name} (property)`, (t) => {
    const r = new SeededRandom(41);
    for (const channels of [1, 3, 16]) {
      const fast = new DramChannel(timing, channels, 204.8e9);
      const slow = new Reference(timing, channels, 204.8e9);
      let now = 0;
      for (let i = 0; i < 100_000; i++) {
        const step = r.chance(0.3)
          ? 0
          : r.chance(0.001)
            ? r.uniform(0, 2 ** 40)
            : r.exponential(r.chance(0.5) ? 2 : 4000);
        now += step;
        const at = r.chance(0.02) ? r.uniform(0, now) : now; // now and then an access from the past
        const bytes = r.chance(0.1) ? r.uniform(1, 50_000) : [64, 93, 160, 605, 1529, 40_000][r.int(6)]!;
        const [a, b] = [fast.book(at, bytes), slow.book(at, bytes)];
        if (!Object.is(a, b) || !Object.is(fast.start, slow.start))
          return t.fail(
            `${channels} channels, access ${i} at ${at} of ${bytes} B: ${a} from ${fast.start}, not ${b} from ${slow.start}`,
          );
      }
    }
    t.pass();
  });

test('an access reaching into the refresh waits it out; one starting in it starts after it', (t) => {
  const d = new DramChannel({ ...DDR4, activateNs: 0 }, 1, 8e9); // 1 byte a ns: 64 bytes, 78 ns of bus
  t.is(d.book(7800 - 350 - 10, 64), 7800 - 350 - 10 + 78 + 350);
  const e = new DramChannel(DDR4, 1, 8e9);
  e.book(3 * 7800 - 100, 1);
  t.is(e.start, 3 * 7800);
});

test('an access a hair before a refresh interval ends (the quotient start / tREFI nearly whole)', (t) => {
  const below = (x: number): number => {
    const f = new Float64Array([x]);
    new BigInt64Array(f.buffer)[0]! -= 1n;
    return f[0]!;
  };
  for (const timing of [DDR4, { ...DDR4, refreshIntervalNs: 7812.37 }]) {
    const fast = new DramChannel(timing, 16, 204.8e9);
    const slow = new Reference(timing, 16, 204.8e9);
    for (let k = 1; k < 200_000; k += 997) {
      const at = below(k * 1024 * timing.refreshIntervalNs);
      t.is(fast.book(at, 64), slow.book(at, 64), `at ${at}`);
      t.is(fast.start, slow.start);
    }
  }
});
