/**
 * The tables `dtls13 size --plot DIR` draws, as CSV: the search (each
 * configuration run, in order, with its knobs, its area, whether it met the
 * SLOs and what the search did; the answer's row marked) and the
 * sensitivity table (each knob a step down and up, each cost × 0.8 and
 * × 1.2: p99, drops, met, swing). Both come from the result the printed
 * report comes from (the steps' lines and the sensitivity table), and the
 * plots (size-plot-svg.ts) are drawn from this CSV text, read back, so a
 * plot cannot show what its CSV does not hold.
 */
import { ConfigError } from '../runtime/config-error.js';
import { KNOBS, type DeviceKnobs, type KnobName } from '../hwmodel/sizing/workload/device.js';
import type { WorkloadSizing } from '../hwmodel/sizing/workload/workload-search.js';

/** The knobs' column names in the search CSV. */
const KNOB_COLUMNS: Readonly<Record<KnobName, string>> = {
  lanes: 'lanes',
  pkLanes: 'pk_lanes',
  dmaChannels: 'dma_channels',
  pipelineDepth: 'pipeline_depth',
  rxRingDepth: 'rx_ring_depth',
  txRingDepth: 'tx_ring_depth',
  keySlots: 'key_slots',
  memChannels: 'mem_channels',
  pcieLanes: 'pcie_lanes',
};

export const SEARCH_COLUMNS = [
  'step',
  ...KNOBS.map((k) => KNOB_COLUMNS[k]),
  'area',
  'area_unit',
  'met',
  'limiting_metric',
  'limiting_mean',
  'answer',
  'action',
] as const;

export const SENSITIVITY_COLUMNS = [
  'what',
  'low',
  'low_p99_us',
  'low_drop',
  'low_met',
  'high',
  'high_p99_us',
  'high_drop',
  'high_met',
  'swing',
  'slo_p99_us',
] as const;

type Cell = string | number | boolean;

const cell = (v: Cell): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: readonly string[], rows: readonly Cell[][]): string =>
  `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\n')}\n`;

const sameKnobs = (a: DeviceKnobs, b: DeviceKnobs): boolean => KNOBS.every((k) => a[k] === b[k]);

/** What a step's area is in: the FPGA objective when the answer was weighed by it, else the cost's unit. */
function areaUnit(r: WorkloadSizing): string {
  if (r.answer?.fpgaFit !== undefined) return '% of the part (summed)';
  return r.answer?.cost.areaUnit ?? 'area';
}

/** The search as CSV: one row a configuration run; `answer` true on the last run of the answer's knobs. */
export function searchCsv(r: WorkloadSizing): string {
  const a = r.answer;
  let answerStep = -1;
  if (a !== undefined) r.steps.forEach((s, i) => sameKnobs(s.knobs, a.knobs) && (answerStep = i));
  const unit = areaUnit(r);
  return csv(
    SEARCH_COLUMNS,
    r.steps.map((s, i) => [
      i + 1,
      ...KNOBS.map((k): Cell => s.knobs[k]),
      s.area,
      unit,
      s.verdict.met,
      s.verdict.limiting.metric,
      s.verdict.limiting.measured.mean,
      i === answerStep,
      s.action,
    ]),
  );
}

/** The sensitivity table as CSV, with the p99 SLO (to the wire, µs; empty when there is none) on every row. */
export function sensitivityCsv(r: WorkloadSizing): string {
  return csv(
    SENSITIVITY_COLUMNS,
    r.sensitivity.map((s) => [
      s.what,
      s.low.label,
      s.low.p99Us,
      s.low.dropProbability,
      s.low.met,
      s.high.label,
      s.high.p99Us,
      s.high.dropProbability,
      s.high.met,
      s.swing,
      r.slos.p99Us ?? '',
    ]),
  );
}

/** The cells of one CSV line (RFC 4180 quoting). */
function cells(line: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let v = '';
      at++;
      for (;;) {
        const close = line.indexOf('"', at);
        if (close < 0) throw new ConfigError('csv', `a quoted cell without its closing quote: ${line}`);
        v += line.slice(at, close);
        at = close + 1;
        if (line[at] !== '"') break;
        v += '"';
        at++;
      }
      out.push(v);
    } else {
      const comma = line.indexOf(',', at);
      out.push(line.slice(at, comma < 0 ? line.length : comma));
      at = comma < 0 ? line.length : comma;
    }
    if (at >= line.length) return out;
    at++;
  }
}

/** The rows of a CSV with `columns` (each by its name); a ConfigError naming a missing column or a short row. */
export function csvRecords(text: string, columns: readonly string[]): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = cells(header ?? '');
  for (const c of columns)
    if (!names.includes(c)) throw new ConfigError('csv', `a '${c}' column, got columns ${names.join(',')}`);
  return lines.map((line, i) => {
    const values = cells(line);
    if (values.length !== names.length)
      throw new ConfigError('csv', `row ${i + 2}: ${names.length} cells, got ${values.length}`);
    return Object.fromEntries(names.map((n, j) => [n, values[j]!]));
  });
}

/** A CSV number: `inf` is Infinity; anything else not a number is a ConfigError naming the column and row. */
export function csvNumber(row: Record<string, string>, column: string): number {
  const v = row[column] ?? '';
  const n = v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '' ? NaN : Number(v);
  if (Number.isNaN(n)) throw new ConfigError('csv', `'${column}' must be a number, got '${v}'`);
  return n;
}
