/**
 * Issue 46, item 3: key contexts. The key manager's slots cache the
 * connections' key contexts; with fewer slots than connections in flight a
 * record misses, the evicted context is written back and the missing one
 * read and its key derived again, and the run's goodput falls.
 */
import test from 'ava';
import { KeySlots } from '../../../hwmodel/model/key-slots.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';

test('the slots are least recently used out; a read before any key is installed has nothing to load', (t) => {
  const s = new KeySlots('keySlots', 2, []);
  t.true(s.read(7), 'no key installed for 7 yet');
  t.is(s.place(1, 0), undefined);
  t.is(s.place(2, 0), undefined);
  t.true(s.read(1)); // 1 is now the most recently used
  t.is(s.place(3, 10), 2, 'the least recently used context is evicted');
  t.false(s.read(2), 'evicted: a miss');
  s.missed(5);
  const f = s.figures(20);
  t.like(f, {
    capacity: 2,
    policy: 'block',
    entered: 2,
    blocked: 1,
    blockedTime: 5,
    evicted: 1,
    maxOccupancy: 2,
    knob: 'key_manager.key_slots',
  });
});

test('key_slots 1 against 4,096 with 200 connections: misses, evictions and a lower goodput with one slot', (t) => {
  const run = (keySlots: number): ReturnType<typeof simulate> =>
    simulate({
      connections: 200,
      records: 4,
      hwAccel: true,
      bandwidth: 400e9,
      latency: 5 * US,
      identity: makeSimIdentity('ed25519'),
      seed: 1,
      device: {
        keyManager: { keySlots },
        cryptoEngine: { lanes: 8, pkLanes: 32, dmaBandwidth: 512e9 },
        recordLayer: { pipelineDepth: 64 },
      },
    });
  const one = run(1);
  const many = run(4096);
  const slots = (r: ReturnType<typeof simulate>) => r.report.buffers.find((b) => b.name === 'device.keySlots')!;
  t.is(slots(many).blocked, 0, 'every context fits: no miss');
  t.is(slots(many).evicted, 0);
  t.true(slots(one).blocked > 200, `one slot misses (${slots(one).blocked})`);
  t.true(slots(one).evicted > 200);
  t.is(one.report.throughput.records, many.report.throughput.records, 'every record is delivered either way');
  const g1 = one.report.throughput.goodputBytesPerSecond;
  const g4096 = many.report.throughput.goodputBytesPerSecond;
  t.true(g1 < g4096, `goodput ${g1} B/s with one slot against ${g4096} with 4,096`);
  t.true(
    one.report.bottleneck!.chain.includes('device.keySlots'),
    `the bottleneck is traced through the key slots: ${one.report.bottleneck!.chain.join(' → ')}`,
  );
});

test('misses that hold nothing back before the key slots are not the bottleneck: one slot or 256 carry the same', (t) => {
  // The default engine, DMA-bound, connections at 50,000/s: a miss delays its record, the DMA still sets the pace.
  const run = (keySlots: number): ReturnType<typeof simulate> =>
    simulate({
      connections: 100,
      records: 10,
      arrivalRate: 50_000,
      hwAccel: true,
      bandwidth: 100e9,
      latency: 5 * US,
      identity: makeSimIdentity('ed25519'),
      seed: 1,
      device: { keyManager: { keySlots } },
    });
  const one = run(1);
  const many = run(256);
  t.true(one.report.buffers.find((b) => b.name === 'device.keySlots')!.blocked > 100, 'one slot misses');
  // The same within 0.1%: a miss delays its own record (the steady window's ends move by a fraction of a microsecond), not the pace.
  const a = one.report.throughput.goodputBytesPerSecond;
  const b = many.report.throughput.goodputBytesPerSecond;
  t.true(Math.abs(a - b) / b < 1e-3, `one slot ${a} B/s, 256 slots ${b} B/s`);
  t.is(one.report.bottleneck?.module, many.report.bottleneck?.module);
  t.not(one.report.bottleneck?.module, 'device.keySlots');
});
