/**
 * The whole device costed (hwmodel/sizing/device-cost.ts, spec/hw/costs):
 * every part with its basis and source, each operation at its own energy,
 * power at the target load, per-unit costs for the knobs a search turns,
 * and the caveats a reviewer needs ("lower bound; excludes ...").
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../../../runtime/config-error.js';
import { loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { COSTS_DIR, loadCostFile, readCostFile } from '../../../hwmodel/sizing/cost-file.js';
import { deviceCost, sramReadPj, unitCosts } from '../../../hwmodel/sizing/device-cost.js';
import type { TargetLoad } from '../../../hwmodel/sizing/device-load.js';
import { deviceCostCsv } from '../../../hwmodel/sizing/device-cost-text.js';
import { powerAreaFigures, powerAreaText, runPowerArea } from '../../../hwmodel/sizing/power-area.js';
import { simulate } from '../../../hwmodel/model/simulate.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import { DEFAULT_PROFILE } from '../../../hwmodel/timing/index.js';

const engine = loadEngine('asic');
const costs = loadCostFile('asic');
const device = { cryptoEngine: { lanes: 3, pkLanes: 3, dmaChannels: 9, clockPeriod: 1000 } };
const load: TargetLoad = {
  gbps: 200,
  recordBytes: 800,
  handshakesPerSecond: 50_000,
  keyExchange: 'secp256r1',
  signature: 'ecdsa_secp256r1_sha256',
};
const item = (c: ReturnType<typeof deviceCost>, part: string) => c.items.find((i) => i.part === part)!;

test('every part of the device is costed, with its basis and source, and the totals are their sums', (t) => {
  const c = deviceCost({ engine, device }, load);
  const parts = c.items.map((i) => i.part);
  for (const p of [
    'DMA channel',
    'RX ring entry',
    'TX ring entry',
    'pipeline slot',
    'key slot',
    'cache (data and tags)',
    'memory controller',
    'interconnect port',
    'command decoder',
    'public-key lane',
  ])
    t.true(parts.includes(p), p);
  t.true(parts.some((p) => p.includes('ChaCha20-Poly1305')));
  t.true(parts.some((p) => p.includes('SHA-256')));
  for (const i of c.items) {
    t.true(['published', 'derived', 'estimate'].includes(i.basis), i.part);
    t.true(i.source.length > 20, i.part);
    t.true(
      Math.abs(i.areaMm2 - (i.areaKGE * 1000 * 0.798) / 1e6) < 1e-9,
      `${i.part}: mm² at the node's 0.798 µm² a GE`,
    );
  }
  const sum = (f: (i: (typeof c.items)[number]) => number): number => c.items.reduce((n, i) => n + f(i), 0);
  t.true(Math.abs(c.areaKGE - sum((i) => i.areaKGE)) < 1e-6);
  t.true(Math.abs(c.powerW - sum((i) => i.dynamicW + i.staticW)) < 1e-9);
  t.is(item(c, 'DMA channel').count, 9);
  t.is(item(c, 'DMA channel').areaKGE, 9 * 11.8);
  // The crypto datapaths alone are far from the whole: buffers and memory are most of it.
  const crypto = sum((i) => (i.part.startsWith('symmetric lane') || i.part === 'public-key lane' ? i.areaKGE : 0));
  t.true(c.areaKGE > 2 * crypto, `device ${c.areaKGE} kGE against the datapaths' ${crypto}`);
  t.regex(c.caveats[0]!, /^lower bound; excludes .*PHY/);
  t.regex(c.caveats.join('\n'), /at the target load/);
  t.regex(c.node, /45 nm/);
});

test('each operation is charged at its own energy: ChaCha20 against AES-GCM, P-256 against X25519', (t) => {
  const aes = deviceCost({ engine, device }, { ...load, suite: 'TLS_AES_128_GCM_SHA256' });
  const chacha = deviceCost({ engine, device }, { ...load, suite: 'TLS_CHACHA20_POLY1305_SHA256' });
  const bits = 200e9 + 50_000 * 2048 * 8;
  t.true(Math.abs(item(chacha, 'symmetric lane: ChaCha20-Poly1305 datapath').dynamicW - bits * 4.0e-12) < 1e-9);
  t.is(item(aes, 'symmetric lane: ChaCha20-Poly1305 datapath').dynamicW, 0);
  const records = 200e9 / (8 * 800);
  t.true(
    Math.abs(item(aes, 'symmetric lane: AES-GCM datapath').dynamicW - (bits * 2.74e-12 + records * 128 * 2.74e-12)) <
      1e-9,
  );
  const x = deviceCost({ engine, device }, { ...load, keyExchange: 'x25519', signature: 'ed25519' });
  const p = deviceCost({ engine, device }, load);
  t.true(Math.abs(item(x, 'public-key lane').dynamicW - 50_000 * (2 * 0.72e-6 + 0.72e-6)) < 1e-9);
  t.true(Math.abs(item(p, 'public-key lane').dynamicW - 50_000 * (2 * 1.08e-6 + 1.08e-6)) < 1e-9);
  // Command decode at its own energy: command cycles × its pJ a cycle, per command.
  const commands = records + 50_000 * 30;
  t.true(Math.abs(item(p, 'command decoder').dynamicW - commands * 20 * 23.9e-12) < 1e-9);
});

test('power is taken at the target load: twice the data rate, about twice the data-path power, the same leakage', (t) => {
  const one = deviceCost({ engine, device }, { ...load, handshakesPerSecond: 0 });
  const two = deviceCost({ engine, device }, { ...load, handshakesPerSecond: 0, gbps: 400 });
  t.is(one.staticW, two.staticW);
  t.true(Math.abs(two.dynamicW / one.dynamicW - 2) < 1e-9, `${two.dynamicW} / ${one.dynamicW}`);
  const idle = deviceCost({ engine, device }, { gbps: 0, handshakesPerSecond: 0 });
  t.is(idle.dynamicW, 0);
  t.is(idle.powerW, idle.staticW);
  // Key contexts missed on chip cost DRAM accesses at the memory controller.
  t.is(item(one, 'memory controller').dynamicW, 0);
  t.true(item(deviceCost({ engine, device }, { ...load, keyMissRate: 0.5 }), 'memory controller').dynamicW > 0);
});

test('per-unit costs price key slots, ring entries, pipeline slots and lanes: growing a knob adds exactly its unit cost', (t) => {
  const u = unitCosts({ engine, device });
  const base = deviceCost({ engine, device }, load);
  const grow = (d: object): number => deviceCost({ engine, device: { ...device, ...d } }, load).areaKGE - base.areaKGE;
  t.true(Math.abs(grow({ keyManager: { keySlots: 256 + 1000 } }) - 1000 * u.keySlot.areaKGE) < 1e-6);
  t.true(Math.abs(grow({ recordLayer: { rxRingDepth: 4096 + 10 } }) - 10 * u.rxRingEntry.areaKGE) < 1e-6);
  t.true(Math.abs(grow({ recordLayer: { pipelineDepth: 8 + 4 } }) - 4 * u.pipelineSlot.areaKGE) < 1e-6);
  t.true(u.keySlot.areaKGE > 0 && u.rxRingEntry.areaKGE > u.keySlot.areaKGE);
  t.true(
    Math.abs(u.keySlot.areaKGE - (128 * 8 * 0.742) / 0.798 / 1000) < 1e-9,
    'a key slot: 128 bytes of SRAM at 0.742 µm² a bit',
  );
  t.is(
    u.pkLane.areaKGE,
    980,
    'a public-key lane: 36 64 × 64 multipliers counted by partial products (the engine file)',
  );
});

test('SRAM access energy follows the published sizes, interpolated on the size', (t) => {
  t.is(sramReadPj(costs, 8192), 10);
  t.is(sramReadPj(costs, 32768), 20);
  t.is(sramReadPj(costs, 1 << 20), 100);
  t.is(sramReadPj(costs, 64 << 20), 100, 'beyond the largest: its figure (a lower bound)');
  t.is(sramReadPj(costs, 16384), 15);
});

test('a cost file without a source, with an unknown basis, or an engine without kGE, is refused with a typed error', (t) => {
  const doc = parse(readFileSync(join(COSTS_DIR, 'asic.yaml'), 'utf8')) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  const bad = structuredClone(doc);
  bad['parts']!['dma_channel']!['source'] = ' ';
  t.throws(() => readCostFile(bad, 'asic'), { instanceOf: ConfigError, message: /parts\.dma_channel\.source/ });
  const basis = structuredClone(doc);
  basis['parts']!['key_slot']!['basis'] = 'guess';
  t.throws(() => readCostFile(basis, 'asic'), { instanceOf: ConfigError, message: /parts\.key_slot\.basis/ });
  t.throws(() => deviceCost({ engine: loadEngine('fpga'), costs }, load), { instanceOf: ConfigError, message: /LUT/ });
  t.throws(() => deviceCost({ engine }, { ...load, gbps: -1 }), { instanceOf: ConfigError, message: /load\.gbps/ });
  t.throws(() => loadCostFile('nonesuch'), { instanceOf: ConfigError, message: /no cost file/ });
});

test('a run on an engine with a cost file carries the whole device: its figures, its table and CSV with every basis', (t) => {
  const r = simulate({
    connections: 8,
    records: 10,
    hwAccel: true,
    profile: { ...DEFAULT_PROFILE, crypto: { ...DEFAULT_PROFILE.crypto, accelerated: engine.table } },
    identity: makeSimIdentity('ed25519'),
    device,
  });
  const p = runPowerArea(engine, device, r);
  t.truthy(p.device);
  const f = powerAreaFigures(p);
  t.is(f['area_kGE'], p.area, 'the datapaths figure is kept');
  t.is(f['device_area_kGE'], p.device!.areaKGE);
  t.true(f['device_area_kGE']! > f['area_kGE']!);
  // At a target load the power is the target's, whatever the run offered.
  const target = runPowerArea(engine, device, r, load);
  t.deepEqual(target.device, deviceCost({ engine, device }, load));
  const text = powerAreaText(target);
  t.regex(text, /the whole device under Device cost/);
  t.regex(text, /Device cost {8}[0-9,]+ kGE, [0-9.]+ mm², [0-9.]+ W \(engine 'asic', 45 nm/);
  t.regex(text, /key slot +256 .*derived/);
  t.regex(text, /lower bound; excludes/);
  const csv = deviceCostCsv(target.device!);
  t.regex(csv, /^part,count,area_kGE,area_mm2,dynamic_w,static_w,basis,source\n/);
  t.is(csv.split('\n').filter((l) => /,(published|derived|estimate),/.test(l)).length, target.device!.items.length);
  t.regex(csv, /\n# lower bound; excludes/);
  // The default engine has no cost file: the datapaths only, as before.
  t.is(runPowerArea(loadEngine('fpga'), device, r).device, undefined);
});
