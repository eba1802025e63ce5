/**
 * Issue 46, item 6: credit-based flow control toward the link. The record
 * layer holds `record_layer.tx_credits` credits for the TX ring
 * (`record_layer.tx_ring_depth`); a datagram waits for a credit, then takes
 * a ring slot, and both come back when the device's egress link has
 * serialized it. A stage out of credits is held-back work in the
 * bottleneck report; credits above the ring's depth let it overflow, and
 * the overflow is counted as drops; nothing is delivered faster than the
 * link carries it.
 */
import test from 'ava';
import { parseSetting } from '../../../cli/simulate-set.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationOptions, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { formatReport } from '../../../hwmodel/trace/index.js';
import { US } from '../../../hwmodel/kernel/index.js';

const identity = makeSimIdentity('ed25519');
/** Handshakes arriving at 50,000/s while earlier connections send data; the device's own egress (its flights) at 100 Mbit/s. */
const base: SimulationOptions = {
  hwAccel: true,
  connections: 60,
  records: 20,
  arrivalRate: 50_000,
  latency: 5 * US,
  bandwidth: 40e9,
  identity,
  seed: 1,
};
const slowEgress = (recordLayer: { txCredits?: number; txRingDepth?: number }): SimulationOptions => ({
  ...base,
  device: { networkChannel: { bandwidth: 100e6 }, recordLayer: { pipelineDepth: 8, ...recordLayer } },
});
const buffer = (r: SimulationResult, name: string) =>
  r.report.buffers.find((b) => b.name === `device.recordLayer.${name}`)!;

test('--set record_layer.tx_credits and tx_ring_depth are accepted', (t) => {
  t.like(parseSetting('record_layer.tx_credits=4'), { module: 'recordLayer', param: 'txCredits', value: 4 });
  t.like(parseSetting('record_layer.tx_ring_depth=16'), { module: 'recordLayer', param: 'txRingDepth', value: 16 });
});

test('one credit: the senders are held back at txCredits, and the report names the credits from the pipeline’s held-back work', (t) => {
  const starved = simulate(slowEgress({ txCredits: 1 }));
  const credits = buffer(starved, 'txCredits');
  t.true(credits.blocked > 0, 'datagrams waited for a credit');
  t.is(buffer(starved, 'txRing').maxOccupancy, 1, 'one credit: one datagram in the ring at a time');
  const b = starved.report.bottleneck!;
  t.like(b, {
    module: 'device.recordLayer.txCredits',
    kind: 'buffer',
    reason: 'held-back',
    knob: 'record_layer.tx_credits',
  });
  t.deepEqual(b.chain, ['device.recordLayer.pipeline', 'device.recordLayer.txCredits']);
  t.false(starved.report.headroom);
  t.regex(formatReport(starved.report), /device\.recordLayer\.txCredits +1 +block/);
  // The default credits hold nothing back on the same run: the starvation is the one credit's.
  const plenty = simulate(slowEgress({}));
  t.is(buffer(plenty, 'txCredits').blocked, 0);
  t.true(buffer(plenty, 'txRing').maxOccupancy > 1);
  t.not(plenty.report.bottleneck?.module, 'device.recordLayer.txCredits');
});

test('credits above the TX ring’s depth overflow it: drops counted and named; credits within it hold back instead', (t) => {
  const over = simulate(slowEgress({ txCredits: 64, txRingDepth: 4 }));
  const ring = buffer(over, 'txRing');
  t.true(ring.dropped > 0, 'the ring dropped');
  t.is(ring.maxOccupancy, 4);
  const b = over.report.bottleneck!;
  t.like(b, { module: 'device.recordLayer.txRing', reason: 'drops', knob: 'record_layer.tx_ring_depth' });
  t.is(b.symptom?.dropped, ring.dropped);
  t.regex(formatReport(over.report), new RegExp(`${ring.dropped} dropped at device\\.recordLayer\\.txRing`));
  // Every handshake still completes: the peers retransmit the flights the ring dropped.
  t.is(over.report.handshakes.completed, 60);
  const within = simulate(slowEgress({ txCredits: 4, txRingDepth: 4 }));
  t.is(buffer(within, 'txRing').dropped, 0);
  t.true(buffer(within, 'txCredits').blocked > 0, 'held back rather than dropped');
});

test('the link bounds the goodput: never above its bandwidth, whatever the device', (t) => {
  for (const bandwidth of [200e6, 1e9, 4e9]) {
    const { arrivalRate: _, ...burst } = base;
    const r = simulate({
      ...burst,
      connections: 20,
      records: 40,
      bandwidth,
      device: { cryptoEngine: { lanes: 16, dmaChannels: 4 } },
    });
    const { goodputBytesPerSecond, dataGoodputBytesPerSecond, runGoodputBytesPerSecond } = r.report.throughput;
    for (const g of [goodputBytesPerSecond, dataGoodputBytesPerSecond, runGoodputBytesPerSecond])
      t.true(g * 8 <= bandwidth, `${g * 8} bit/s over a ${bandwidth} bit/s link`);
    // and the link, not the device, sets the pace: most of the line rate is carried in the window
    t.true(goodputBytesPerSecond * 8 > 0.5 * bandwidth, `${goodputBytesPerSecond * 8} bit/s of ${bandwidth}`);
  }
  // The device's own egress: no more datagrams in its TX ring than it holds credits for.
  const r = simulate(slowEgress({ txCredits: 3 }));
  t.true(buffer(r, 'txRing').maxOccupancy <= 3);
});
