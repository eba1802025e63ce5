/**
 * docs/hwmodel/README.md's lanes sweep (and docs/hardware-model.md's, the same table): its table is the rows of docs/hwmodel/lanes-sweep.csv, the file the sweep's
 * command (in the same section) writes, and the engine figures its prose names are spec/hw's defaults. The run is in
 * simulated time, so the CSV is what any machine prints for that command; a CSV rerun with other figures, a table
 * edited away from it or a changed default fails here, and so does a model that no longer prints the CSV: the
 * last two lane counts are rerun with the section's own command.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRows, fixed, grouped, rerunSweep, ROOT, tableRows, withInterval } from './sweep-csv.js';

const README = readFileSync(join(ROOT, 'docs/hwmodel/README.md'), 'utf8');
const CSV = join(ROOT, 'docs/hwmodel/lanes-sweep.csv');

/** One table row made from one CSV row. */
function tableRow(r: Record<string, string>): string {
  const num = (name: string): number => Number(r[name]);
  const cells = [
    r['crypto_engine.lanes']!,
    withInterval(fixed(num('goodput_bps') / 1e9, 2), fixed(num('goodput_bps_ci95') / 1e9, 2)),
    withInterval(grouped(num('records_per_s') / 1e3), grouped(num('records_per_s_ci95') / 1e3)),
    withInterval(fixed(num('handshake_p50_us'), 0), fixed(num('handshake_p50_us_ci95'), 0)),
    grouped(num('dropped')),
    `${r['bottleneck']!.replace(/^device\./, '')}, ${Math.round(num('bottleneck_utilization') * 100)} %`,
  ];
  return `| ${cells.join(' | ')} |`;
}

/** A spec/hw parameter's default, as its YAML states it. */
function specDefault(file: string, name: string): string {
  const yaml = readFileSync(join(ROOT, 'spec/hw', file), 'utf8');
  const found = new RegExp(`- name: ${name}\\n(?:\\s+\\w+: .*\\n)*?\\s+default: (\\S+)`).exec(yaml);
  if (!found) throw new Error(`spec/hw/${file} has no default for ${name}`);
  return found[1]!;
}

test('the lanes table of docs/hwmodel/README.md is lanes-sweep.csv', (t) => {
  const rows = csvRows(CSV);
  t.is(rows.length, 4);
  t.deepEqual(tableRows(README), rows.map(tableRow));
});

test("docs/hardware-model.md's lanes table, above the same plot, is lanes-sweep.csv too", (t) => {
  const doc = readFileSync(join(ROOT, 'docs/hardware-model.md'), 'utf8');
  const at = doc.indexOf('--sweep crypto_engine.lanes=1,2,4,8');
  t.true(at > 0);
  const section = doc.slice(at, doc.indexOf('](hwmodel/lanes-sweep.svg)', at));
  t.deepEqual(tableRows(section), csvRows(CSV).map(tableRow));
});

test('its prose: the engine defaults and the straggler are the spec and the CSV', (t) => {
  const prose = README.replace(/\s+/g, ' ');
  t.is(specDefault('crypto_engine.yaml', 'dma_channels'), '1');
  t.true(
    prose.includes(
      `the single ${specDefault('crypto_engine.yaml', 'dma_bandwidth').replace('Gbps', ' Gbit/s')} DMA channel`,
    ),
  );
  t.true(prose.includes(`the ${grouped(Number(specDefault('record_layer.yaml', 'rx_ring_depth')))}-entry RX ring`));
  const two = csvRows(CSV).find((r) => r['crypto_engine.lanes'] === '2')!;
  t.is(Math.round(Number(two['completion_p99_us']) / 1e6), 1, 'at two lanes the run lasts about a second');
  t.true(prose.includes('stretches the run to a second'));
  t.true(prose.includes('tests/docs/lanes-sweep-table.test.ts'), 'the section names this test');
});

test('a CSV row is written as the table writes it', (t) => {
  t.is(
    tableRow({
      'crypto_engine.lanes': '2',
      goodput_bps: '17878215741.7',
      goodput_bps_ci95: '1090156571.2',
      records_per_s: '1862314.1',
      records_per_s_ci95: '113557.9',
      handshake_p50_us: '1370.6978',
      handshake_p50_us_ci95: '0',
      dropped: '4607.3',
      bottleneck: 'device.cryptoEngine.dma',
      bottleneck_utilization: '0.9269',
    }),
    '| 2 | 17.88 ± 1.09 | 1,862 ± 114 | 1371 | 4,607 | cryptoEngine.dma, 93 % |',
  );
});

test("the model still prints the CSV: the section's command, rerun for the last two lane counts, gives their rows", (t) => {
  const saved = csvRows(CSV).slice(-2);
  t.deepEqual(
    rerunSweep(
      README,
      saved.map((r) => r['crypto_engine.lanes']!),
    ),
    saved,
  );
});
