/**
 * Issue 46, the bottleneck reported wrong with 7 DMA channels: the issue's
 * workload (200 connections of 100 records opened at 50,000 a second, 8
 * symmetric lanes, 400 Gbit/s links) on 16 Gbit/s channels behind an 8-slot
 * pipeline. The DMA is 90% busy but its transfers hardly wait (about 1% of
 * their time): the pipeline's depth is what drops and holds back work. The
 * report must name the resource whose growth relieves the run, checked by
 * growing each: twice the DMA channels leaves the drops, twice the slots
 * ends them. Six channels, whose transfers do wait, name the DMA.
 */
import test from 'ava';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate, type SimulationResult } from '../../../hwmodel/model/simulate.js';
import { analyzeBottleneck, HOLDING_SHARE, holdingShare } from '../../../hwmodel/trace/index.js';
import type { BufferFigures, ModuleFigures } from '../../../hwmodel/trace/figures.js';
import { US } from '../../../hwmodel/kernel/index.js';

const identity = makeSimIdentity('ed25519');

function run(dmaChannels: number, pipelineDepth = 8): SimulationResult {
  return simulate({
    hwAccel: true,
    latency: 5 * US,
    bandwidth: 400e9,
    identity,
    seed: 1,
    connections: 200,
    records: 100,
    arrivalRate: 50_000,
    device: { cryptoEngine: { lanes: 8, dmaChannels, dmaBandwidth: 16e9 }, recordLayer: { pipelineDepth } },
  });
}

const dropped = (r: SimulationResult): number => r.report.buffers.reduce((n, b) => n + b.dropped, 0);
const goodput = (r: SimulationResult): number => r.report.throughput.goodputBytesPerSecond;

test('7 DMA channels behind an 8-slot pipeline: the pipeline is named, and growing it, not the DMA, ends the drops', (t) => {
  const seven = run(7);
  const dma = seven.report.modules.find((m) => m.name === 'device.cryptoEngine.dma')!;
  t.true(dma.utilization >= 0.8, `the DMA is ${dma.utilization} busy: near saturation`);
  t.true(dma.waitingShare < HOLDING_SHARE, `its transfers wait ${dma.waitingShare} of their time`);
  t.true(dropped(seven) > 0, 'the RX ring drops');
  const b = seven.report.bottleneck!;
  t.like(b, { module: 'device.recordLayer.pipeline', reason: 'drops', knob: 'record_layer.pipeline_depth' });
  t.deepEqual(b.chain, ['device.recordLayer.rxRing', 'device.recordLayer.pipeline']);
  t.false(seven.report.headroom);
  // The check: the DMA doubled changes next to nothing; the pipeline doubled ends the drops and carries more.
  const moreDma = run(14);
  t.true(dropped(moreDma) > 0, 'twice the channels still drop');
  t.true(goodput(moreDma) < goodput(seven) * 1.02, `twice the channels: ${goodput(moreDma)} against ${goodput(seven)}`);
  const deeper = run(7, 16);
  t.is(dropped(deeper), 0, 'twice the slots drop nothing');
  t.true(goodput(deeper) > goodput(seven) * 1.05, `twice the slots: ${goodput(deeper)} against ${goodput(seven)}`);
  // Then the DMA, saturated and waited for, is what holds the deeper pipeline back.
  t.is(deeper.report.bottleneck?.module, 'device.cryptoEngine.dma');
});

test('6 DMA channels: the transfers wait for a channel, and the DMA is named behind the dropping ring', (t) => {
  const six = run(6);
  const dma = six.report.modules.find((m) => m.name === 'device.cryptoEngine.dma')!;
  t.true(dma.waitingShare >= HOLDING_SHARE, `its transfers wait ${dma.waitingShare} of their time`);
  t.true(dropped(six) > 0);
  t.like(six.report.bottleneck, { module: 'device.cryptoEngine.dma', reason: 'drops' });
  t.true(goodput(run(7)) > goodput(six) * 1.05, 'a seventh channel carries more');
});

test('the rule: a near-saturated stage after a full buffer is the cause only when its requests wait for it', (t) => {
  const pipeline: BufferFigures = {
    name: 'device.recordLayer.pipeline',
    capacity: 8,
    policy: 'block',
    entered: 1000,
    dropped: 0,
    blocked: 900,
    blockedTime: 400 * US,
    maxOccupancy: 8,
    meanOccupancy: 7.9,
    feeds: ['device.cryptoEngine.dma'],
    knob: 'record_layer.pipeline_depth',
  };
  const dma = (waitPs: number, admissionWaitPs = 0): ModuleFigures => ({
    name: 'device.cryptoEngine.dma',
    capacity: 7,
    busyTime: 630 * US,
    utilization: 0.9,
    queue: { max: 2, mean: 0.1, timeWeightedMean: 0.05 },
    counters: { requests: 1000, waitPs, servicePs: 1000 * US, admissionWaitPs },
  });
  const named = (m: ModuleFigures): string | undefined =>
    analyzeBottleneck({ modules: [m], buffers: [pipeline], span: 100 * US })?.name;
  t.is(named(dma(10 * US)), 'device.recordLayer.pipeline', 'served, not waiting: the depth limits');
  t.is(named(dma(100 * US)), 'device.cryptoEngine.dma', 'waiting 9% of their time: the DMA holds the pipeline back');
  t.is(named(dma(10 * US, 90 * US)), 'device.cryptoEngine.dma', 'waiting for admission to a full intake counts');
  t.true(Math.abs(holdingShare(dma(10 * US, 90 * US)) - 100 / 1100) < 1e-12);
});
