/**
 * The docs' sweep plots (docs/hwmodel/*-sweep.svg) are drawn from the CSVs their tables are checked against:
 * scripts/sweep-plots.ts --check redraws each from its CSV (cli/sweep-plot-csv.ts, the code `--plot` draws through)
 * and fails on any plot that differs, so a plot edited, drawn from another column or left behind by a rerun CSV fails
 * here. The lanes plot's bar labels are the table's goodput, and no whisker reaches below the axis.
 */
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sweepPlotSvg } from '../../hwmodel/trace/index.js';
import { csvRows, ROOT } from './sweep-csv.js';

test('every sweep plot under docs/hwmodel is its CSV redrawn', (t) => {
  const run = spawnSync(process.execPath, ['--import=tsx', join(ROOT, 'scripts/sweep-plots.ts'), '--check'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  t.is(run.status, 0, run.stderr);
  t.regex(run.stdout, /^8 sweep plots checked$/m);
});

test("the lanes plot's bars are the table's goodput (goodput_bps), not the goodput over the run", (t) => {
  const svg = readFileSync(join(ROOT, 'docs/hwmodel/lanes-sweep.svg'), 'utf8');
  const bars = [...svg.matchAll(/fill="#123a66">([^<]+)</g)].map((m) => m[1]);
  const rows = csvRows(join(ROOT, 'docs/hwmodel/lanes-sweep.csv'));
  t.deepEqual(
    bars,
    rows.map((r) => (Number(r['goodput_bps']) / 1e9).toFixed(1)),
  );
  t.is(bars.length, 4, 'one bar a lane count');
});

test('a whisker whose interval passes below zero is clipped at the axis, and the caption says so', (t) => {
  const svg = sweepPlotSvg({
    title: 't',
    parameter: 'p',
    goodputUnit: 'Gbit/s',
    goodputScale: 1e9,
    latencyUnit: 'µs',
    latencyScale: 1,
    points: [
      {
        label: '1',
        goodput: { mean: 2e9, halfWidth: 9e9 },
        latency: { mean: 10, halfWidth: 40 },
        bottleneck: null,
        bottleneckUtilization: 1,
      },
      {
        label: '2',
        goodput: { mean: 20e9, halfWidth: 1e9 },
        latency: { mean: 50, halfWidth: 5 },
        bottleneck: null,
        bottleneckUtilization: 1,
      },
    ],
  });
  const axis = Number(/<line x1="80" y1="([\d.]+)" x2="730" y2="[\d.]+" stroke="#333"\/>/.exec(svg)![1]);
  const lines = [...svg.matchAll(/<line [^>]*y1="([-\d.]+)"[^>]*y2="([-\d.]+)"[^>]*stroke="#(?:123a66|c0392b)"\/>/g)];
  t.true(lines.length >= 6, 'whiskers drawn');
  for (const m of lines) t.true(Number(m[1]) <= axis && Number(m[2]) <= axis, `a whisker ends below the axis: ${m[0]}`);
  t.regex(svg, /clipped at 0/);
});
