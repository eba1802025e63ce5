import test from 'ava';
import { Simulator, US } from '../../../hwmodel/kernel/index.js';
import { Lanes } from '../../../hwmodel/model/lanes.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { ActivityMonitor } from '../../../hwmodel/trace/index.js';
import { ResourcePool } from '../../../hwmodel/timing/index.js';

const identity = makeSimIdentity('ed25519');
const base = { connections: 40, records: 10, identity, seed: 4, hwAccel: true, bandwidth: 400e9, latency: 5 * US };
const module = (r: SimulationResult, name: string) =>
  r.run.modules.find((m) => m.name === `device.cryptoEngine.${name}`)!;

test('the engine has a symmetric and a public-key unit with their own lanes, and a DMA channel', (t) => {
  const r = simulate({ ...base, device: { cryptoEngine: { lanes: 3, pkLanes: 5 } } });
  t.is(module(r, 'symmetric').capacity, 3);
  t.is(module(r, 'publicKey').capacity, 5);
  t.is(module(r, 'dma').capacity, 1);
  t.true(module(r, 'publicKey').busyTime > 0 && module(r, 'symmetric').busyTime > 0 && module(r, 'dma').busyTime > 0);
});

test('costs are cycles at the clock: a clock twice as slow doubles the units busy time', (t) => {
  const fast = simulate({ ...base, device: { cryptoEngine: { clockPeriod: 2000 } } });
  const slow = simulate({ ...base, device: { cryptoEngine: { clockPeriod: 4000 } } });
  for (const unit of ['symmetric', 'publicKey'])
    t.is(module(slow, unit).busyTime, 2 * module(fast, unit).busyTime, unit);
});

test('the DMA channel is occupied for the bytes at its bandwidth', (t) => {
  // An RX ring deep enough for the whole burst: with the spec's 256 the narrow DMA backs the pipeline up and the ring drops records.
  const ring = { recordLayer: { rxRingDepth: 4096 } };
  const wide = simulate({ ...base, device: { ...ring, cryptoEngine: { dmaBandwidth: 64e9 } } });
  const narrow = simulate({ ...base, device: { ...ring, cryptoEngine: { dmaBandwidth: 16e9 } } });
  t.is(narrow.report.throughput.records, wide.report.throughput.records, 'every record through both');
  const ratio = module(narrow, 'dma').busyTime / module(wide, 'dma').busyTime;
  t.true(ratio > 3.9 && ratio < 4.1, `busy time ratio ${ratio}`);
});

test('queue_depth is back-pressure: a caller finding lanes × queue_depth commands waiting waits until one starts', (t) => {
  const sim = new Simulator();
  const monitor = new ActivityMonitor();
  const activity = monitor.module('unit', 1);
  const lanes = new Lanes('unit', 1, activity, 2);
  const accepted: number[] = [];
  for (let i = 0; i < 5; i++) {
    sim.thread(`caller${i}`, function* () {
      yield* lanes.admit(sim); // what serve() does first
      accepted.push(sim.now);
      yield lanes.reserve(sim, 10 * US) - sim.now;
    });
  }
  sim.run();
  // One runs at once, two may wait: the fourth is accepted when the second starts (10 µs), the fifth when the third does (20 µs).
  t.deepEqual(accepted, [0, 0, 0, 10 * US, 20 * US]);
  t.is(sim.now, 50 * US);
  const counters = monitor.stats(sim.now).modules[0]!.counters;
  t.is(counters['admissionWaitPs'], 30 * US);
  t.is(counters['requests'], 5);
});

test('admitAt: the start of the waiting request that brings the queue under its limit', (t) => {
  const pool = new ResourcePool('p', 1);
  for (let i = 0; i < 4; i++) pool.request(0, 10);
  t.is(pool.admitAt(0, 5), 0);
  t.is(pool.admitAt(0, 3), 10);
  t.is(pool.admitAt(0, 1), 30);
});

test('run to completion (the software CPU): a holding process books its requests as one, so another process cannot slip between them', (t) => {
  const run = (hold: boolean): Record<string, number> => {
    const sim = new Simulator();
    const cpu = new Lanes('cpu', 1);
    const done: Record<string, number> = {};
    sim.thread('handler', function* () {
      const held = hold && cpu.hold(sim);
      for (let i = 0; i < 3; i++) {
        yield* cpu.serve(sim, 10 * US); // a datagram's handler: several steps of work
        yield 0; // a delta cycle between steps: other processes run
      }
      if (held) yield* cpu.flush(sim);
      done['handler'] = sim.now;
    });
    sim.thread('other', function* () {
      yield 0;
      yield* cpu.serve(sim, 5 * US);
      done['other'] = sim.now;
    });
    sim.run();
    return done;
  };
  // Without a hold the other request slips in after the handler's first step; with one, the handler's three steps are
  // one request booked when it flushes, so the other (booked first) runs before it, never between its steps.
  t.deepEqual(run(false), { other: 15 * US, handler: 35 * US });
  t.deepEqual(run(true), { other: 5 * US, handler: 35 * US });
});

test('flushNow ends a hold as flush does, without a generator; a process holds again after it, and once forgotten', (t) => {
  const sim = new Simulator();
  const cpu = new Lanes('cpu', 1);
  const bounded = new Lanes('bounded', 1, undefined, 2);
  const ends: number[] = [];
  sim.thread('handler', function* () {
    for (let call = 0; call < 3; call++) {
      t.true(cpu.hold(sim), `call ${call} holds`);
      t.false(cpu.hold(sim), 'a second hold of the same process is refused');
      t.is(cpu.book(sim, 10 * US), 0, 'held work adds up');
      t.is(cpu.book(sim, 5 * US), 0);
      const left = cpu.flushNow(sim);
      t.is(left, 15 * US, 'flushNow books the sum and gives the wait');
      yield left;
      ends.push(sim.now);
      t.true(cpu.book(sim, 1 * US) > 0, 'not holding any more: books on its own');
      yield 1 * US;
    }
    cpu.forget(sim);
    t.true(cpu.hold(sim), 'forgotten, then holds afresh');
    t.is(cpu.flushNow(sim), 0, 'nothing added: nothing to wait');
    t.true(bounded.hold(sim));
    t.is(bounded.flushNow(sim), -1, 'a queue limit sends the caller to flush');
    yield* bounded.flush(sim);
  });
  sim.run();
  t.deepEqual(ends, [15 * US, 31 * US, 47 * US]); // each call: 15 µs held, then 1 µs on its own
});

test('book: with no queue limit it books at once and gives the wait serve would; with one it books nothing and asks for serve', (t) => {
  const sim = new Simulator();
  const open = new Lanes('open', 1);
  const bounded = new Lanes('bounded', 1, undefined, 2);
  const ends: Record<string, number[]> = { booked: [], served: [] };
  sim.thread('booked', function* () {
    for (let i = 0; i < 3; i++) {
      const left = open.book(sim, 10 * US);
      t.true(left >= 0);
      if (left > 0) yield left;
      ends['booked']!.push(sim.now);
    }
    t.is(open.book(sim, 0), 0);
    t.is(bounded.book(sim, 10 * US), -1);
    t.is(bounded.reserve(sim, 1) - sim.now, 1); // -1 booked nothing: the lane is still free
  });
  const served = new Lanes('served', 1);
  sim.thread('served', function* () {
    for (let i = 0; i < 3; i++) {
      yield* served.serve(sim, 10 * US);
      ends['served']!.push(sim.now);
    }
  });
  sim.run();
  t.deepEqual(ends['booked'], [10 * US, 20 * US, 30 * US]);
  t.deepEqual(ends['booked'], ends['served']);
});
