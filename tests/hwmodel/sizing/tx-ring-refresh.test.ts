/**
 * The TX ring sized through a DRAM refresh (hwmodel/sizing/workload/tx-ring-refresh.ts): Little's law at the longest
 * hold a refresh gives, (c)'s question (400 Gbit/s each way, IMIX in trains of 4, × 1.2) starting above the mean
 * hold's 16 entries, where its last configuration's drops all fell while the intake waited for a TX ring entry, and
 * the flow model's intake held by a full TX ring at the mean hold's entries, not at the rule's.
 */
import test from 'ava';
import { deviceCosts } from '../../../hwmodel/sizing/workload/device.js';
import { runFlow } from '../../../hwmodel/sizing/workload/flow-model.js';
import { checkTraffic, IMIX, recordsPerSecond, scaleTraffic } from '../../../hwmodel/sizing/workload/traffic.js';
import {
  txEntriesHeld,
  txHold,
  txRingCaveat,
  txRingFloor,
  txRingForRefresh,
} from '../../../hwmodel/sizing/workload/tx-ring-refresh.js';
import { workloadBounds } from '../../../hwmodel/sizing/workload/workload-bounds.js';
import { asicEngine, asicTargets, QUESTION_C, roomy } from './workload-fixtures.js';

const targets = asicTargets();
const pow2 = (x: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

test("Little's law at the longest hold: entries = rate × (tRFC + DMA out + link), to a power of two, at least 4", (t) => {
  t.is(txEntriesHeld(1e8, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), 40);
  t.is(txRingForRefresh(1e8, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), 64);
  t.is(txRingForRefresh(1e6, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), 4);
  // The floor the trim keeps is the rule's own entries, below the start's 4 when the rule asks for fewer.
  t.is(txRingFloor(1e6, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), 1);
  t.is(txRingFloor(1e8, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), 64);
  t.throws(() => txEntriesHeld(-1, { refreshNs: 350, dmaOutNs: 40, linkNs: 10 }), {
    message: /sealRecordsPerSecond: a finite figure ≥ 0 expected, got -1/,
  });
  t.throws(() => txEntriesHeld(1, { refreshNs: Number.NaN, dmaOutNs: 40, linkNs: 10 }), { message: /refreshNs/ });
});

test("(c)'s question starts its TX ring above the mean hold's entries, where its drops waited for one", (t) => {
  const traffic = QUESTION_C;
  const costs = deviceCosts(asicEngine, targets, traffic);
  const load = scaleTraffic(traffic, 1.2);
  const seal = recordsPerSecond(load.sealGbps, load.mix);
  // The start before the rule: Little's law at the mean hold (DMA out and the link), 16 for (c).
  const meanHold = Math.max(4, pow2((seal * txHold(load, costs, 0).total) / 1e9));
  t.is(meanHold, 16);
  const start = workloadBounds(load, costs, 1e-6).txRingDepth;
  t.true(start > meanHold, `${start} entries, above the mean hold's ${meanHold}`);
  t.true(start >= txEntriesHeld(seal, txHold(load, costs, costs.dram.refreshNs)));
  t.is(start, 128);
  t.regex(
    txRingCaveat(load, costs),
    /= 68\.0 entries, 128 to a power of two, and starts at 128 \(at least 4; without the refresh, Little's law gives 16\)/,
  );
});

test("the flow model's intake waits for a TX ring entry at the mean hold's entries, not at the rule's", (t) => {
  // Sealed records only, the memory lightly loaded (four channels): the refresh's stall is what holds the entries;
  // a small pipeline that the sealed records waiting for an entry fill.
  const traffic = checkTraffic({
    openGbps: 0,
    sealGbps: 60,
    mix: IMIX,
    trainRecords: 4,
    handshakesPerSecond: 0,
    sessions: 100,
  });
  const costs = deviceCosts(asicEngine, targets, traffic);
  const seal = recordsPerSecond(traffic.sealGbps, traffic.mix);
  const meanHold = Math.max(4, pow2((seal * txHold(traffic, costs, 0).total) / 1e9));
  const rule = workloadBounds(traffic, costs, 1e-6).txRingDepth;
  t.true(rule > meanHold, `${rule} > ${meanHold}`);
  const knobs = { ...roomy, memChannels: 4, pipelineDepth: 32, rxRingDepth: 32 };
  for (const seed of [1, 2]) {
    const plan = { warmupUs: 50, windowUs: 2000, seed };
    const before = runFlow(traffic, { ...knobs, txRingDepth: meanHold }, costs, plan);
    t.true(before.blockedUs.txRingDepth > 0, `seed ${seed}: the intake held ${before.blockedUs.txRingDepth} µs`);
    const after = runFlow(traffic, { ...knobs, txRingDepth: rule }, costs, plan);
    t.is(after.blockedUs.txRingDepth, 0, `seed ${seed}, ${rule} entries`);
    t.is(after.steadyDropsBy.txRingDepth, 0);
  }
});
