/**
 * Work held back is a symptom when it is sustained: half a caller or more
 * held back on average over the steady window, as a queue's
 * QUEUEING_MIN_QUEUE. Nine records held for 4 µs in all over a 300 µs
 * window (a 200-connection run at its offered rate) press nothing.
 */
import test from 'ava';
import { analyzeBottleneck, type BottleneckInput } from '../../../hwmodel/trace/index.js';
import type { BufferFigures, ModuleFigures } from '../../../hwmodel/trace/figures.js';
import { US } from '../../../hwmodel/kernel/index.js';

const dma: ModuleFigures = {
  name: 'device.cryptoEngine.dma',
  capacity: 1,
  busyTime: 145 * US,
  utilization: 0.485,
  queue: { max: 8, mean: 1.3, timeWeightedMean: 0.3 },
};
const pipeline = (blocked: number, blockedTime: number): BufferFigures => ({
  name: 'device.recordLayer.pipeline',
  capacity: 8,
  policy: 'block',
  entered: 1000,
  dropped: 0,
  blocked,
  blockedTime,
  maxOccupancy: 8,
  meanOccupancy: 0.9,
  feeds: ['device.keySlots', 'device.cryptoEngine.dma'],
  knob: 'record_layer.pipeline_depth',
});
/** A key-slot cache that missed now and then (100 evictions), held back a little. */
const slots: BufferFigures = {
  ...pipeline(177, 42 * US),
  name: 'device.keySlots',
  capacity: 256,
  evicted: 100,
  feeds: ['device.keyManager'],
  knob: 'key_manager.key_slots',
};
/** The RX ring, having dropped `dropped` datagrams, feeding the pipeline. */
const rxRing = (dropped: number): BufferFigures => ({
  ...pipeline(0, 0),
  name: 'device.recordLayer.rxRing',
  policy: 'drop',
  dropped,
  feeds: ['device.recordLayer.pipeline'],
});
const input = (p: BufferFigures): BottleneckInput => ({
  modules: [dma],
  buffers: [p],
  windowBuffers: [p],
  span: 300 * US,
});

test('nine records held back 4 µs over a 300 µs window: not a symptom, the busiest module is named', (t) => {
  t.like(analyzeBottleneck(input(pipeline(9, 4 * US))), { name: 'device.cryptoEngine.dma', reason: 'busiest' });
});

test('held back 150 µs over the same window (half a caller on average): the pipeline’s held-back work is traced', (t) => {
  t.like(analyzeBottleneck(input(pipeline(300, 150 * US))), {
    reason: 'held-back',
    chain: ['device.recordLayer.pipeline'],
  });
});

test('a saturated unit after the pipeline is named before a key-slot cache that missed now and then', (t) => {
  const ring = rxRing(4079);
  const busy = { ...dma, utilization: 0.995 };
  const held = pipeline(11_727, 747_000 * US);
  const r = analyzeBottleneck({
    modules: [busy],
    buffers: [ring, held, slots],
    windowBuffers: [ring, held, slots],
    span: 300 * US,
  });
  t.like(r, { name: 'device.cryptoEngine.dma', reason: 'drops' });
  t.deepEqual(r?.chain, ['device.recordLayer.rxRing', 'device.recordLayer.pipeline', 'device.cryptoEngine.dma']);
  // With the DMA idle the misses are what is left: the chain leads through the cache.
  const idle = analyzeBottleneck({
    modules: [{ ...dma, utilization: 0.1 }],
    buffers: [ring, held, slots],
    windowBuffers: [ring, held, slots],
    span: 300 * US,
  });
  t.deepEqual(idle?.chain, ['device.recordLayer.rxRing', 'device.recordLayer.pipeline', 'device.keySlots']);
});

test('drops over a run a straggler stretched: no unit pressed over it, so the window’s saturated DMA is named, not the cache', (t) => {
  const ring = rxRing(4607);
  const held = pipeline(11_201, 700_000 * US);
  const buffers = [ring, held, slots];
  const r = analyzeBottleneck({
    modules: [{ ...dma, utilization: 0.99 }],
    runModules: [{ ...dma, utilization: 0.002 }],
    buffers,
    windowBuffers: buffers,
    span: 300 * US,
  });
  t.like(r, { name: 'device.cryptoEngine.dma', reason: 'drops' });
});
