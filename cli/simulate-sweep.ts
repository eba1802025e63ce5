/**
 * `dtls13 simulate --sweep module.param=v1,v2,… [--replications N]`: one run
 * per value and seed, printed as a table of means with 95% intervals and
 * the bottleneck under each value; `--csv` and `--json` write the rows,
 * `--plot` an SVG of goodput and handshake latency against the value with
 * the bottleneck marked.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runSweep, type Interval, type SweepPoint, type SweepRow } from '../hwmodel/model/sweep.js';
import type { TimingProfile } from '../hwmodel/timing/index.js';
import { sweepPlotFromCsv } from './sweep-plot-csv.js';
import type { RunPlan } from './simulate-args.js';
import { describe, openOutput, simulationOptions, tooLong } from './simulate-run.js';
import { planOptions } from './simulate-output.js';
import { hostParams } from './simulate-set.js';
import type { Engine } from '../hwmodel/timing/engine-file.js';
import { powerAreaFigures, runPowerArea } from '../hwmodel/sizing/power-area.js';

const fmt = (i: Interval, scale: number, digits: number): string =>
  i.halfWidth > 0
    ? `${(i.mean / scale).toFixed(digits)} ± ${(i.halfWidth / scale).toFixed(digits)}`
    : (i.mean / scale).toFixed(digits);

/**
 * The line under the table: what the ± figures are, or, when replications
 * came out identical (nothing drew on the seed), that there is no interval
 * to give rather than a zero-width one.
 */
export function sweepNote(rows: readonly SweepRow[], replications: number): string {
  const bottleneck = 'the bottleneck is the device module (or link) the report names in most replications.';
  if (replications < 2) return `One run per value: no intervals (--replications N gives 95% ones); ${bottleneck}\n`;
  const same = rows.filter((r) => r.identical);
  const why =
    `nothing in the run's timing drew on the seed (it moves --rate arrivals and --loss and jitter draws; the connections' random bytes change no time), ` +
    'so there is no interval: the figures are exact for this workload. Add --rate or --loss for replications that differ, or run once.';
  if (same.length === rows.length)
    return `The ${replications} replications gave identical reports, figure for figure: ${why}\n`;
  const marked = same.length === 0 ? '' : ` Rows marked * had identical replications, figure for figure: ${why}`;
  return `Intervals are 95% (Student t over the replications); ${bottleneck}${marked}\n`;
}

