/**
 * docs/hwmodel-sizing.md, section 9: five sweeps (key slots, DMA channels, TX, crypto and RX credits). Each table is
 * the rows of the CSVs its commands write (docs/hwmodel/*-sweep.csv), the figures its prose takes from a run are
 * those rows', and the model still writes them: the DMA-channel sweep's first and last values are rerun with the section's
 * own command (simulated time: any machine prints the same). A CSV rerun with other figures, a table cell or
 * sentence edited away from its CSV, or a model that moved fails here.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRows, fixed, grouped, rerunSweep, ROOT, tableRows, withInterval } from './sweep-csv.js';

const DOC = readFileSync(join(ROOT, 'docs/hwmodel-sizing.md'), 'utf8');
const start = DOC.indexOf('\n## 9. ');
const SECTION = DOC.slice(start, DOC.indexOf('\n### ', start));
const prose = SECTION.replace(/\s+/g, ' ');
type Row = Record<string, string>;
const sweep = (name: string): Row[] => csvRows(join(ROOT, `docs/hwmodel/${name}-sweep.csv`));
const num = (r: Row, name: string): number => Number(r[name]);
const gbps = (r: Row, name: string): string => fixed(num(r, name) / 1e9, 2);
const goodput = (r: Row): string => withInterval(gbps(r, 'goodput_bps'), gbps(r, 'goodput_bps_ci95'));
const percent = (share: number): string => `${Math.round(share * 100)} %`;
/** The bottleneck cell: the resource (the device's own egress marked `(out)`) and how busy it is. */
const bottleneck = (r: Row): string =>
  `${r['bottleneck'] === 'device.networkChannel' ? 'networkChannel (out)' : r['bottleneck']!.replace(/^device\./, '')}, ${percent(num(r, 'bottleneck_utilization'))}`;
const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

/** The ```console block's text and the table after it, from the block that writes `csv` to the next table's end. */
function part(csv: string): string {
  const at = SECTION.indexOf(`--csv docs/hwmodel/${csv}-sweep.csv`);
  if (at < 0) throw new Error(`section 9 has no command writing ${csv}-sweep.csv`);
  const from = SECTION.lastIndexOf('```console', at);
  const tableEnd = SECTION.indexOf('\n\n', SECTION.indexOf('\n| ', at));
  return SECTION.slice(from, tableEnd);
}

for (const [csv, parameter] of [
  ['key-slots', 'key_manager.key_slots'],
  ['dma-channels', 'crypto_engine.dma_channels'],
] as const)
  test(`section 9: the ${csv} table is ${csv}-sweep.csv`, (t) => {
    t.deepEqual(
      tableRows(part(csv)),
      sweep(csv).map((r) =>
        row([
          r[parameter]!,
          goodput(r),
          gbps(r, 'run_goodput_bps'),
          grouped(num(r, 'held_back')),
          fixed(num(r, 'completion_p99_us'), 0),
          bottleneck(r),
        ]),
      ),
    );
  });

test('section 9: the tx-credits table is tx-credits-sweep.csv', (t) => {
  t.deepEqual(
    tableRows(part('tx-credits')),
    sweep('tx-credits').map((r) =>
      row([
        r['record_layer.tx_credits']!,
        gbps(r, 'run_goodput_bps'),
        withInterval(fixed(num(r, 'handshake_p50_us'), 0), fixed(num(r, 'handshake_p50_us_ci95'), 0)),
        grouped(num(r, 'held_back')),
        bottleneck(r),
      ]),
    ),
  );
});

test('section 9: the credits table is crypto-credits-sweep.csv and rx-credits-sweep.csv side by side', (t) => {
  const crypto = sweep('crypto-credits');
  const rx = sweep('rx-credits');
  t.deepEqual(
    crypto.map((r) => r['record_layer.crypto_credits']),
    rx.map((r) => r['record_layer.rx_credits']),
  );
  t.true(SECTION.includes('`--sweep record_layer.rx_credits=1,2,4,8,64` (`rx-credits-sweep.csv`'));
  t.deepEqual(
    tableRows(part('crypto-credits')),
    crypto.map((r, i) =>
      row([
        r['record_layer.crypto_credits']!,
        goodput(r),
        grouped(num(r, 'held_back')),
        bottleneck(r),
        goodput(rx[i]!),
        grouped(num(rx[i]!, 'held_back')),
        bottleneck(rx[i]!),
      ]),
    ),
  );
});

test("section 9: the prose's figures are the CSVs'", (t) => {
  const keys = sweep('key-slots');
  t.is(Math.round((3 * num(keys[0]!, 'goodput_bps')) / num(keys.at(-1)!, 'goodput_bps')), 1, 'a third of the rate');
  t.true(prose.includes('sets the pace at a third of the rate'));
  const dma = sweep('dma-channels');
  const at = (n: string): Row => dma.find((r) => r['crypto_engine.dma_channels'] === n)!;
  t.is(Math.round(num(at('2'), 'goodput_bps') / num(at('1'), 'goodput_bps')), 2, 'two channels double the rate');
  t.true(
    prose.includes(
      `from four the pool has room (${percent(num(at('4'), 'bottleneck_utilization'))}, then ${percent(num(at('8'), 'bottleneck_utilization'))})`,
    ),
  );
  const tx = sweep('tx-credits');
  const [one, last] = [tx[0]!, tx.at(-1)!];
  t.is(last['bottleneck'], 'device.networkChannel');
  t.true(prose.includes(`the link is named, ${percent(num(last, 'bottleneck_utilization'))} busy`));
  t.true(
    prose.includes(
      `goodput (${goodput(one)} Gbit/s at one credit against ${goodput(last)} at ${last['record_layer.tx_credits']}, in the CSV)`,
    ),
  );
  const crypto = sweep('crypto-credits');
  t.is(Math.round((3 * num(crypto[0]!, 'goodput_bps')) / num(crypto.at(-1)!, 'goodput_bps')), 2, 'two thirds');
  t.true(prose.includes('sets the rate at about two thirds of the offered load'));
  const yaml = readFileSync(join(ROOT, 'spec/hw/record_layer.yaml'), 'utf8');
  for (const name of ['rx_credits', 'crypto_credits'])
    t.is(new RegExp(`- name: ${name}\\n(?:\\s+\\w+: .*\\n)*?\\s+default: (\\d+)`).exec(yaml)?.[1], '256', name);
  t.true(prose.includes('Both default to 256'));
  t.true(prose.includes('tests/docs/hwmodel-sweeps-tables.test.ts'), 'the section names this test');
});

// The first and the last value: the CSV's columns are the first row's modules (one channel: no per-channel ones).
test('section 9: the model still writes dma-channels-sweep.csv (its command, rerun for the first and last values)', (t) => {
  const all = sweep('dma-channels');
  const saved = [all[0]!, all.at(-1)!];
  t.deepEqual(
    rerunSweep(
      part('dma-channels'),
      saved.map((r) => r['crypto_engine.dma_channels']!),
    ),
    saved,
  );
});
