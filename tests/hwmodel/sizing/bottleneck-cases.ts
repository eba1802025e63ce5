/**
 * 23 deliberately unbalanced devices for the bottleneck suite: three
 * workloads, and on each a comfortable device (every unit about three
 * times what the load needs, deep buffers, every session's key held) with
 * one resource starved (the TX ring on the two that seal). Some starvations need the device's other side to
 * show: a shallow intake ring matters only beside a pipeline sized for the
 * steady rate (Little's law) under trains; few key slots only with a slow
 * miss path; few memory channels only on a narrow memory. On the first
 * workload two more: a memory whose peak would carry the load but whose
 * sustained DRAM rate does not, a lookaside host interface on half the
 * PCIe lanes it needs, and a forged flood on the comfortable device (the lanes).
 */
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';
import {
  deviceCosts,
  RECORD_OVERHEAD,
  type DeviceCosts,
  type DeviceKnobs,
  type KnobName,
} from '../../../hwmodel/sizing/workload/device.js';
import {
  checkTraffic,
  meanRecordBytes,
  parseMix,
  recordsPerSecond,
  type Traffic,
} from '../../../hwmodel/sizing/workload/traffic.js';
import type { Slos } from '../../../hwmodel/sizing/workload/slo.js';
import { workloadBounds } from '../../../hwmodel/sizing/workload/workload-bounds.js';
import { asicTargets } from './workload-fixtures.js';

export interface BottleneckCase {
  readonly name: string;
  readonly starved: KnobName;
  readonly traffic: Traffic;
  readonly knobs: DeviceKnobs;
  readonly costs: DeviceCosts;
  readonly slos: Slos;
}

const VARIANTS = [
  { name: 'imix both ways', open: 40, seal: 40, mix: 'imix' },
  { name: '1500 B opened', open: 60, seal: 0, mix: '1500' },
  { name: '64/1500 B seal-heavy', open: 10, seal: 40, mix: '64:1,1500:1' },
] as const;

const HANDSHAKES = 50_000;
const SESSIONS = 2048;

export function bottleneckCases(): BottleneckCase[] {
  const engine = loadEngine('asic');
  const targets = asicTargets();
  const cases: BottleneckCase[] = [];
  for (const v of VARIANTS) {
    const base = {
      openGbps: v.open,
      sealGbps: v.seal,
      mix: parseMix(v.mix),
      handshakesPerSecond: HANDSHAKES,
      sessions: SESSIONS,
    };
    const steady = checkTraffic(base);
    // Trains arriving all but at once (a 4 Tbit/s link): what one of them leaves behind is the buffers' to hold.
    const trains = checkTraffic({ ...base, trainRecords: 384, linkGbps: 4000 });
    const costs = deviceCosts(engine, targets, steady);
    const b = workloadBounds(steady, costs);
    const comfortable: DeviceKnobs = {
      lanes: 3 * b.lanes,
      pkLanes: 3 * b.pkLanes,
      dmaChannels: 3 * b.dmaChannels,
      pipelineDepth: 16 * b.pipelineDepth,
      rxRingDepth: 4096,
      txRingDepth: 4096,
      keySlots: 2 * SESSIONS,
      memChannels: 3 * b.memChannels,
      pcieLanes: 4 * b.pcieLanes,
    };
    const slos: Slos = {
      dropProbability: 1e-6,
      p99Us: 3,
      p999Us: undefined,
      handshakesPerSecond: HANDSHAKES,
      burstDropProbability: undefined,
      margin: 0,
    };
    const add = (
      starved: KnobName,
      knobs: Partial<DeviceKnobs>,
      traffic: Traffic = steady,
      c: DeviceCosts = costs,
      label = '',
    ): void => {
      cases.push({
        name: `${v.name}: ${starved}${label}`,
        starved,
        traffic,
        knobs: { ...comfortable, ...knobs },
        costs: c,
        slos,
      });
    };
    add('lanes', { lanes: Math.max(1, Math.floor(b.lanes * 0.6)) });
    add('pkLanes', { pkLanes: 1 });
    add('dmaChannels', { dmaChannels: Math.max(1, Math.floor(b.dmaChannels * 0.6)) });
    add('pipelineDepth', { pipelineDepth: Math.max(1, Math.floor(b.pipelineDepth / 8)) });
    // Trains of 384 records at once into a ring of 256 behind a pipeline of twice Little's law's depth.
    add('rxRingDepth', { rxRingDepth: 256, pipelineDepth: 2 * b.pipelineDepth }, trains);
    // Half the working set's keys held, and a miss path of 4 µs (a far memory): a miss is past the p99 objective.
    add('keySlots', { keySlots: SESSIONS / 2 }, steady, { ...costs, dramLatencyNs: 4000 });
    // A narrow memory: channels of 25 Gbit/s peak (some 20 sustained), one of them.
    add('memChannels', { memChannels: 1 }, steady, { ...costs, memChannelBitsPerSecond: 25e9 });
    // A TX ring of one entry, held for a sealed record's DMA out and its time on a 100 Gbit/s egress link (a workload
    // that seals).
    if (v.seal > 0) add('txRingDepth', { txRingDepth: 1 }, checkTraffic({ ...base, linkGbps: 100 }));
    if (v !== VARIANTS[0]) continue;
    // DRAM efficiency: one channel whose peak is 1 / 0.8 of the records' traffic through it (both crossings), enough
    // for an ideal memory; at DDR4-3200's sustained share (bus turnarounds and refresh, platform.ts: about 78 %) it is
    // overloaded, and the limit is the memory.
    const memBits =
      (recordsPerSecond(v.open + v.seal, base.mix) * 2 * 8 * (meanRecordBytes(base.mix) + RECORD_OVERHEAD)) / 0.8;
    add(
      'memChannels',
      { memChannels: 1 },
      steady,
      { ...costs, memChannelBitsPerSecond: memBits },
      ' (DRAM efficiency)',
    );
    // Lookaside: every record fetched from the host and written back over PCIe, on half the lanes the load needs.
    const lookaside = { ...costs, host: { ...costs.host, attach: 'lookaside' as const } };
    const lb = workloadBounds(steady, lookaside);
    add('pcieLanes', { pcieLanes: Math.max(1, lb.pcieLanes / 2) }, steady, lookaside, ' (lookaside)');
    // A forged flood on the comfortable device: the lanes open every forged record in full before its tag fails, so a
    // flood of 0.8 × the lanes' capacity (three times the rate) on top of the genuine records is past what they carry;
    // a forged record crosses DMA and memory once, so those (three times the rate, twice crossed) still carry it.
    const openNs =
      (recordsPerSecond(1, base.mix) * costs.openNs.reduce((s, x, i) => s + x * base.mix[i]!.weight, 0)) /
      base.mix.reduce((s, m) => s + m.weight, 0);
    const floodGbps = (0.8 * comfortable.lanes * 1e9) / openNs;
    add('lanes', {}, checkTraffic({ ...base, events: { forgedGbps: floodGbps } }), costs, ' (forged flood)');
  }
  return cases;
}
