/**
 * Issue 46, item 4: the crypto engine's DMA has `dma_channels` channels,
 * each at `dma_bandwidth`, arbitrated first come, first served (a transfer
 * takes the channel free first) or round-robin (`dma_round_robin`); the
 * report shows each channel, and the bottleneck analysis judges the pool,
 * or each round-robin channel.
 */
import test from 'ava';
import { parseSetting } from '../../../cli/simulate-set.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import type { CryptoEngineParams } from '../../../generated/tlm/index.js';
import { US } from '../../../hwmodel/kernel/index.js';

const identity = makeSimIdentity('ed25519');
const run = (cryptoEngine: Partial<CryptoEngineParams>): ReturnType<typeof simulate> =>
  simulate({
    connections: 40,
    records: 10,
    hwAccel: true,
    bandwidth: 400e9,
    latency: 5 * US,
    identity,
    seed: 1,
    device: { cryptoEngine: { lanes: 8, dmaBandwidth: 16e9, ...cryptoEngine }, recordLayer: { pipelineDepth: 64 } },
  });
const goodput = (r: ReturnType<typeof simulate>): number => r.report.throughput.goodputBytesPerSecond;
const module = (r: ReturnType<typeof simulate>, name: string) =>
  r.report.modules.find((m) => m.name === `device.cryptoEngine.${name}`);

test('--set crypto_engine.dma_channels=4 and dma_round_robin=true are accepted', (t) => {
  t.like(parseSetting('crypto_engine.dma_channels=4'), { module: 'cryptoEngine', param: 'dmaChannels', value: 4 });
  t.like(parseSetting('crypto_engine.dma_round_robin=true'), {
    module: 'cryptoEngine',
    param: 'dmaRoundRobin',
    value: true,
  });
});

test('a DMA-bound engine: four channels carry more than one; the report shows each channel, the pool named', (t) => {
  const one = run({ dmaChannels: 1 });
  const four = run({ dmaChannels: 4 });
  t.is(module(four, 'dma')?.lanes, 4);
  t.is(one.report.bottleneck?.module, 'device.cryptoEngine.dma');
  t.true(goodput(four) > 2 * goodput(one), `${goodput(four)} B/s with four channels against ${goodput(one)} with one`);
  // Each channel's share: together the pool's busy time, each one busy.
  const shares = [0, 1, 2, 3].map((i) => module(four, `dma.ch${i}`));
  t.true(shares.every((s) => s !== undefined && s.busyTimeUs > 0));
  const sum = shares.reduce((n, s) => n + (s?.busyTimeUs ?? 0), 0);
  t.true(
    Math.abs(sum - module(four, 'dma')!.busyTimeUs) < 1e-6 * sum,
    `${sum} µs over the channels, ${module(four, 'dma')!.busyTimeUs} in the pool`,
  );
  t.false(module(one, 'dma.ch0') !== undefined, 'one channel: the pool is the channel');
  t.false(four.report.bottleneck?.module.includes('.ch') ?? false, 'a channel of the pool is not named apart from it');
});

test('the DMA not the bottleneck: one channel or four carry the same', (t) => {
  // One symmetric lane and a wide DMA: the lane sets the pace.
  const one = run({ lanes: 1, dmaBandwidth: 512e9, dmaChannels: 1 });
  const four = run({ lanes: 1, dmaBandwidth: 512e9, dmaChannels: 4 });
  t.is(one.report.bottleneck?.module, 'device.cryptoEngine.symmetric');
  t.true(
    Math.abs(goodput(four) - goodput(one)) <= 0.02 * goodput(one),
    `${goodput(four)} B/s with four channels against ${goodput(one)} with one`,
  );
});

test('round-robin: each channel is a resource of its own; it carries no more than first come, first served', (t) => {
  const rr = run({ dmaChannels: 4, dmaRoundRobin: true });
  const fcfs = run({ dmaChannels: 4 });
  t.is(module(rr, 'dma'), undefined, 'no pool: four channels');
  for (const i of [0, 1, 2, 3]) t.is(module(rr, `dma.ch${i}`)?.lanes, 1);
  t.regex(rr.report.bottleneck?.module ?? '', /^device\.cryptoEngine\.dma\.ch[0-3]$/);
  t.true(goodput(rr) <= goodput(fcfs), `${goodput(rr)} B/s round-robin against ${goodput(fcfs)}`);
  t.true(goodput(rr) > 2 * goodput(run({ dmaChannels: 1 })));
});
