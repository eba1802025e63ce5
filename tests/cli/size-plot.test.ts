/**
 * `dtls13 size --plot DIR` on a small search with a seed (seconds): the CSVs it writes hold what the report prints
 * (each configuration line of the search, each row of the sensitivity table), and each SVG beside its CSV draws that
 * CSV: every point's value and position are its row's (tests/support/size-plot-data.ts), and the SVG is well-formed.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvNumber, csvRecords, SEARCH_COLUMNS, SENSITIVITY_COLUMNS } from '../../cli/size-plot-csv.js';
import { checkSearchPlot, checkSensitivityPlot } from '../support/size-plot-data.js';
import { xmlFault } from '../support/xml-well-formed.js';
import { CLI_ARGS } from './cli-process.js';

const SMALL = [
  'size',
  ...'--gbps 1 --mix imix --handshake psk --handshakes 1000 --sessions 100 --window 20 --warmup 5 --replications 2 --seed 8 --slo-drop 1e-3'.split(
    ' ',
  ),
];

const dir = mkdtempSync(join(tmpdir(), 'dtls13-size-plot-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const run = spawnSync(process.execPath, [...CLI_ARGS, ...SMALL, '--plot', join(dir, 'plots')], {
  encoding: 'utf8',
});
const read = (name: string): string => readFileSync(join(dir, 'plots', name), 'utf8');

/** A figure as printed (grouped, rounded, `4.41e-4`, `∞`) close enough to the CSV's full-precision one. */
const printedMatches = (printed: string, value: number): boolean =>
  printed === '∞'
    ? value === Infinity
    : Math.abs(Number(printed.replace(/,/g, '')) - value) <= Math.max(Math.abs(value) * 5e-4, 0.5e-9);

test('--plot writes the search and the sensitivity table, each as CSV with its SVG', (t) => {
  t.is(run.status, 0, run.stderr);
  t.deepEqual(readdirSync(join(dir, 'plots')).sort(), [
    'search.csv',
    'search.svg',
    'sensitivity.csv',
    'sensitivity.svg',
  ]);
  t.regex(run.stdout, /^Plots written to .*: search\.csv, search\.svg, sensitivity\.csv, sensitivity\.svg$/m);
});

test("search.csv is the report's configuration lines, search.svg draws it", (t) => {
  const printed = [...run.stdout.matchAll(/^ {2}\[(.*)\] area ([\d,]+): (\w+) [^;]*; (.*)$/gm)];
  const rows = csvRecords(read('search.csv'), SEARCH_COLUMNS);
  t.true(rows.length >= 3, `a search of several configurations: ${rows.length}`);
  t.is(rows.length, printed.length, 'one row a printed configuration');
  rows.forEach((r, i) => {
    const [, knobs, area, metric, action] = printed[i]!;
    t.is(
      knobs,
      `lanes ${r['lanes']}, pk ${r['pk_lanes']}, dma ${r['dma_channels']}, pipe ${r['pipeline_depth']}, ring ${r['rx_ring_depth']}, tx ${r['tx_ring_depth']}, slots ${r['key_slots']}, mem ${r['mem_channels']}, pcie x${r['pcie_lanes']}`,
    );
    t.is(area, Math.round(csvNumber(r, 'area')).toLocaleString('en-US'));
    t.is(metric, r['limiting_metric']);
    t.is(action, r['action']);
  });
  const answer = rows.filter((r) => r['answer'] === 'true');
  t.is(answer.length, 1);
  t.regex(
    run.stdout,
    new RegExp(`^Answer: met at ${Math.round(csvNumber(answer[0]!, 'area')).toLocaleString('en-US')} `, 'm'),
  );
  const svg = read('search.svg');
  t.is(xmlFault(svg), undefined);
  checkSearchPlot(t, svg, read('search.csv'));
});

test("sensitivity.csv is the report's sensitivity table, sensitivity.svg draws it", (t) => {
  const table = run.stdout.slice(run.stdout.indexOf('\nSensitivity at the answer'));
  const printed = [
    ...table.matchAll(/^ {2}(\w+) +(.+?) +(\S+) +(\S+) (yes|no) +(.+?) +(\S+) +(\S+) (yes|no) +(\S+)$/gm),
  ];
  const rows = csvRecords(read('sensitivity.csv'), SENSITIVITY_COLUMNS);
  t.true(rows.length >= 3, `a sensitivity table: ${rows.length} rows`);
  t.is(rows.length, printed.length, 'one row a printed row');
  rows.forEach((r, i) => {
    const [, what, low, lowP99, lowDrop, lowMet, high, highP99, highDrop, highMet, swing] = printed[i]!;
    t.deepEqual(
      [what, low, lowMet, high, highMet],
      [r['what'], r['low'], r['low_met'] === 'true' ? 'yes' : 'no', r['high'], r['high_met'] === 'true' ? 'yes' : 'no'],
    );
    for (const [p, column] of [
      [lowP99, 'low_p99_us'],
      [lowDrop, 'low_drop'],
      [highP99, 'high_p99_us'],
      [highDrop, 'high_drop'],
      [swing, 'swing'],
    ] as const)
      t.true(printedMatches(p!, csvNumber(r, column)), `${what} ${column}: printed ${p}, CSV ${r[column]}`);
  });
  const svg = read('sensitivity.svg');
  t.is(xmlFault(svg), undefined);
  checkSensitivityPlot(t, svg, read('sensitivity.csv'));
});

test('--plot into a folder that cannot be made is a usage error before the search', (t) => {
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  const blocked = spawnSync(process.execPath, [...CLI_ARGS, ...SMALL, '--plot', join(file, 'plots')], {
    encoding: 'utf8',
  });
  t.is(blocked.status, 2);
  t.true(blocked.stderr.includes(`--plot ${join(file, 'plots')}: `), blocked.stderr);
  t.notRegex(blocked.stdout, /Configurations run/);
});
