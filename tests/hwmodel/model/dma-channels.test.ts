/**
 * Issue 46, item 4: the crypto engine's DMA has `dma_channels` channels,
 * each at `dma_bandwidth`, a transfer taking the channel free first.
 */
import test from 'ava';
import { parseSetting } from '../../../cli/simulate-set.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { US } from '../../../hwmodel/kernel/index.js';

test('--set crypto_engine.dma_channels=4 is accepted', (t) => {
  t.like(parseSetting('crypto_engine.dma_channels=4'), { module: 'cryptoEngine', param: 'dmaChannels', value: 4 });
});

test('a DMA-bound engine: four channels carry more than one, and the report counts four lanes of DMA', (t) => {
  const run = (dmaChannels: number): ReturnType<typeof simulate> =>
    simulate({
      connections: 40,
      records: 10,
      hwAccel: true,
      bandwidth: 400e9,
      latency: 5 * US,
      identity: makeSimIdentity('ed25519'),
      seed: 1,
      device: { cryptoEngine: { lanes: 8, dmaBandwidth: 16e9, dmaChannels }, recordLayer: { pipelineDepth: 64 } },
    });
  const one = run(1);
  const four = run(4);
  t.is(four.report.modules.find((m) => m.name === 'device.cryptoEngine.dma')?.lanes, 4);
  t.is(one.report.bottleneck?.module, 'device.cryptoEngine.dma');
  t.true(
    four.report.throughput.goodputBytesPerSecond > 2 * one.report.throughput.goodputBytesPerSecond,
    `${four.report.throughput.goodputBytesPerSecond} B/s with four channels against ${one.report.throughput.goodputBytesPerSecond} with one`,
  );
});
