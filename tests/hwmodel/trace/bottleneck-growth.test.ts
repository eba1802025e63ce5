/**
 * The verdict of the growths (hwmodel/trace/bottleneck-growth.ts): the
 * growth that moved the run most is named, judged on throughput, then drops,
 * then the median completion; two alike within the threshold are both
 * named; none moved: the offered load sets the rate. And the lines the
 * report prints for it.
 */
import test from 'ava';
import {
  compareGrowths,
  GROWTH_THRESHOLD,
  movedBy,
  nameByGrowth,
  type GrowthEffect,
} from '../../../hwmodel/trace/bottleneck-growth.js';
import { growthLines } from '../../../hwmodel/trace/report-text.js';

const before = { throughput: 1e9, drops: 100, latency: 1000 };
function effect(resource: string, throughput: number, drops = 0, latency = 0): GrowthEffect {
  const change = { throughput, drops, latency };
  return {
    resource,
    knob: `${resource}.knob`,
    from: 1,
    to: 2,
    change,
    after: before,
    moved: movedBy(change),
  };
}

test('the growth that moved throughput most is named, by throughput', (t) => {
  const v = nameByGrowth(before, [effect('a', 0.02, 0.9), effect('b', 0.4, 0.1), effect('c', 0.1)]);
  t.deepEqual(v.named, ['b']);
  t.is(v.figure, 'throughput');
  t.is(v.reruns, 3);
});

test('throughput alike: the drops decide; then the median completion', (t) => {
  t.deepEqual(nameByGrowth(before, [effect('a', 0.3, 0.2), effect('b', 0.32, 0.9)]).named, ['b']);
  t.deepEqual(nameByGrowth(before, [effect('a', 0.3, 1, 0.2), effect('b', 0.3, 1, -0.1)]).named, ['a']);
});

test('a growth that makes a figure worse by the threshold did not move the run, whatever else it did', (t) => {
  // A 4,096-entry ring doubled ends a short run's drops by holding its backlog; its records complete 15.8% later.
  const ring = effect('device.recordLayer.rxRing', 0.029, 1, -0.158);
  const dma = effect('device.cryptoEngine.dma', 0.077, 0.554, 0.037);
  t.false(ring.moved);
  t.true(dma.moved);
  t.deepEqual(nameByGrowth(before, [ring, dma]).named, ['device.cryptoEngine.dma']);
  t.true(movedBy({ throughput: 0.05, drops: 0, latency: -0.049 }));
  t.false(movedBy({ throughput: 0.049, drops: 0, latency: 0 }));
});

test('two growths alike on every figure (within the threshold) are both named', (t) => {
  const v = nameByGrowth(before, [effect('ring', 0.017, 1), effect('pipeline', 0.017, 1), effect('dma', 0, 0.1)]);
  t.deepEqual(v.named, ['ring', 'pipeline']);
  t.is(v.figure, 'drops');
  t.is(compareGrowths(effect('x', 0.3), effect('y', 0.3 + GROWTH_THRESHOLD / 2)), 0);
});

test('nothing moved by the threshold: none is named, the offered load sets the rate', (t) => {
  const v = nameByGrowth(before, [effect('a', 0.03, 0.04, 0.049), effect('b', -0.2)]);
  t.deepEqual(v.named, []);
  t.is(v.figure, null);
  const lines = growthLines(v);
  t.regex(lines[0]!, /^Bottleneck +none: the offered load sets the rate \(growing each of 2 suspects moved neither/);
  t.regex(lines[1]!, /2 reruns on the same seed and traffic/);
});

test('the Bottleneck line names the growth and its effect; each suspect has a row, the movers marked', (t) => {
  const v = nameByGrowth(before, [effect('device.cryptoEngine.dma', 0.512, 0, 0.175), effect('device.memory', 0)]);
  const lines = growthLines({
    ...v,
    effects: v.effects.map((e) =>
      e.resource === 'device.memory' ? { ...e, knob: 'memory.bandwidth', from: 204.8e9, to: 409.6e9 } : e,
    ),
  });
  t.regex(lines[0]!, /^Bottleneck +device\.cryptoEngine\.dma \(proven by growth: .* moved throughput \+51\.2%\)$/);
  t.regex(lines[3]!, /^ {2}\* device\.cryptoEngine\.dma +.*\+51\.2% +0\.0% +\+17\.5%$/);
  t.regex(lines[4]!, /^ {4}device\.memory +memory\.bandwidth 204\.8 G → 409\.6 G/);
});
