/**
 * First-order power and area (hwmodel/sizing/power-area.ts) from the
 * engines' cited figures (spec/hw/engines `area` and `power`): per unit and
 * in total, for one run and over a sweep.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../runtime/config-error.js';
import { runSweep } from '../../../hwmodel/model/sweep.js';
import { simulate, type SimulationOptions } from '../../../hwmodel/model/simulate.js';
import { makeSimIdentity } from '../../../hwmodel/model/identity.js';
import {
  engineShape,
  powerArea,
  powerAreaFigures,
  powerAreaText,
  runPowerArea,
  unitUtilization,
} from '../../../hwmodel/sizing/power-area.js';
import { ENGINES_DIR, loadEngine } from '../../../hwmodel/timing/engine-file.js';
import { clockSteps } from '../../../hwmodel/timing/engine-clock.js';
import { DEFAULT_PROFILE, NS } from '../../../hwmodel/timing/index.js';

const asic = loadEngine('asic');
const fpga = loadEngine('fpga');

test('the FPGA and ASIC engines give each unit an area per lane at a named node and an energy, each with basis and source', (t) => {
  for (const e of [asic, fpga]) {
    for (const unit of ['symmetric', 'publicKey'] as const) {
      const a = e.area[unit].perLane;
      const p = e.power?.[unit];
      t.truthy(a, `${e.name} ${unit} area`);
      t.truthy(p, `${e.name} ${unit} power`);
      t.true((a?.node.length ?? 0) > 5 && e.area[unit].source.length > 40, `${e.name} ${unit} area source`);
      t.true((p?.node.length ?? 0) > 5 && (p?.source.length ?? 0) > 40, `${e.name} ${unit} power source`);
    }
  }
  t.is(asic.area.symmetric.perLane?.unit, 'kGE');
  t.is(fpga.area.symmetric.perLane?.unit, 'LUT');
  // 446 Gbit/s per W (40 nm AES) is 2.24 pJ a bit; a lane moving 16 bytes a cycle spends 2.24 × 128 pJ a busy cycle.
  t.regex(asic.power?.symmetric.source ?? '', /446 Gbps\/W/);
  t.is(asic.power?.symmetric.pjPerCycle, 2.24 * 8 * 16);
  // 0.72 µJ per Curve25519 scalar multiplication of 10,380 cycles.
  t.is(asic.power?.publicKey.pjPerCycle, 720_000 / 10_380);
  t.is(loadEngine('default').power, undefined, 'the default engine gives no energy figures');
});

test('the two profiles differ where the platforms do: the ASIC public-key unit takes fewer cycles and a faster clock', (t) => {
  const kx = (e: typeof asic) => e.table.keyExchange.secp256r1.generateCycles;
  t.true(kx(asic) < kx(fpga));
  t.is(kx(fpga), 33_000, "the Vitis kernel's 0.11 ms at its 300 MHz");
  const clock = (e: typeof asic) => e.parameters.find((p) => p.path === 'crypto_engine.clock_period')?.text;
  t.is(clock(asic), '1ns');
  t.is(clock(fpga), '3333ps');
  t.regex(fpga.provenance['key_exchange.secp256r1']!.source, /300 MHz/);
});

test('area is lanes × area per lane; power is utilization × lanes × energy a cycle at the clock', (t) => {
  const shape = { lanes: 8, pkLanes: 4, clockPeriod: 1 * NS };
  const p = powerArea(asic, shape, { symmetric: 0.5, publicKey: 0.25 });
  t.is(p.area, 8 * 160 + 4 * 980);
  const sym = p.units[0]!;
  // 0.5 × 8 lanes busy × 286.72 pJ a cycle × 1e9 cycles a second = 1.147 W.
  t.is(sym.dynamicW, (0.5 * 8 * 286.72) / 1000);
  // Leakage: 1,280 kGE × 18.8 µW a kGE (Nangate 45 nm, typical corner), whatever the work.
  t.is(sym.staticW, 1280 * 18.8e-6);
  t.is(sym.powerW, (sym.dynamicW ?? 0) + (sym.staticW ?? 0));
  t.is(p.staticW, (8 * 160 + 4 * 980) * 18.8e-6);
  t.is(p.powerW, (sym.powerW ?? 0) + (p.units[1]!.powerW ?? 0));
  t.is(p.powerW, (p.dynamicW ?? 0) + (p.staticW ?? 0));
  const twice = powerArea(asic, { ...shape, lanes: 16 }, { symmetric: 0.25, publicKey: 0.25 });
  t.is(twice.units[0]!.area, 2 * (sym.area ?? 0), 'twice the lanes, twice the area');
  t.is(twice.units[0]!.dynamicW, sym.dynamicW, 'the same work spread over twice the lanes costs the same energy');
  t.is(twice.units[0]!.staticW, 2 * (sym.staticW ?? 0), 'and leaks twice as much');
  const slow = powerArea(asic, { ...shape, clockPeriod: 2 * NS }, { symmetric: 0.5, publicKey: 0.25 });
  t.is(
    slow.units[0]!.dynamicW,
    (sym.dynamicW ?? 0) / 2,
    'the same utilization at half the clock is half the dynamic power',
  );
  t.is(slow.units[0]!.staticW, sym.staticW, 'leakage does not follow the clock');
  t.deepEqual(Object.keys(powerAreaFigures(p)).sort(), [
    'area_kGE',
    'power_w',
    'power_w_dynamic',
    'power_w_publicKey',
    'power_w_static',
    'power_w_symmetric',
  ]);
  // On the FPGA a design's LUTs leak nothing of their own (UG440: logic leakage is the device's static power).
  t.is(powerArea(fpga, shape, { symmetric: 0.5, publicKey: 0.25 }).staticW, 0);
  const none = powerArea(loadEngine('default'), shape, { symmetric: 0.5, publicKey: 0.5 });
  t.is(none.powerW, undefined);
  t.regex(powerAreaText(none), /gives no power or area figures/);
});

const options = (records: number): SimulationOptions => ({
  connections: 16,
  records,
  hwAccel: true,
  profile: { ...DEFAULT_PROFILE, crypto: { ...DEFAULT_PROFILE.crypto, accelerated: asic.table } },
  identity: makeSimIdentity('ed25519'),
  device: { cryptoEngine: { clockPeriod: 1000, lanes: 2 } },
});

test("a run's power is its units' utilization in the steady window at the engine's energy; the report prints it per unit", (t) => {
  const r = simulate(options(20));
  const u = unitUtilization(r);
  // All connections open at 0: their handshakes end before the steady window, so only the symmetric unit works in it.
  t.true(u.symmetric > 0);
  t.is(u.publicKey, 0);
  const p = runPowerArea(asic, options(20).device, r);
  t.deepEqual(engineShape(options(20).device), { lanes: 2, pkLanes: 4, clockPeriod: 1000 });
  t.is(p.units[0]!.dynamicW, (u.symmetric * 2 * 286.72) / 1000);
  t.is(p.area, 2 * 160 + 4 * 980);
  const text = powerAreaText(p);
  t.regex(text, /^Power, area {8}4,240 kGE, [0-9.]+ (m|µ)W/);
  t.regex(text, /symmetric {3}320 kGE \(2 × 160 kGE, estimate\); [0-9.]+ (m|µ)W dynamic .* \+ 6\.0 mW static/);
  t.regex(text, /static {6}79\.7 mW of it static \(18\.8 µW a kGE at 45 nm/);
});

test('power and area are swept like any other figure: runSweep gives each an interval per point', (t) => {
  const points = [
    { label: '1', device: { cryptoEngine: { lanes: 1 } } },
    { label: '4', device: { cryptoEngine: { lanes: 4 } } },
  ];
  const rows = runSweep({ ...options(10), arrivalRate: 20_000 }, points, 2, undefined, (result, device) =>
    powerAreaFigures(runPowerArea(asic, device, result)),
  );
  t.is(rows[0]!.figures['area_kGE']?.mean, 1 * 160 + 4 * 980);
  t.is(rows[1]!.figures['area_kGE']?.mean, 4 * 160 + 4 * 980);
  t.is(rows[0]!.figures['power_w']?.values.length, 2, 'one value per replication');
  t.is(rows[0]!.figures['power_w_static']?.mean, (160 + 4 * 980) * 18.8e-6, 'the leakage of the area, in every row');
  t.is(rows[1]!.figures['power_w_static']?.mean, (4 * 160 + 4 * 980) * 18.8e-6);
  t.true((rows[0]!.figures['power_w']?.mean ?? 0) > 0);
});

test('the FPGA and ASIC engines give a cited clock range holding their clock and a cited leakage at a named node', (t) => {
  t.like(asic.clock, { fastest: 1000, slowest: 2000, basis: 'estimate' });
  t.like(fpga.clock, { fastest: 3165, slowest: 9804, basis: 'derived' });
  t.regex(fpga.clock?.source ?? '', /3\.165 ns/);
  t.like(asic.staticPower, { uwPerArea: 18.8, basis: 'derived' });
  t.regex(asic.staticPower?.source ?? '', /NangateOpenCellLibrary_typical\.lib.*AND2_X1.*25\.07 nW/s);
  t.like(fpga.staticPower, { uwPerArea: 0, basis: 'published' });
  t.regex(fpga.staticPower?.source ?? '', /UG440/);
  t.is(loadEngine('default').clock, undefined);
  // Evenly spaced in frequency: 1000, 750 and 500 MHz.
  t.deepEqual(clockSteps({ fastest: 1000, slowest: 2000 }, 3), [1000, 1333, 2000]);
  t.deepEqual(clockSteps({ fastest: 1000, slowest: 2000 }, 1), [1000]);
  t.deepEqual(clockSteps({ fastest: 1000, slowest: 1000 }, 4), [1000]);
});

test('a bad clock or static_power section is a ConfigError naming the file and the key path', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'engines-'));
  writeFileSync(join(dir, 'default.yaml'), readFileSync(join(ENGINES_DIR, 'default.yaml'), 'utf8'));
  writeFileSync(join(dir, 'asic.yaml'), readFileSync(join(ENGINES_DIR, 'asic.yaml'), 'utf8'));
  const write = (name: string, body: string) =>
    writeFileSync(
      join(dir, `${name}.yaml`),
      `engine: ${name}\ndescription: x\nbase: ${name.startsWith('a') ? 'asic' : 'default'}\n${body}`,
    );
  write('aclock', 'clock: { fastest: 2ns, slowest: 1ns, basis: estimate, source: reasoning }\n');
  t.throws(() => loadEngine('aclock', dir), {
    instanceOf: ConfigError,
    message: /aclock\.yaml: clock\.slowest: must be a period no shorter/,
  });
  write('aout', 'clock: { fastest: 100ps, slowest: 500ps, basis: estimate, source: reasoning }\n');
  t.throws(() => loadEngine('aout', dir), {
    instanceOf: ConfigError,
    message: /aout\.yaml: clock: must hold the engine's crypto_engine\.clock_period \(1000 ps\)/,
  });
  write('atime', 'clock: { fastest: fast, slowest: 1ns, basis: estimate, source: reasoning }\n');
  t.throws(() => loadEngine('atime', dir), {
    instanceOf: ConfigError,
    message: /atime\.yaml: clock\.fastest: "fast" is not a time/,
  });
  write('aleak', 'static_power: { uw_per_area: -1, node: a node, basis: derived, source: a library }\n');
  t.throws(() => loadEngine('aleak', dir), {
    instanceOf: ConfigError,
    message: /aleak\.yaml: static_power\.uw_per_area: must be >= 0/,
  });
  write('dleak', 'static_power: { uw_per_area: 1, node: a node, basis: derived, source: a library }\n');
  t.throws(() => loadEngine('dleak', dir), {
    instanceOf: ConfigError,
    message: /dleak\.yaml: static_power: needs an area per lane/,
  });
  write('anode', 'static_power: { uw_per_area: 1, basis: derived, source: a library }\n');
  t.throws(() => loadEngine('anode', dir), {
    instanceOf: ConfigError,
    message: /anode\.yaml: static_power\.node: must be a string/,
  });
});

test('a bad power or area section is a ConfigError naming the file and the key path', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'engines-'));
  writeFileSync(join(dir, 'default.yaml'), readFileSync(join(ENGINES_DIR, 'default.yaml'), 'utf8'));
  const write = (name: string, body: string) =>
    writeFileSync(join(dir, `${name}.yaml`), `engine: ${name}\ndescription: x\nbase: default\n${body}`);
  const unit = (op: string, figure: string) =>
    `{ ${figure}, op: ${op}, node: a named node, basis: published, source: a paper of some length }`;
  write(
    'perbit',
    `power:\n  symmetric: ${unit('aead.TLS_AES_128_GCM_SHA256', 'pj_per_bit: 1')}\n  public_key: ${unit('key_exchange.x25519.generate', 'pj_per_bit: 1')}\n`,
  );
  t.throws(() => loadEngine('perbit', dir), {
    instanceOf: ConfigError,
    message: /perbit\.yaml: power\.public_key\.pj_per_bit: is for the symmetric unit/,
  });
  write(
    'badop',
    `power:\n  symmetric: ${unit('aead.TLS_AES_128_GCM_SHA256', 'pj_per_bit: 1')}\n  public_key: ${unit('key_exchange.x25519.sign', 'pj_per_op: 1')}\n`,
  );
  t.throws(() => loadEngine('badop', dir), {
    instanceOf: ConfigError,
    message: /badop\.yaml: power\.public_key\.op: 'key_exchange\.x25519\.sign' must name a public-key operation/,
  });
  write('half', `power:\n  symmetric: ${unit('aead.TLS_AES_128_GCM_SHA256', 'pj_per_bit: 1')}\n`);
  t.throws(() => loadEngine('half', dir), {
    instanceOf: ConfigError,
    message: /half\.yaml: power\.public_key: is missing/,
  });
  const area = (u: string) =>
    `{ class: large, per_lane: 10, unit: ${u}, node: a named node, basis: estimate, source: some reasoning }`;
  write('units', `area:\n  symmetric: ${area('kGE')}\n  public_key: ${area('LUT')}\n`);
  t.throws(() => loadEngine('units', dir), {
    instanceOf: ConfigError,
    message: /units\.yaml: area\.public_key\.unit: must be the symmetric unit's 'kGE'/,
  });
  write('oneside', `area:\n  symmetric: ${area('kGE')}\n`);
  t.throws(() => loadEngine('oneside', dir), {
    instanceOf: ConfigError,
    message: /oneside\.yaml: area\.public_key\.per_lane: is missing/,
  });
});

test('dtls13 simulate --profile asic writes the power and area to --json (powerArea) beside the report', async (t) => {
  const { runSimulate } = await import('../../../cli/simulate-command.js');
  const dir = mkdtempSync(join(tmpdir(), 'power-area-'));
  const file = join(dir, 'report.json');
  t.is(await runSimulate(['--profile', 'asic', '--connections', '4', '--records', '2', '--quiet', '--json', file]), 0);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    powerArea?: { area: number; areaUnit: string; units: { unit: string; lanes: number }[] };
  };
  t.is(doc.powerArea?.area, 4 * 160 + 4 * 980);
  t.is(doc.powerArea?.areaUnit, 'kGE');
  t.deepEqual(
    doc.powerArea?.units.map((u) => [u.unit, u.lanes]),
    [
      ['symmetric', 4],
      ['publicKey', 4],
    ],
  );
});
