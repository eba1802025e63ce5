/**
 * docs/hwmodel-sizing.md, sections 5 and 6. Section 5 sums up sections 1 to 4's recommendations and compares them
 * with the `line-rate-10g` and `iot` engines; section 6 tabulates the `fpga` and `asic` profiles. Their figures are
 * not measured: each is a recommendation of an earlier section or a figure of an engine file under spec/hw/engines
 * (read here with the loader the simulator uses, bases merged), and the table's arithmetic (a published time or power
 * turned into cycles or energy) is redone. An engine file changed and not the section, or the other way round, fails.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEngine, type Engine } from '../../hwmodel/timing/engine-file.js';
import { fixed, grouped, ROOT } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const section = (n: number): string => {
  const start = DOC.indexOf(`\n## ${n}. `);
  return DOC.slice(start, DOC.indexOf(`\n## ${n + 1}. `, start));
};
const prose = (text: string): string => text.replace(/\s+/g, ' ');
const parameter = (e: Engine, path: string): string => {
  const found = e.parameters.find((p) => p.path === path);
  if (!found) throw new Error(`engine ${e.name} sets no ${path}`);
  return found.text;
};
/** A clock period (`3333ps`, `10ns`) in MHz, rounded. */
const mhz = (period: string): number => {
  const [, value, unit] = /^([\d.]+)(ps|ns)$/.exec(period)!;
  return Math.round(1e6 / (Number(value) * (unit === 'ns' ? 1000 : 1)));
};
const aesGcm = (e: Engine): number => e.table.aead!['TLS_AES_128_GCM_SHA256']!.open.bytesPerCycle;
const keyExchange = (e: Engine, group: 'secp256r1' | 'x25519'): { generateCycles: number; deriveCycles: number } =>
  e.table.keyExchange![group]!;
const signature = (e: Engine, scheme: 'ecdsa_secp256r1_sha256'): { signCycles: number; verifyCycles: number } =>
  e.table.signature![scheme]!;

test("section 5: the engine it sums up is sections 1 to 4's recommendations", (t) => {
  const text = prose(section(5));
  const recommended = [
    [1, 'Recommendation: 2 public-key lanes'],
    [2, 'Recommendation: a 64 Gbit/s DMA'],
    [2, '**2** for both directions'],
    [3, 'Recommendation: pipeline depth 8'],
    [4, 'Recommendations: queue depth 16 per lane'],
    [4, 'an RX ring of 1,024 or more'],
  ] as const;
  for (const [n, words] of recommended) t.true(prose(section(n)).includes(words), `section ${n}: ${words}`);
  t.true(
    text.includes(
      '2 public-key lanes, 2 symmetric lanes, queue depth 16 or more, pipeline depth 8, an RX ring of 1,024, a 64 Gbit/s DMA',
    ),
  );
  t.true(text.includes('tests/docs/engine-profiles-table.test.ts'), 'the section names this test');
});

test('section 5: the line-rate-10g and iot engines are their files', (t) => {
  const text = prose(section(5));
  const ten = loadEngine('line-rate-10g');
  t.is(parameter(ten, 'crypto_engine.queue_depth'), parameter(ten, 'record_layer.pipeline_depth'));
  t.true(
    text.includes(
      `${parameter(ten, 'crypto_engine.pk_lanes')} public-key lanes and ${parameter(ten, 'crypto_engine.dma_bandwidth').replace('Gbps', ' Gbit/s')} of DMA for headroom, queue depth and pipeline ${parameter(ten, 'crypto_engine.queue_depth')}`,
    ),
  );
  const iot = loadEngine('iot');
  const clock = mhz(parameter(iot, 'crypto_engine.clock_period'));
  t.is(
    Math.round(16 / aesGcm(iot) / 11),
    4,
    'an iterative 32-bit AES: 44 cycles a 16-byte block (4 bytes × 11 rounds)',
  );
  const x25519Ms = keyExchange(iot, 'x25519').generateCycles / clock / 1000;
  t.true(
    text.includes(
      `(${clock} MHz, an iterative 32-bit AES-GCM, a ${fixed(x25519Ms, 1)} ms X25519, a ${parameter(iot, 'record_layer.rx_ring_depth')}-entry ring;`,
    ),
  );
});

