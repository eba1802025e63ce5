import { NS, Simulator, type SimEvent } from '../hwmodel/kernel/index.js';
import { consume, formatRate } from './harness.js';

/**
 * The hwmodel kernel: kernel events per second in three workloads, each
 * against a bare JS loop dispatching the same number of callbacks with no
 * kernel semantics (measured in alternating rounds in this process), and
 * against the 1,000,000 events/s target.
 *
 * (a) timed ping-pong: pairs of generator threads notifying each other's
 *     event 1 ns ahead (timed queue, thread resumption); baseline: a bare
 *     binary heap of (time, seq, callback) entries.
 * (b) delta ring: method processes in a ring, each notify(0)-ing the next
 *     one's event (delta notification phase, static sensitivity); baseline:
 *     a two-array delta loop of callbacks.
 * (c) wait(time): many threads each yielding a pseudo-random delay (the heap
 *     holds one entry per thread); baseline: the bare heap again.
 */

const TARGET = 1_000_000;
const ROUNDS = 7;

interface Workload {
  readonly name: string;
  /** Runs about `n` kernel events; returns how many were processed. */
  readonly kernel: (n: number) => number;
  /** Dispatches about `n` callbacks without a kernel; returns how many. */
  readonly baseline: (n: number) => number;
}

// ---- baselines ------------------------------------------------------------

interface Entry {
  time: number;
  seq: number;
  fn: (h: BareHeap, e: Entry) => void;
}

/** A minimal timed callback loop: a binary heap on (time, seq), no phases, no sensitivity. */
class BareHeap {
  readonly items: Entry[] = [];
  seq = 0;
  now = 0;
  push(e: Entry): void {
    e.seq = this.seq++;
    const a = this.items;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = a[p]!;
      if (q.time < e.time || (q.time === e.time && q.seq < e.seq)) break;
      a[i] = q;
      i = p;
    }
    a[i] = e;
  }
  pop(): Entry {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        let c = l;
        const r = l + 1;
        if (r < n && (a[r]!.time < a[l]!.time || (a[r]!.time === a[l]!.time && a[r]!.seq < a[l]!.seq))) c = r;
        const x = a[c]!;
        if (last.time < x.time || (last.time === x.time && last.seq < x.seq)) break;
        a[i] = x;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
  run(limit: number): number {
    let n = 0;
    while (this.items.length > 0 && n < limit) {
      const e = this.pop();
      this.now = e.time;
      e.fn(this, e);
      n++;
    }
    return n;
  }
}

function bareTimed(entries: number, next: (i: number) => number, n: number): number {
  const h = new BareHeap();
  const fn = (heap: BareHeap, e: Entry): void => {
    e.time = heap.now + next(e.seq);
    heap.push(e);
  };
  for (let i = 0; i < entries; i++) h.push({ time: next(i), seq: 0, fn });
  return h.run(n);
}

function bareDelta(size: number, n: number): number {
  let current: number[] = [];
  let nextList: number[] = [];
  for (let i = 0; i < size; i++) current.push(i);
  let count = 0;
  let sum = 0;
  const step = (i: number, out: number[]): void => {
    sum += i;
    out.push((i + 1) % size);
  };
  while (count < n) {
    for (let k = 0; k < current.length; k++) step(current[k]!, nextList);
    count += current.length;
    current.length = 0;
    const t = current;
    current = nextList;
    nextList = t;
  }
  consume(sum);
  return count;
}

// ---- kernel workloads -----------------------------------------------------

function pingPong(pairs: number, n: number): number {
  const sim = new Simulator();
  for (let i = 0; i < pairs; i++) {
    const ping = sim.event(`ping${i}`);
    const pong = sim.event(`pong${i}`);
    sim.thread(`pinger${i}`, function* () {
      for (;;) {
        ping.notify(1 * NS);
        yield pong;
      }
    });
    sim.thread(`ponger${i}`, function* () {
      for (;;) {
        yield ping;
        pong.notify(1 * NS);
      }
    });
  }
  sim.run(Math.ceil(n / pairs) * NS);
  return sim.stats.eventsProcessed;
}

function deltaRing(size: number, n: number): number {
  const sim = new Simulator();
  const events: SimEvent[] = Array.from({ length: size }, (_, i) => sim.event(`e${i}`));
  for (let i = 0; i < size; i++) {
    const next = events[(i + 1) % size]!;
    sim.method(`m${i}`, () => next.notify(0), { sensitive: [events[i]!] });
  }
  let cycles = Math.ceil(n / size);
  sim.method(
    'limit',
    () => {
      if (--cycles <= 0) sim.stop();
    },
    { sensitive: [events[0]!] },
  );
  sim.run();
  return sim.stats.eventsProcessed;
}

function manyWaiters(threads: number, n: number): number {
  const sim = new Simulator({ seed: 7 });
  for (let i = 0; i < threads; i++) {
    const rnd = sim.random.fork(`t${i}`);
    sim.thread(`t${i}`, function* () {
      for (;;) yield (1 + rnd.int(100)) * NS;
    });
  }
  sim.run(Math.ceil((n / threads) * 50.5) * NS);
  return sim.stats.eventsProcessed;
}

// ---- measurement ------------------------------------------------------------

function rate(fn: (n: number) => number, n: number): number {
  const t0 = performance.now();
  const done = fn(n);
  const ms = performance.now() - t0;
  return (done * 1000) / ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the kernel benchmark and prints its table. */
export async function benchKernel(log: (line: string) => void): Promise<void> {
  const N = 400_000;
  const workloads: Workload[] = [
    {
      name: '(a) timed ping-pong, 16 thread pairs',
      kernel: (n) => pingPong(16, n),
      baseline: (n) => bareTimed(32, () => 1000, n),
    },
    { name: '(b) delta ring, 256 methods', kernel: (n) => deltaRing(256, n), baseline: (n) => bareDelta(256, n) },
    {
      name: '(c) wait(time), 1000 threads, random delays',
      kernel: (n) => manyWaiters(1000, n),
      baseline: (n) => {
        let x = 12345;
        return bareTimed(1000, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), (1 + (x % 100)) * 1000), n);
      },
    },
  ];
  log(
    '\nhwmodel kernel: kernel events per second (events fired: timed, delta, waits on time); ratio = kernel / bare JS callback loop (alternating rounds, same process)\n',
  );
  log(`${'workload'.padEnd(46)}${'kernel'.padEnd(13)}${'bare loop'.padEnd(13)}${'ratio'.padEnd(8)}vs 1M/s target`);
  for (const w of workloads) {
    w.kernel(N / 4); // warm-up
    w.baseline(N / 4);
    const k: number[] = [];
    const b: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      k.push(rate(w.kernel, N));
      b.push(rate(w.baseline, N));
      ratios.push(k[r]! / b[r]!);
      await new Promise((resolve) => setImmediate(resolve)); // let the event loop breathe between rounds
    }
    const kr = median(k);
    log(
      `${w.name.padEnd(46)}${formatRate(kr).padEnd(13)}${formatRate(median(b)).padEnd(13)}${median(ratios).toFixed(2).padEnd(8)}${(kr / TARGET).toFixed(2)}x`,
    );
  }
}
