import test from 'ava';
import {
  NS,
  PrimitiveChannel,
  Simulator,
  formatTime,
  type ChannelHost,
  type SimEvent,
} from '../../../hwmodel/kernel/index.js';

test('readers in the same delta see the old value; the new one after the update phase', (t) => {
  const sim = new Simulator();
  const sig = sim.signal('wire', 0);
  const seen: string[] = [];
  // the reader is created first and runs first in each delta, the writer second; both see the same value
  sim.thread('reader', function* () {
    seen.push(`r0 ${sig.value}`);
    yield 0;
    seen.push(`r1 ${sig.value}`);
  });
  sim.thread('writer', function* () {
    sig.write(7);
    seen.push(`w0 ${sig.read()}`);
    yield 0;
    seen.push(`w1 ${sig.read()}`);
  });
  sim.run();
  t.deepEqual(seen, ['r0 0', 'w0 0', 'r1 7', 'w1 7']);
});

test('changed is notified for the next delta, only when the value changes; the last write wins', (t) => {
  const sim = new Simulator();
  const sig = sim.signal<string>('state', 'idle');
  const seen: string[] = [];
  sim.method('watch', () => seen.push(`${formatTime(sim.now)}/${sim.deltaCount} ${sig.value}`), {
    sensitive: [sig.changed],
    dontInitialize: true,
  });
  sim.thread('drive', function* () {
    yield 1 * NS;
    sig.write('busy');
    sig.write('done'); // last write in the delta wins
    yield 1 * NS;
    sig.write('done'); // no change: no event
    yield 1 * NS;
    sig.write('idle');
    sig.write('done'); // back to the current value: no event
  });
  sim.run();
  t.deepEqual(seen, ['1ns/2 done']);
});

test('a signal models a wire between a clocked writer and a method reader (one delta later)', (t) => {
  const sim = new Simulator();
  const clk = sim.event('clk');
  const q = sim.signal('q', 0);
  const seen: number[] = [];
  sim.method('count', () => q.write(q.value + 1), { sensitive: [clk], dontInitialize: true });
  sim.method('probe', () => seen.push(q.value), { sensitive: [q.changed], dontInitialize: true });
  sim.thread('clock', function* () {
    for (let i = 0; i < 4; i++) {
      yield 10 * NS;
      clk.notify();
    }
  });
  sim.run();
  t.deepEqual(seen, [1, 2, 3, 4]);
});

test('a custom primitive channel gets update() in the update phase, once per delta', (t) => {
  class Accumulator extends PrimitiveChannel {
    pending = 0;
    total = 0;
    updates = 0;
    constructor(sim: ChannelHost) {
      super(sim, 'acc');
    }
    add(n: number): void {
      this.pending += n;
      this.requestUpdate();
    }
    update(): void {
      this.updates++;
      this.total += this.pending;
      this.pending = 0;
    }
  }
  const sim = new Simulator();
  const acc = new Accumulator(sim);
  const seen: number[] = [];
  for (const name of ['a', 'b', 'c']) {
    sim.thread(name, function* () {
      acc.add(1);
      seen.push(acc.total);
      yield 0;
      seen.push(acc.total);
    });
  }
  sim.run();
  t.deepEqual(seen, [0, 0, 0, 3, 3, 3]);
  t.is(acc.updates, 1);
});

test('an update that throws is reported naming the channel; immediate notify in update is refused', (t) => {
  class Bad extends PrimitiveChannel {
    readonly mode: 'throw' | 'notify';
    readonly ev: SimEvent;
    constructor(sim: Simulator, mode: 'throw' | 'notify') {
      super(sim, `bad-${mode}`);
      this.mode = mode;
      this.ev = sim.event('ev');
    }
    poke(): void {
      this.requestUpdate();
    }
    update(): void {
      if (this.mode === 'throw') throw new Error('boom');
      this.ev.notify();
    }
  }
  const sim = new Simulator();
  const bad = new Bad(sim, 'throw');
  sim.thread('p', function* () {
    bad.poke();
    yield 0;
  });
  t.throws(() => sim.run(), { message: /channel "bad-throw" failed at 0s.*boom/ });
  const sim2 = new Simulator();
  const bad2 = new Bad(sim2, 'notify');
  sim2.thread('p', function* () {
    bad2.poke();
    yield 0;
  });
  t.throws(() => sim2.run(), { message: /immediate notification is not allowed in the update phase/ });
});
