/**
 * The unbalanced devices of the simulate() suites, in one list: each is a
 * run of an existing test (tests/hwmodel/model: bottleneck-cases,
 * bottleneck-dma-channels, dma-channels, key-slots, stage-credits,
 * flow-control, report-defects, simulate) with one resource starved, and
 * the resources that limit it (`limit`: names or patterns; two when
 * either relieves the run alike); none: the offered load sets the rate, no
 * resource of the device does. The balanced case at the end is the roomy
 * device at a load it carries. Where `limit` is not the resource the
 * case starves, a comment gives the growths' evidence.
 */
import { US } from '../../../hwmodel/kernel/index.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import type { SimulationOptions } from '../../../hwmodel/model/simulate.js';

export interface GrowthCase {
  readonly name: string;
  /** The test the run comes from. */
  readonly from: string;
  readonly options: SimulationOptions;
  /** The resources that limit the run (two: either relieves it alike); empty: none, the offered load sets the rate. */
  readonly limit: readonly (string | RegExp)[];
}

const identity = makeSimIdentity('ed25519');
const fast: SimulationOptions = { hwAccel: true, latency: 5 * US, bandwidth: 400e9, identity, seed: 1 };
const engine = { lanes: 8, pkLanes: 32, dmaBandwidth: 512e9 };
const credits: SimulationOptions = {
  hwAccel: true,
  connections: 60,
  records: 20,
  arrivalRate: 50_000,
  latency: 5 * US,
  bandwidth: 40e9,
  identity,
  seed: 1,
};
const dma = (cryptoEngine: SimulationOptions['device']): SimulationOptions => ({
  connections: 40,
  records: 10,
  hwAccel: true,
  bandwidth: 400e9,
  latency: 5 * US,
  identity,
  seed: 1,
  device: { ...cryptoEngine, recordLayer: { pipelineDepth: 64 } },
});
const channels = (dmaChannels: number, pipelineDepth = 8): SimulationOptions => ({
  ...fast,
  connections: 200,
  records: 100,
  arrivalRate: 50_000,
  device: { cryptoEngine: { lanes: 8, dmaChannels, dmaBandwidth: 16e9 }, recordLayer: { pipelineDepth } },
});
const slowEgress = (recordLayer: { txCredits?: number; txRingDepth?: number }): SimulationOptions => ({
  ...credits,
  device: { networkChannel: { bandwidth: 100e6 }, recordLayer: { pipelineDepth: 8, ...recordLayer } },
});