test('section 6: the fpga and asic columns are their engine files', (t) => {
  const text = section(6);
  const row = (label: string): string => {
    const line = text.split('\n').find((l) => l.startsWith(`| ${label} |`));
    if (!line) throw new Error(`section 6 has no row '${label}'`);
    return line;
  };
  const command = /- name: command_cycles\n\s+type: count\n\s+default: (\d+)/.exec(
    readFileSync(join(ROOT, 'spec/hw/crypto_engine.yaml'), 'utf8'),
  )![1];
  t.true(prose(text).includes(`(\`crypto_engine.command_cycles\`, ${command})`));
  const fpga = loadEngine('fpga');
  const asic = loadEngine('asic');
  const fpgaPeriod = parameter(fpga, 'crypto_engine.clock_period');
  const fpgaMhz = mhz(fpgaPeriod);
  t.is(mhz(parameter(asic, 'crypto_engine.clock_period')), 1000);
  t.regex(row('clock'), new RegExp(`\\| ${fpgaMhz} MHz \\(\`${fpgaPeriod}\`\\): .* \\| 1 GHz \\|$`));
  const gbps = (e: Engine, clockMhz: number): string => fixed((aesGcm(e) * 8 * clockMhz) / 1000, 1).replace(/\.0$/, '');
  t.regex(
    row('AES-128-GCM lane'),
    new RegExp(
      `\\| ${aesGcm(fpga)} bytes a cycle \\(CAST AES-GCM-X\\), ${gbps(fpga, fpgaMhz)} Gbit/s \\| ${aesGcm(asic)} bytes a cycle, ${gbps(asic, 1000)} Gbit/s \\|`,
    ),
  );
  const pair = (a: number, b: number): string => `${grouped(a)} / ${grouped(b)}`;
  const kx = (e: Engine): string =>
    pair(keyExchange(e, 'secp256r1').generateCycles, keyExchange(e, 'secp256r1').deriveCycles);
  t.true(row('P-256 key generation / derivation').includes(`| ${kx(fpga)} cycles: `));
  t.true(row('P-256 key generation / derivation').includes(`| ${kx(asic)}: `));
  const ecdsa = (e: Engine): string =>
    pair(signature(e, 'ecdsa_secp256r1_sha256').signCycles, signature(e, 'ecdsa_secp256r1_sha256').verifyCycles);
  t.true(row('ECDSA P-256 sign / verify').includes(`| ${ecdsa(fpga)} cycles (Vitis, derived) | ${ecdsa(asic)} (`));
  const fx = keyExchange(fpga, 'x25519').generateCycles;
  const ax = keyExchange(asic, 'x25519').generateCycles;
  t.true(row('X25519').includes(`| ${grouped(fx)} cycles (`));
  t.true(row('X25519').includes(`${fixed(fx / 300, 2)} µs at 300 MHz; derived)`));
  t.true(row('X25519').includes(`| ${grouped(ax)} (HPEC 2024: ${fixed(ax / 1000, 2)} µs at 1 GHz) |`));
  const area = (e: Engine, unit: 'symmetric' | 'publicKey'): string =>
    `${grouped(e.area[unit].perLane!.value)} ${e.area[unit].perLane!.unit === 'LUT' ? 'LUTs' : e.area[unit].perLane!.unit}`;
  t.true(row('area per symmetric lane').includes(`| ${area(fpga, 'symmetric')} (`));
  t.true(row('area per symmetric lane').includes(`| ${area(asic, 'symmetric')} (estimate) |`));
  t.true(
    row('area per public-key lane').includes(
      `| ${area(fpga, 'publicKey')} (estimate) | ${area(asic, 'publicKey')} (estimate) |`,
    ),
  );
  t.true(
    row('symmetric energy').includes(
      `| ${fpga.power!.symmetric.pjPerBit} pJ/bit (AES on an Altera FPGA: 130 mW at 6.5 Gbit/s)`,
    ),
  );
  t.is(Math.round(130e-3 / 6.5e9 / 1e-12), fpga.power!.symmetric.pjPerBit ?? Number.NaN);
  t.true(row('symmetric energy').includes(`| ${asic.power!.symmetric.pjPerBit} pJ/bit (40 nm AES: 446 Gbps/W`));
  t.is(fixed(1 / 446e9 / 1e-12, 2), String(asic.power!.symmetric.pjPerBit));
  const uj = (e: Engine): number => e.power!.publicKey.pjPerOp! / 1e6;
  t.true(row('public-key energy').includes(`| ${uj(fpga)} µJ per Curve25519 scalar multiplication (117 mW × 1.1 ms`));
  t.is(fixed(117 * 1.1, 1), String(uj(fpga)));
  t.true(row('public-key energy').includes(`| ${uj(asic)} µJ per Curve25519 scalar multiplication (HPEC 2024) |`));
  const range = (e: Engine): [number, number] => [
    Math.round(1e6 / e.clock!.slowest),
    Math.round(1e6 / e.clock!.fastest),
  ];
  t.true(row('clock range (`clock`)').includes(`| ${range(fpga).join(' to ')} MHz: `));
  t.deepEqual(range(asic), [500, 1000]);
  t.true(row('clock range (`clock`)').includes('| 500 MHz to 1 GHz: '));
  t.is(fpga.staticPower!.uwPerArea, 0);
  t.true(row('leakage (`static_power`)').includes('| none of the design'));
  t.true(
    row('leakage (`static_power`)').includes(
      `| ${asic.staticPower!.uwPerArea} µW a kGE: Nangate 45 nm Open Cell Library, typical corner, AND2_X1's 25.07 nW over its 1.33 gate equivalents (derived) |`,
    ),
  );
  t.is(fixed(25.07 / 1.33, 1), String(asic.staticPower!.uwPerArea));
  t.true(prose(text).includes('tests/docs/engine-profiles-table.test.ts'), 'the section names this test');
});