/** The sweep's rows as a text table. */
export function sweepTable(parameter: string, rows: readonly SweepRow[]): string {
  const head = [
    parameter,
    'Goodput (Gbit/s)',
    'Records/s (k)',
    'Over run (Gbit/s)',
    'Delivered',
    'Handshake p50 (µs)',
    'Done p99 (µs)',
    'Dropped',
    'Held back',
    'Bottleneck',
    'Util.',
  ];
  const mark = rows.some((r) => r.identical) && !rows.every((r) => r.identical);
  const body = rows.map((r) => [
    mark && r.identical ? `${r.label} *` : r.label,
    fmt(r.goodputBitsPerSecond, 1e9, 2),
    fmt(r.recordsPerSecond, 1e3, 1),
    fmt(r.runGoodputBitsPerSecond, 1e9, 2),
    fmt(r.delivered, 1, 0),
    fmt(r.handshakeP50Us, 1, 0),
    fmt(r.completionP99Us, 1, 0),
    fmt(r.dropped, 1, 0),
    fmt(r.heldBack, 1, 0),
    (r.bottleneck ?? 'none').replace(/^device\./, ''),
    fmt(r.bottleneckUtilization, 0.01, 0) + '%',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i === 9 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `${[line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')}\n`;
}

/** The rows as CSV: one line per value, means and interval half-widths (empty when the replications were identical), the bottleneck and every module's utilization. */
export function sweepCsv(parameter: string, rows: readonly SweepRow[]): string {
  const modules = Object.keys(rows[0]?.utilization ?? {});
  const figureNames = Object.keys(rows[0]?.figures ?? {});
  const head = [
    parameter,
    'goodput_bps',
    'goodput_bps_ci95',
    'records_per_s',
    'records_per_s_ci95',
    'handshake_p50_us',
    'handshake_p50_us_ci95',
    'run_goodput_bps',
    'delivered',
    'completion_p99_us',
    'dropped',
    'held_back',
    'bottleneck',
    'bottleneck_utilization',
    'replications',
    'replications_identical',
    ...modules.map((m) => `util_${m}`),
    ...figureNames.flatMap((f) => [f, `${f}_ci95`]),
  ];
  // Identical replications have no interval: its columns are left empty, not 0.
  const ci = (r: SweepRow, i: Interval): number | string => (r.identical ? '' : i.halfWidth);
  const lines = rows.map((r) =>
    [
      r.label,
      r.goodputBitsPerSecond.mean,
      ci(r, r.goodputBitsPerSecond),
      r.recordsPerSecond.mean,
      ci(r, r.recordsPerSecond),
      r.handshakeP50Us.mean,
      ci(r, r.handshakeP50Us),
      r.runGoodputBitsPerSecond.mean,
      r.delivered.mean,
      r.completionP99Us.mean,
      r.dropped.mean,
      r.heldBack.mean,
      r.bottleneck ?? '',
      r.bottleneckUtilization.mean,
      r.goodputBitsPerSecond.values.length,
      r.identical,
      ...modules.map((m) => r.utilization[m]?.mean ?? 0),
      ...figureNames.flatMap((f) => [r.figures[f]?.mean ?? '', r.figures[f] === undefined ? '' : ci(r, r.figures[f])]),
    ].join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

/** The runs' own figures (an engine's power and area) per value, when there are any. */
export function figuresTable(parameter: string, rows: readonly SweepRow[]): string {
  const names = Object.keys(rows[0]?.figures ?? {});
  if (names.length === 0) return '';
  const head = [parameter, ...names];
  const body = rows.map((r) => [
    r.label,
    ...names.map((n) => (r.figures[n] === undefined ? '' : fmt(r.figures[n], 1, n.startsWith('power') ? 3 : 0))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return `Power (W: power_w, the units' dynamic power in the steady window and their leakage, power_w_static) and area of the engine:\n${[line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')}\n\n`;
}

export function runSweepCommand(plan: RunPlan, profile: TimingProfile, engine?: Engine): number {
  const outputs = { '--csv': plan.csvFile, '--plot': plan.plotFile, '--json': plan.jsonFile } as const;
  for (const [option, path] of Object.entries(outputs)) if (path !== undefined) openOutput(option, resolve(path));
  const parameter = plan.sweep?.path ?? 'configuration';
  const points: SweepPoint[] =
    plan.sweep === undefined
      ? [{ label: plan.settings.map((s) => `${s.path}=${s.text}`).join(' ') || 'as given', device: {} }]
      : plan.sweep.settings.map((s) => ({ label: s.text, device: hostParams([s]) }));
  process.stdout.write(describe(plan, profile));
  process.stdout.write(
    `${points.length} value${points.length === 1 ? '' : 's'} of ${parameter} × ${plan.replications} replication(s) (seeds ${plan.seed}..${plan.seed + plan.replications - 1})\n`,
  );
  let rows: SweepRow[];
  const t0 = performance.now();
  try {
    rows = runSweep(
      simulationOptions(plan, profile),
      points,
      plan.replications,
      (point, r) => {
        if (!plan.quiet) process.stderr.write(`  ${parameter}=${point.label} seed ${plan.seed + r} done\n`);
      },
      // An engine's power and area are figures of each run like any other (hwmodel/sizing).
      engine === undefined ? undefined : (result, device) => powerAreaFigures(runPowerArea(engine, device, result)),
    );
  } catch (e) {
    throw tooLong(e);
  }
  process.stdout.write(`\n${sweepTable(parameter, rows)}\n${figuresTable(parameter, rows)}`);
  process.stdout.write(sweepNote(rows, plan.replications));
  process.stdout.write(
    `${rows.length * plan.replications} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s wall time\n`,
  );
  if (plan.csvFile !== undefined) {
    writeFileSync(resolve(plan.csvFile), sweepCsv(parameter, rows));
    process.stdout.write(`CSV written to ${resolve(plan.csvFile)}\n`);
  }
  if (plan.jsonFile !== undefined) {
    const doc = {
      format: 'dtls13-sweep',
      version: 1,
      parameter,
      replications: plan.replications,
      seed: plan.seed,
      options: planOptions(plan),
      profile: profile.metadata,
      rows,
    };
    writeFileSync(resolve(plan.jsonFile), `${JSON.stringify(doc, null, 2)}\n`);
    process.stdout.write(`JSON written to ${resolve(plan.jsonFile)}\n`);
  }
  if (plan.plotFile !== undefined) {
    // Drawn from the CSV text itself, so the plot shows what the CSV (and a table made from it) holds.
    const svg = sweepPlotFromCsv(sweepCsv(parameter, rows), {
      title: `Goodput and handshake latency against ${parameter}`,
      subtitle: `${plan.connections} connections × ${plan.records} records of ${plan.payloadBytes} B, ${plan.hwAccel ? 'accelerated' : 'software'} crypto engine, ${plan.replications} replication(s)`,
    });
    writeFileSync(resolve(plan.plotFile), svg);
    process.stdout.write(`Plot written to ${resolve(plan.plotFile)}\n`);
  }
  return 0;
}