export const GROWTH_CASES: readonly GrowthCase[] = [
  {
    name: 'pipeline depth 1 behind a 2-entry RX ring',
    from: 'bottleneck-cases',
    options: {
      ...fast,
      connections: 60,
      records: 30,
      arrivalRate: 50_000,
      device: { cryptoEngine: { lanes: 8, dmaBandwidth: 512e9 }, recordLayer: { pipelineDepth: 1, rxRingDepth: 2 } },
    },
    // Either growth ends the drops alike (throughput +1.5% each: the offered load sets the rate; the drops are the ring's
    // two entries behind the one slot, and a second of either takes them).
    limit: ['device.recordLayer.pipeline', 'device.recordLayer.rxRing'],
  },
  {
    name: 'a 32 Gbit/s DMA behind a 40 Gbit/s link',
    from: 'bottleneck-cases',
    options: {
      ...fast,
      bandwidth: 40e9,
      connections: 60,
      records: 30,
      device: { cryptoEngine: { ...engine, dmaBandwidth: 32e9 }, recordLayer: { pipelineDepth: 64, rxRingDepth: 128 } },
    },
    limit: ['device.cryptoEngine.dma'],
  },
  {
    name: '16 symmetric and 4 public-key lanes, connections at 50,000/s',
    from: 'bottleneck-cases',
    options: {
      ...fast,
      connections: 60,
      records: 30,
      arrivalRate: 50_000,
      device: { cryptoEngine: { ...engine, lanes: 16, pkLanes: 4 }, recordLayer: { pipelineDepth: 64 } },
    },
    limit: [],
  },
  {
    name: 'a burst (every connection at 0), 16 symmetric lanes',
    from: 'bottleneck-cases',
    options: {
      ...fast,
      connections: 60,
      records: 30,
      device: { cryptoEngine: { ...engine, lanes: 16 }, recordLayer: { pipelineDepth: 64 } },
    },
    // The clients' sending paces it: nothing is pressed (the rule's headroom), and no growth moves a figure.
    limit: [],
  },
  {
    name: '7 DMA channels of 16 Gbit/s behind an 8-slot pipeline',
    from: 'bottleneck-dma-channels',
    options: channels(7),
    limit: ['device.recordLayer.pipeline'],
  },
  {
    name: '6 DMA channels of 16 Gbit/s behind an 8-slot pipeline',
    from: 'bottleneck-dma-channels',
    options: channels(6),
    limit: ['device.cryptoEngine.dma'],
  },
  {
    name: '7 DMA channels of 16 Gbit/s behind a 16-slot pipeline',
    from: 'bottleneck-dma-channels',
    options: channels(7, 16),
    limit: ['device.cryptoEngine.dma'],
  },
  {
    name: 'one 16 Gbit/s DMA channel',
    from: 'dma-channels',
    options: dma({ cryptoEngine: { lanes: 8, dmaBandwidth: 16e9, dmaChannels: 1 } }),
    limit: ['device.cryptoEngine.dma'],
  },
  {
    name: 'one symmetric lane behind a wide DMA',
    from: 'dma-channels',
    options: dma({ cryptoEngine: { lanes: 1, dmaBandwidth: 512e9, dmaChannels: 1 } }),
    limit: ['device.cryptoEngine.symmetric'],
  },
  {
    name: 'four round-robin DMA channels of 16 Gbit/s',
    from: 'dma-channels',
    options: dma({ cryptoEngine: { lanes: 8, dmaBandwidth: 16e9, dmaChannels: 4, dmaRoundRobin: true } }),
    // The rule names a saturated channel, but eight channels carry the run as four do (throughput +0.0%, median
    // completion +3%): the clients' burst paces it.
    limit: [],
  },
  {
    name: 'one key slot for 200 connections',
    from: 'key-slots',
    options: {
      connections: 200,
      records: 4,
      hwAccel: true,
      bandwidth: 400e9,
      latency: 5 * US,
      identity,
      seed: 1,
      device: { keyManager: { keySlots: 1 }, cryptoEngine: engine, recordLayer: { pipelineDepth: 64 } },
    },
    // One slot costs its misses (every context held: throughput +2.7%), but the eight symmetric lanes pace the records
    // (sixteen: +8.6%, the median completion +9.3%); the rule named the key manager.
    limit: ['device.cryptoEngine.symmetric'],
  },
  {
    name: 'one key slot on the default engine, connections at 50,000/s',
    from: 'key-slots',
    options: {
      connections: 100,
      records: 10,
      arrivalRate: 50_000,
      hwAccel: true,
      bandwidth: 100e9,
      latency: 5 * US,
      identity,
      seed: 1,
      device: { keyManager: { keySlots: 1 } },
    },
    limit: [],
  },
  {
    name: 'one RX credit',
    from: 'stage-credits',
    options: { ...credits, device: { recordLayer: { pipelineDepth: 8, rxCredits: 1 } } },
    // Held back at the one credit, yet two change no figure: connections at 50,000/s pace the run.
    limit: [],
  },
  {
    name: 'one RX credit and a 4-entry RX ring, connections at 200,000/s',
    from: 'stage-credits',
    options: {
      ...credits,
      connections: 100,
      arrivalRate: 200_000,
      bandwidth: 400e9,
      device: {
        cryptoEngine: { lanes: 8, dmaBandwidth: 512e9 },
        recordLayer: { pipelineDepth: 64, rxCredits: 1, rxRingDepth: 4 },
      },
    },
    limit: ['device.recordLayer.rxCredits'],
  },
  {
    name: 'one crypto credit',
    from: 'stage-credits',
    options: { ...credits, device: { recordLayer: { pipelineDepth: 8, cryptoCredits: 1 } } },
    // Likewise: two crypto credits change no figure.
    limit: [],
  },
  {
    name: 'one TX credit onto a 100 Mbit/s egress',
    from: 'flow-control',
    options: slowEgress({ txCredits: 1 }),
    // Two credits change nothing by 5%; the 100 Mbit/s egress carries the flights, and twice its rate halves the
    // median completion.
    limit: ['device.networkChannel'],
  },
  {
    name: '64 TX credits over a 4-entry TX ring onto a 100 Mbit/s egress',
    from: 'flow-control',
    options: slowEgress({ txCredits: 64, txRingDepth: 4 }),
    // The ring overflows because the 100 Mbit/s egress drains it slowly: twice the ring halves the drops, twice the
    // link ends more of them and the flights' retransmission waits with them.
    limit: ['device.networkChannel'],
  },
  {
    name: 'a 1 Gbit/s link into the device',
    from: 'report-defects',
    options: { connections: 20, records: 40, hwAccel: true, identity, seed: 1 },
    limit: ['clients.networkChannel'],
  },
  {
    name: 'a burst of 200 handshakes on the software crypto engine',
    from: 'simulate',
    options: { connections: 200, records: 2, identity, seed: 3, latency: 50 * US, hwAccel: false },
    limit: ['device.cryptoEngine'],
  },
];

/** A balanced device: the roomy engine, connections at a rate it carries. */
export const BALANCED: GrowthCase = {
  name: 'the roomy engine, connections at 20,000/s',
  from: 'bottleneck-growth',
  options: {
    ...fast,
    connections: 40,
    records: 10,
    arrivalRate: 20_000,
    device: { cryptoEngine: engine, recordLayer: { pipelineDepth: 64 } },
  },
  limit: [],
};
