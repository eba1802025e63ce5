/**
 * Issue 46, items 1 and 2: the four cases where the bottleneck report was
 * wrong, as small real simulations. Each names the resource that limits
 * the run (drops and held-back work first, traced to their cause; then
 * utilization in the steady window, the handshakes excluded), never claims
 * headroom while anything drops or is held back, and gives the headline
 * goodput over the same window.
 */
import test from 'ava';
import { readingGuide } from '../../../cli/simulate-output.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { formatReport } from '../../../hwmodel/trace/index.js';
import { US } from '../../../hwmodel/kernel/index.js';

const identity = makeSimIdentity('ed25519');
const HEADROOM = /the device has headroom/;
/** The device: 8 symmetric and 32 public-key lanes, a 512 Gbit/s DMA, pipeline depth 64; 5 µs, 400 Gbit/s links. */
const base: SimulationOptions = { hwAccel: true, latency: 5 * US, bandwidth: 400e9, identity, seed: 1 };
const engine = { lanes: 8, pkLanes: 32, dmaBandwidth: 512e9 };

/** A module's figure in the report (the steady window's). */
function util(r: ReturnType<typeof simulate>, name: string): number {
  return r.report.modules.find((m) => m.name === name)?.utilization ?? 0;
}

test('pipeline_depth=1 with drops at the RX ring: the pipeline is named, its held-back work and the drops said, no headroom', (t) => {
  // The command (--connections 200 --records 100 --rate 50000, lanes 8, DMA 512 Gbit/s, pipeline depth 1), scaled down
  // to 60 connections of 30 records; a 2-entry ring so that the scaled-down run drops as the full one did.
  const r = simulate({
    ...base,
    connections: 60,
    records: 30,
    arrivalRate: 50_000,
    device: { cryptoEngine: { lanes: 8, dmaBandwidth: 512e9 }, recordLayer: { pipelineDepth: 1, rxRingDepth: 2 } },
  });
  const ring = r.report.buffers.find((b) => b.name === 'device.recordLayer.rxRing')!;
  const pipeline = r.report.buffers.find((b) => b.name === 'device.recordLayer.pipeline')!;
  t.true(ring.dropped > 0, 'the ring drops');
  t.true(pipeline.blocked > 0, 'the pipeline holds work back');
  const b = r.report.bottleneck!;
  t.like(b, {
    module: 'device.recordLayer.pipeline',
    kind: 'buffer',
    reason: 'drops',
    knob: 'record_layer.pipeline_depth',
  });
  t.deepEqual(b.chain, ['device.recordLayer.rxRing', 'device.recordLayer.pipeline']);
  t.is(b.symptom?.dropped, ring.dropped);
  t.false(r.report.headroom);
  const text = formatReport(r.report) + readingGuide(r.report);
  t.notRegex(text, HEADROOM);
  t.notRegex(text, /Bottleneck +device\.cryptoEngine\.publicKey/);
  t.regex(text, new RegExp(`${ring.dropped} datagrams were dropped at device\\.recordLayer\\.rxRing`));
  t.regex(text, /Bottleneck +device\.recordLayer\.pipeline \(\d+\.\d% occupied\)/);
  t.true(b.utilization > 0.5, `the one slot is taken ${b.utilization} of the steady window`);
});

test('a DMA too narrow for the load: its drops at the RX ring are traced to the DMA, not the link', (t) => {
  // Every connection at once behind a 40 Gbit/s link, the DMA at 32 Gbit/s (the 256G DMA behind a 400G link, scaled down).
  const r = simulate({
    ...base,
    bandwidth: 40e9,
    connections: 60,
    records: 30,
    device: { cryptoEngine: { ...engine, dmaBandwidth: 32e9 }, recordLayer: { pipelineDepth: 64, rxRingDepth: 128 } },
  });
  t.true(
    r.report.buffers.some((f) => f.dropped > 0),
    'the ring drops',
  );
  const b = r.report.bottleneck!;
  t.like(b, { module: 'device.cryptoEngine.dma', kind: 'lanes', reason: 'drops' });
  t.is(b.chain[0], 'device.recordLayer.rxRing');
  t.true(b.utilization >= 0.9, `the DMA is saturated in the steady window (${b.utilization})`);
  t.false(r.report.headroom);
  t.regex(readingGuide(r.report), /crypto_engine\.dma_bandwidth/);
});

test('16 symmetric lanes: the handshakes are outside the steady window, so the public-key unit is not named for them', (t) => {
  // Connections at 50,000/s, 16 symmetric and 4 public-key lanes: the public-key unit works during the handshakes only.
  const r = simulate({
    ...base,
    connections: 60,
    records: 30,
    arrivalRate: 50_000,
    device: { cryptoEngine: { ...engine, lanes: 16, pkLanes: 4 }, recordLayer: { pipelineDepth: 64 } },
  });
  const w = r.report.window!;
  t.truthy(w, 'the run has a steady window');
  const pk = r.report.modules.find((m) => m.name === 'device.cryptoEngine.publicKey')!;
  t.true(pk.utilization < pk.runUtilization, 'the public-key unit is less busy in the window than over the run');
  const b = r.report.bottleneck!;
  t.not(b.module, 'device.cryptoEngine.publicKey');
  const busiest = Math.max(...r.report.modules.map((m) => m.utilization));
  t.is(b.utilization, busiest, 'the resource named is the busiest in the window');
  // The headline goodput is over the window.
  t.is(r.report.throughput.goodputBytesPerSecond, w.bytes / ((w.toUs - w.fromUs) / 1e6));
  t.regex(formatReport(r.report), /Steady window +[\d.]+ ms to [\d.]+ ms/);
});

test('a burst (every connection at 0): the link is not named for the clients’ queue on it', (t) => {
  const r = simulate({
    ...base,
    connections: 60,
    records: 30,
    device: { cryptoEngine: { ...engine, lanes: 16 }, recordLayer: { pipelineDepth: 64 } },
  });
  const b = r.report.bottleneck!;
  t.not(b.module, 'clients.networkChannel');
  t.true(util(r, 'clients.networkChannel') < 0.8, 'the link is far from its line rate in the window');
  t.is(
    b.utilization,
    Math.max(...r.report.modules.map((m) => m.utilization)),
    'the resource named is the busiest in the window',
  );
  t.true(r.report.window !== null);
});
