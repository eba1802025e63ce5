/**
 * The whole device on the fpga engine in LUT, FF, BRAM36 and DSP
 * (hwmodel/sizing/fpga-cost.ts, spec/hw/costs/fpga.resources.yaml): the
 * published Vitis figures carried through, each knob adding its own
 * resources, buffers in whole block RAMs, power from the engine file's
 * energies at the target load, and a malformed file a ConfigError naming
 * the field.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../../runtime/config-error.js';
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { COSTS_DIR } from '../../../hwmodel/sizing/cost-file.js';
import {
  fpgaDeviceCost,
  fpgaDeviceCostText,
  hasFpgaResources,
  loadFpgaResources,
  readFpgaResources,
} from '../../../hwmodel/sizing/fpga-cost.js';

const engine = loadEngine('fpga');
const load = { gbps: 20, recordBytes: 354, handshakesPerSecond: 5000 };

test('the fpga resources file carries the Vitis figures: a lane is GCM-AES128 encrypt plus decrypt', (t) => {
  t.true(hasFpgaResources('fpga'));
  t.false(hasFpgaResources('asic'));
  const r = loadFpgaResources('fpga');
  t.deepEqual(
    { lut: r.parts.aes_gcm_lane.lut, ff: r.parts.aes_gcm_lane.ff, dsp: r.parts.aes_gcm_lane.dsp },
    { lut: 17_765 + 17_899, ff: 16_537 + 16_536, dsp: 0 },
  );
  t.is(r.parts.sha256.lut, 4973);
  t.is(r.blockRamBits.value, 36 * 1024);
});

test('each knob adds its own resources; buffers take whole block RAMs; totals are the parts summed', (t) => {
  const base = fpgaDeviceCost(engine, { cryptoEngine: { lanes: 2, pkLanes: 1, dmaChannels: 1 } }, load);
  const r = loadFpgaResources('fpga');
  const more = fpgaDeviceCost(engine, { cryptoEngine: { lanes: 3, pkLanes: 1, dmaChannels: 1 } }, load);
  const lane = r.parts.aes_gcm_lane.lut + r.parts.chacha20_poly1305_lane.lut + r.parts.sha256.lut;
  t.is(more.totals.lut - base.totals.lut, lane);
  t.is(more.totals.dsp - base.totals.dsp, r.parts.chacha20_poly1305_lane.dsp);
  for (const k of ['lut', 'ff', 'bram36', 'dsp'] as const)
    t.is(
      base.totals[k],
      base.items.reduce((n, i) => n + i[k], 0),
    );
  // A 64-entry RX ring of 16 + 1,500-byte entries: 64 × 1,516 × 8 bits in 36 Kb blocks.
  const small = fpgaDeviceCost(engine, { recordLayer: { rxRingDepth: 64 } }, load);
  t.is(small.items.find((i) => i.part === 'RX ring')?.bram36, Math.ceil((64 * (16 + 1500) * 8) / 36_864));
  const big = fpgaDeviceCost(engine, { recordLayer: { rxRingDepth: 128 } }, load);
  t.true(big.totals.bram36 > small.totals.bram36);
  t.is(big.totals.lut, small.totals.lut);
  t.regex(fpgaDeviceCostText(base), /^Device resources +[\d,]+ LUT, [\d,]+ FF, [\d,]+ BRAM36, [\d,]+ DSP/);
  t.true(base.caveats[0]!.startsWith('lower bound; excludes'));
});

test('power at the target load: the AEAD bits at 20 pJ a bit and each public-key operation at its energy', (t) => {
  const c = fpgaDeviceCost(engine, undefined, { ...load, handshakesPerSecond: 0 });
  const aes = c.items.find((i) => i.part === 'symmetric lane: AES-GCM')!;
  t.true(Math.abs(aes.dynamicW - 20e9 * 20e-12) < 1e-9, `${aes.dynamicW}`);
  const hs = fpgaDeviceCost(engine, undefined, load);
  const pk = hs.items.find((i) => i.part === 'public-key lane')!;
  // Two key-exchange operations and one signature a handshake, 128.7 µJ each (the engine file's estimate).
  t.true(Math.abs(pk.dynamicW - 5000 * 3 * 128.7e-6) < 1e-9, `${pk.dynamicW}`);
  t.is(pk.basis, 'estimate');
});

test('a malformed resources file is a ConfigError naming the field', (t) => {
  const doc = parse(readFileSync(join(COSTS_DIR, 'fpga.resources.yaml'), 'utf8')) as Record<string, unknown>;
  const parts = doc['parts'] as Record<string, Record<string, unknown>>;
  t.throws(() => readFpgaResources(doc, 'other'), { instanceOf: ConfigError, message: /resources/ });
  t.throws(
    () =>
      readFpgaResources(
        { ...doc, parts: { ...parts, dma_channel: { ...parts['dma_channel'], basis: 'guess' } } },
        'fpga',
      ),
    { instanceOf: ConfigError, message: /parts\.dma_channel\.basis/ },
  );
  t.throws(() => readFpgaResources({ ...doc, parts: { ...parts, sha256: { ...parts['sha256'], lut: -1 } } }, 'fpga'), {
    instanceOf: ConfigError,
    message: /parts\.sha256\.lut/,
  });
  t.throws(() => readFpgaResources({ ...doc, excludes: [] }, 'fpga'), { instanceOf: ConfigError, message: /excludes/ });
});

test('at a workload answer: a memory controller a memory channel, the sessions in DRAM, no cache', (t) => {
  const device = { cryptoEngine: { lanes: 2, pkLanes: 1, dmaChannels: 2 } };
  const c = fpgaDeviceCost(engine, device, load, undefined, { memoryChannels: 3, sessions: 1_000_000 });
  const row = (part: string) => c.items.find((i) => i.part === part);
  t.is(row('memory controller')?.count, 3);
  t.is(row('interconnect port')?.count, (2 + 1) * 3);
  t.is(row('connection table (in DRAM)')?.count, 1_000_000);
  t.is(row('connection table (in DRAM)')?.bram36, 0);
  t.is(row('connection table'), undefined);
  t.is(row('cache'), undefined);
  // simulate()'s device keeps its one controller, its table and its cache.
  const sim = fpgaDeviceCost(engine, device, load);
  t.is(sim.items.find((i) => i.part === 'memory controller')?.count, 1);
  t.true(sim.items.some((i) => i.part === 'cache'));
});
