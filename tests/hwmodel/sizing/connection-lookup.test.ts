/**
 * The connection lookup on a key-slot miss (device.ts, flow-model.ts): the connection table's hash bucket read from
 * DRAM, then, dependent on it, the session's entry with its key context. On a device whose one key slot every record
 * misses, at a load light enough that nothing queues, the lookup adds one DRAM latency and the bucket's bus time to
 * each record, and the entry's and the bucket's bytes to the memory's busy time and the whole device's DRAM energy.
 */
import test from 'ava';
import { checkLoad, operationRates } from '../../../hwmodel/sizing/device-load.js';
import { DramChannel } from '../../../hwmodel/timing/dram-channel.js';
import { deviceCosts, type DeviceCosts } from '../../../hwmodel/sizing/workload/device.js';
import { runFlow } from '../../../hwmodel/sizing/workload/flow-model.js';
import { checkTraffic, parseMix } from '../../../hwmodel/sizing/workload/traffic.js';
import { asicEngine, asicTargets, roomy } from './workload-fixtures.js';

// 0.5 Gbit/s of 1,500-byte records opened, from 100,000 sessions over one key slot: every record misses.
const traffic = checkTraffic({
  openGbps: 0.5,
  sealGbps: 0,
  mix: parseMix('1500'),
  handshakesPerSecond: 0,
  sessions: 1e5,
});
const knobs = { ...roomy, keySlots: 1 };
const costs = deviceCosts(asicEngine, asicTargets(), traffic);
const plan = { warmupUs: 20, windowUs: 400, seed: 5 };
const without: DeviceCosts = { ...costs, lookupBucketBytes: 0, connectionEntryBytes: 0 };

test('a key-slot miss reads the hash bucket, then the entry with its key context: one more DRAM latency', (t) => {
  t.is(costs.lookupBucketBytes, 64);
  t.is(costs.connectionEntryBytes, 32);
  const withLookup = runFlow(traffic, knobs, costs, plan);
  const bare = runFlow(traffic, knobs, without, plan);
  t.true(withLookup.utilization.keySlots < 0.01, 'every record misses');
  const access = (bytes: number): number =>
    new DramChannel(costs.dram, knobs.memChannels, costs.memChannelBitsPerSecond).book(0, bytes);
  // The median record: one more round trip, the bucket's bus time, and the entry's bytes with the context.
  const added = costs.dramLatencyNs + access(64) + access(32 + 128) - access(128);
  const moved = (withLookup.steady.p50Us - bare.steady.p50Us) * 1000;
  t.true(Math.abs(moved - added) <= 0.05 * added + 2, `p50 moved ${moved} ns, a lookup ${added} ns`);
  // The memory's busy time: the bucket and the entry a miss.
  const misses = withLookup.steady.delivered;
  const busy = (withLookup.utilization.memChannels - bare.utilization.memChannels) * plan.windowUs * 1000;
  const perMiss = access(64) + access(32 + 128) - access(128);
  t.true(Math.abs(busy - misses * perMiss) <= 0.1 * misses * perMiss, `memory ${busy} ns, ${misses} × ${perMiss} ns`);
});

test("the whole device's DRAM energy counts the lookup's bucket and entry on every key miss", (t) => {
  const load = { gbps: 10, recordBytes: 1200, handshakesPerSecond: 0, keyMissRate: 0.5 };
  const plain = operationRates(checkLoad(load), 128, 32, 32);
  const looked = operationRates(checkLoad({ ...load, missLookupBytes: 96 }), 128, 32, 32);
  const added = plain.recordsPerSecond * 0.5 * (96 / 8);
  t.true(Math.abs(looked.dramWords - plain.dramWords - added) <= 1e-9 * added, `${looked.dramWords - plain.dramWords}`);
});
