/**
 * A sweep's plot drawn from its CSV (the text `sweepCsv` writes, the file
 * the docs' tables are checked against), so that a plot and a table made
 * from the same run cannot disagree: `dtls13 simulate --sweep ... --plot`
 * draws through here, and scripts/sweep-plots.ts redraws the docs' plots
 * from their CSVs. The bars are `goodput_bps` with `goodput_bps_ci95`
 * (goodput per second of data transfer, the tables' column), the line
 * `handshake_p50_us` with its interval; when any value dropped data, each
 * point also marks `run_goodput_bps` (bits over the whole run).
 */
import { ConfigError } from '../runtime/config-error.js';
import { sweepPlotSvg, type PlotPoint } from '../hwmodel/trace/index.js';

/** What the CSV does not hold: the plot's title and the line under it. */
export interface PlotText {
  readonly title: string;
  readonly subtitle?: string;
}

const COLUMNS = [
  'goodput_bps',
  'goodput_bps_ci95',
  'handshake_p50_us',
  'handshake_p50_us_ci95',
  'run_goodput_bps',
  'dropped',
  'bottleneck',
  'bottleneck_utilization',
] as const;

/** The points of a sweep CSV: one per row, the swept parameter the first column. */
export function plotPointsFromCsv(csv: string): { parameter: string; points: PlotPoint[] } {
  const [header, ...lines] = csv.trim().split('\n');
  const names = (header ?? '').split(',');
  const parameter = names[0];
  if (parameter === undefined || parameter === '') throw new ConfigError('csv', 'a sweep CSV with a header line');
  for (const c of COLUMNS)
    if (!names.includes(c)) throw new ConfigError('csv', `a sweep CSV with a '${c}' column, got ${names.join(',')}`);
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
  const num = (r: Record<string, string>, c: string): number => {
    const v = r[c] ?? '';
    const n = v === '' ? 0 : Number(v);
    if (!Number.isFinite(n)) throw new ConfigError('csv', `'${c}' must be a number, got '${v}'`);
    return n;
  };
  const dropped = rows.some((r) => num(r, 'dropped') > 0);
  const points = rows.map((r): PlotPoint => ({
    label: r[parameter]!,
    goodput: { mean: num(r, 'goodput_bps'), halfWidth: num(r, 'goodput_bps_ci95') },
    latency: { mean: num(r, 'handshake_p50_us'), halfWidth: num(r, 'handshake_p50_us_ci95') },
    bottleneck: r['bottleneck'] === '' ? null : r['bottleneck']!,
    bottleneckUtilization: num(r, 'bottleneck_utilization'),
    dropped: num(r, 'dropped'),
    ...(dropped ? { runGoodput: num(r, 'run_goodput_bps') } : {}),
  }));
  return { parameter, points };
}

/** The SVG of a sweep CSV. */
export function sweepPlotFromCsv(csv: string, text: PlotText): string {
  const { parameter, points } = plotPointsFromCsv(csv);
  return sweepPlotSvg({
    title: text.title,
    ...(text.subtitle === undefined ? {} : { subtitle: text.subtitle }),
    parameter,
    goodputUnit: 'Gbit/s',
    goodputScale: 1e9,
    latencyUnit: 'µs',
    latencyScale: 1,
    points,
  });
}
