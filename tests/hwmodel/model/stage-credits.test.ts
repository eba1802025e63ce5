/**
 * Issue 46, item 6: credit-based backpressure between the device's earlier
 * stages. The RX ring holds `record_layer.rx_credits` credits for the
 * record pipeline (received datagrams in it at once) and the pipeline
 * `record_layer.crypto_credits` for the crypto engine (record commands at
 * the engine at once). A stage without a credit holds its work upstream
 * (in the RX ring; in the pipeline slot), counted as held back, named by
 * the bottleneck analysis with its knob; the defaults never bind, so a
 * run's figures are those of credits equal to the pipeline's depth.
 */
import test from 'ava';
import { parseSetting } from '../../../cli/simulate-set.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationOptions, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { formatReport } from '../../../hwmodel/trace/index.js';
import { US } from '../../../hwmodel/kernel/index.js';
import { ConfigError } from '../../../runtime/config-error.js';

const identity = makeSimIdentity('ed25519');
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
const run = (recordLayer: { rxCredits?: number; cryptoCredits?: number; rxRingDepth?: number }): SimulationResult =>
  simulate({ ...base, device: { recordLayer: { pipelineDepth: 8, ...recordLayer } } });
const buffer = (r: SimulationResult, name: string) =>
  r.report.buffers.find((b) => b.name === `device.recordLayer.${name}`)!;

test('--set record_layer.rx_credits and crypto_credits are accepted, within 1..256', (t) => {
  t.like(parseSetting('record_layer.rx_credits=2'), { module: 'recordLayer', param: 'rxCredits', value: 2 });
  t.like(parseSetting('record_layer.crypto_credits=3'), { module: 'recordLayer', param: 'cryptoCredits', value: 3 });
  for (const [param, value] of [
    ['rxCredits', 0],
    ['cryptoCredits', 257],
  ] as const) {
    const e = t.throws(() => run({ [param]: value }), { instanceOf: ConfigError });
    t.regex(e.message, new RegExp(`${param}.*1\\.\\.256`));
  }
});

test('defaults never bind: nothing held back at the credits, and the figures are those of credits equal to the pipeline’s depth', (t) => {
  const defaults = run({});
  for (const name of ['rxCredits', 'cryptoCredits']) {
    t.is(buffer(defaults, name).capacity, 256);
    t.is(buffer(defaults, name).blocked, 0, `${name} held nothing back`);
  }
  const tight = run({ rxCredits: 8, cryptoCredits: 8 });
  t.deepEqual(tight.report.throughput, defaults.report.throughput);
  t.deepEqual(tight.report.handshakes, defaults.report.handshakes);
  t.deepEqual(tight.report.bottleneck, defaults.report.bottleneck);
  t.not(defaults.report.bottleneck?.module, 'device.recordLayer.rxCredits');
  t.not(defaults.report.bottleneck?.module, 'device.recordLayer.cryptoCredits');
});

test('one RX credit: received datagrams wait in the RX ring, held back at rxCredits, and the report names its knob', (t) => {
  const r = run({ rxCredits: 1 });
  const credits = buffer(r, 'rxCredits');
  t.true(credits.blocked > 0, 'datagrams waited for a credit');
  t.is(credits.maxOccupancy, 1);
  t.true(
    buffer(r, 'rxRing').maxOccupancy > buffer(run({}), 'rxRing').maxOccupancy,
    'the ring holds what the pipeline may not take',
  );
  t.like(r.report.bottleneck, {
    module: 'device.recordLayer.rxCredits',
    kind: 'buffer',
    reason: 'held-back',
    knob: 'record_layer.rx_credits',
  });
  t.false(r.report.headroom);
  t.regex(formatReport(r.report), /device\.recordLayer\.rxCredits +1 +block/);
});

/** An engine with room, connections opening at 200,000 a second while earlier ones send (the sweep of docs/hwmodel-sizing.md). */
const roomy = (recordLayer: { rxCredits?: number; rxRingDepth?: number }): SimulationResult =>
  simulate({
    ...base,
    connections: 100,
    arrivalRate: 200_000,
    bandwidth: 400e9,
    device: { cryptoEngine: { lanes: 8, dmaBandwidth: 512e9 }, recordLayer: { pipelineDepth: 64, ...recordLayer } },
  });

test('one RX credit and a small RX ring: the ring drops, and the drops are traced to the credits, not to a unit records never use', (t) => {
  const r = roomy({ rxCredits: 1, rxRingDepth: 4 });
  const ring = buffer(r, 'rxRing');
  t.true(ring.dropped > 0, 'the ring dropped');
  t.like(r.report.bottleneck, {
    module: 'device.recordLayer.rxCredits',
    reason: 'drops',
    knob: 'record_layer.rx_credits',
  });
  t.deepEqual(r.report.bottleneck?.chain, ['device.recordLayer.rxRing', 'device.recordLayer.rxCredits']);
  // with the default credits the same ring does not drop: the pipeline's 8 slots take the datagrams
  t.is(buffer(roomy({ rxRingDepth: 4 }), 'rxRing').dropped, 0);
});

test('one crypto credit: records wait in their pipeline slots, held back at cryptoCredits, and the report names its knob', (t) => {
  const r = run({ cryptoCredits: 1 });
  const credits = buffer(r, 'cryptoCredits');
  t.true(credits.blocked > 0, 'commands waited for a credit');
  t.is(credits.maxOccupancy, 1, 'one record command at the engine at a time');
  t.true(buffer(r, 'pipeline').maxOccupancy > 1, 'the pipeline holds the records that wait');
  t.like(r.report.bottleneck, {
    module: 'device.recordLayer.cryptoCredits',
    kind: 'buffer',
    reason: 'held-back',
    knob: 'record_layer.crypto_credits',
  });
  t.false(r.report.headroom);
});
