import test from 'ava';
import { Simulator, US } from '../../../hwmodel/kernel/index.js';
import { Lanes } from '../../../hwmodel/model/lanes.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { ActivityMonitor } from '../../../hwmodel/trace/index.js';
import { ResourcePool } from '../../../hwmodel/timing/index.js';

const identity = makeSimIdentity('ed25519');
const base = { connections: 40, records: 10, identity, seed: 4, hwAccel: true, bandwidth: 400e9, latency: 5 * US };
const module = (r: SimulationResult, name: string) => r.run.modules.find((m) => m.name === `device.cryptoEngine.${name}`)!;

test('the engine has a symmetric and a public-key unit with their own lanes, and a DMA channel', (t) => {
  const r = simulate({ ...base, device: { cryptoEngine: { lanes: 3, pkLanes: 5 } } });
  t.is(module(r, 'symmetric').capacity, 3);
  t.is(module(r, 'publicKey').capacity, 5);
  t.is(module(r, 'dma').capacity, 1);
  t.true(module(r, 'publicKey').busyTime > 0 && module(r, 'symmetric').busyTime > 0 && module(r, 'dma').busyTime > 0);
});

test('costs are cycles at the clock: a clock twice as slow doubles the units busy time', (t) => {
  const fast = simulate({ ...base, device: { cryptoEngine: { clockPeriod: 2000 } } });
  const slow = simulate({ ...base, device: { cryptoEngine: { clockPeriod: 4000, commandOverhead: 80_000 } } });
  for (const unit of ['symmetric', 'publicKey']) t.is(module(slow, unit).busyTime, 2 * module(fast, unit).busyTime, unit);
});

test('the DMA channel is occupied for the bytes at its bandwidth', (t) => {
  const wide = simulate({ ...base, device: { cryptoEngine: { dmaBandwidth: 64e9 } } });
  const narrow = simulate({ ...base, device: { cryptoEngine: { dmaBandwidth: 16e9 } } });
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
