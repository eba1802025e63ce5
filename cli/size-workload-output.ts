/**
 * What `dtls13 size` prints for a workload, in forms a reviewer can paste:
 * the text report (the steps with their bottleneck proofs, the answer, the
 * SLO tables, the cost with each figure's basis, the caveats, the
 * sensitivity table) and one CSV holding the SLO, cost and sensitivity
 * tables (a `section` column says which).
 */
import type { Interval } from '../hwmodel/model/sweep.js';
import { KNOB_SPEC_NAMES, KNOBS, type DeviceKnobs } from '../hwmodel/sizing/workload/device.js';
import type { SloRow, SloVerdict } from '../hwmodel/sizing/workload/slo.js';
import { anyEvents } from '../hwmodel/sizing/workload/protocol-events.js';
import { protocolText } from '../hwmodel/sizing/workload/protocol-figures.js';
import { meanRecordBytes } from '../hwmodel/sizing/workload/traffic.js';
import { deviceCostText } from '../hwmodel/sizing/device-cost-text.js';
import { mhzText } from '../hwmodel/timing/engine-clock.js';
import { fpgaDeviceCostText } from '../hwmodel/sizing/fpga-cost.js';
import { FPGA_RESOURCES, fpgaFitText } from '../hwmodel/sizing/fpga-fit.js';
import type { SearchStep, WorkloadSizing } from '../hwmodel/sizing/workload/workload-search.js';
import { estimateVerdict, type EstimateRow } from '../hwmodel/sizing/workload/estimate-sensitivity.js';

const METRIC_TEXT: Readonly<Record<SloRow['metric'], string>> = {
  dropProbability: 'drop probability (steady)',
  p99Us: 'record latency p99 to the wire (µs)',
  p999Us: 'record latency p99.9 to the wire (µs)',
  handshakesPerSecond: 'handshakes/s kept up with',
  burstDropProbability: 'drop probability (burst)',
};

const num = (v: number): string =>
  !Number.isFinite(v)
    ? '∞'
    : v === 0
      ? '0'
      : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e7
        ? v.toExponential(2)
        : Math.abs(v) >= 1000
          ? Math.round(v).toLocaleString('en-US')
          : v
              .toPrecision(4)
              .replace(/(\.\d*?)0+$/, '$1')
              .replace(/\.$/, '');
const iv = (i: Interval): string => (i.halfWidth > 0 ? `${num(i.mean)} ± ${num(i.halfWidth)}` : num(i.mean));

/** The knobs as `--set` settings. */
export function knobSettings(k: DeviceKnobs): string {
  return KNOBS.map((n) => `${KNOB_SPEC_NAMES[n].replace(/ /g, '_')}=${k[n]}`).join(' ');
}

function knobsShort(k: DeviceKnobs): string {
  return `lanes ${k.lanes}, pk ${k.pkLanes}, dma ${k.dmaChannels}, pipe ${k.pipelineDepth}, ring ${k.rxRingDepth}, tx ${k.txRingDepth}, slots ${k.keySlots}, mem ${k.memChannels}, pcie x${k.pcieLanes}`;
}

const STATUS_TEXT: Readonly<Record<SloRow['status'], string>> = {
  met: 'met',
  'not met': 'NOT MET',
  'not resolved': 'NOT RESOLVED',
};

/** The SLO table: each row's limit, the seeds' values, its bound, status, the records behind it (of those needed) and its method. */
export function sloTable(v: SloVerdict, title: string): string {
  const lines = v.rows.map(
    (r) =>
      `  ${METRIC_TEXT[r.metric].padEnd(37)} ${(r.direction === 'at most' ? '≤ ' : '≥ ') + num(r.limit)}`.padEnd(52) +
      ` ${iv(r.measured).padEnd(22)} bound ${num(r.bound).padEnd(10)} ${STATUS_TEXT[r.status]}${r === v.limiting ? ' (limiting)' : ''}\n` +
      `      ${num(r.records)} ${r.metric === 'handshakesPerSecond' ? 'handshakes' : 'records'}${r.recordsNeeded > 0 ? ` (${num(r.recordsNeeded)} needed to resolve it)` : ''}; ${r.method}`,
  );
  return `${title} (95% bounds; accepted at the conservative end, "bound"):\n${lines.join('\n')}\n`;
}

/** One search step as a line, with its proof's growths. */
export function stepText(s: SearchStep): string {
  const head = `  [${knobsShort(s.knobs)}] area ${Math.round(s.area).toLocaleString('en-US')}: ${s.verdict.limiting.metric} ${iv(s.verdict.limiting.measured)}; ${s.action}`;
  if (s.proof === undefined) return head;
  const g = s.proof.growths.map(
    (x) =>
      `${x.knob} ${x.from}→${x.to}: ${x.metric} ${(x.improvement.mean * 100).toFixed(1)}%${x.moved ? '' : ' (did not move)'}`,
  );
  return `${head}\n      grown one step each${s.proof.method === undefined ? '' : ` (${s.proof.method})`}: ${g.join('; ')}`;
}

/** The whole report after the steps. */
export function workloadAnswerText(r: WorkloadSizing): string {
  const out: string[] = [];
  const a = r.answer;
  if (a === undefined) {
    out.push(`No configuration found: ${r.verdict}`);
  } else {
    out.push(
      `Answer: ${r.verdict}`,
      `  --set ${knobSettings(a.knobs).split(' ').join(' --set ')}`,
      `  at ${mhzText(r.costs.clockPeriodPs)} (crypto_engine.clock_period=${r.costs.clockPeriodPs}ps): the reviewer's input, not searched (caveats)`,
      ...(r.estimates.length > 0 ? [`  Estimates: ${estimateVerdict(r.estimates)}`] : []),
    );
    out.push(
      '',
      sloTable(
        a.atMargin,
        `SLOs at the sizing load (× ${1 + r.slos.margin}, margin ${(r.slos.margin * 100).toFixed(0)}%)`,
      ),
    );
    out.push(sloTable(a.atTarget, 'SLOs at the target load'));
    out.push(`Delivered at the target load: ${a.deliveredGbps.toFixed(2)} Gbit/s (both directions, the steady window)`);
    out.push(
      `Record latency at the target load, to DMA out: p99 ${num(a.dmaOutP99Us)} µs; to the wire (the TX ring and the egress link included): p99 ${num(a.atTarget.rows.find((x) => x.metric === 'p99Us')?.measured.mean ?? NaN)} µs`,
    );
    if (r.traffic.burstFactor > 1)
      out.push(
        r.slos.burstDropProbability === undefined
          ? 'The burst is NOT held to an SLO (--slo-burst-drop none): its drops below are reported, not sized for'
          : `The burst is held to an SLO of its own: drops ≤ ${num(r.slos.burstDropProbability)} in the burst and its recovery (--slo-burst-drop)`,
      );
    if (a.burst !== undefined) {
      const by = KNOBS.filter((k) => a.burst!.dropsBy[k] > 0).map((k) => `${k} ${num(a.burst!.dropsBy[k])}`);
      out.push(
        `Burst (× ${r.traffic.burstFactor} for ${r.traffic.burstUs} µs, and a recovery as long), apart from the steady window, at the target load: ` +
          `drop probability ${num(a.burst.dropProbability)}, p99 ${num(a.burst.p99Us)} µs${by.length > 0 ? `; drops charged to ${by.join(', ')}` : ''}`,
      );
    }
    out.push(
      `Utilization at the target load: ${KNOBS.map((k) => `${k} ${(a.utilization[k] * 100).toFixed(0)}%${k === 'keySlots' ? ' hits' : ''}`).join(', ')}`,
    );
    // The SLO rows above are the genuine records'; the events' own figures, when the question names any.
    if (anyEvents(r.traffic.events))
      out.push(
        `Protocol events at the target load (steady windows, every seed): ${protocolText(a.protocol, a.laneUs)}`,
      );
    const c = a.cost;
    out.push(
      '',
      `Cost (lower bound): ${Math.round(c.area).toLocaleString('en-US')} ${c.areaUnit}; power ${c.powerW === undefined ? 'not given' : `${c.powerW.toFixed(3)} W`} at the target load`,
    );
    for (const l of c.lines)
      out.push(
        `  ${l.part.padEnd(20)} ${String(l.count).padStart(8)} × ${l.perUnit.toFixed(2).padStart(8)} = ${Math.round(l.area).toLocaleString('en-US').padStart(9)} ${c.areaUnit}  ${l.basis}: ${l.source}`,
      );
    out.push(
      `  power: lanes' dynamic ${c.dynamicW === undefined ? 'not given' : `${c.dynamicW.toFixed(3)} W`} (at the target load's utilization) + leakage of the whole area ${c.staticW === undefined ? 'not given' : `${c.staticW.toFixed(3)} W`}`,
    );
    if (a.wholeDevice !== undefined)
      out.push(
        '',
        'The whole device at the answer (every part, each operation at its own energy at the target load; docs/hwmodel-device-cost.md):',
        deviceCostText(a.wholeDevice).trimEnd(),
      );
    if (a.fpgaDevice !== undefined)
      out.push(
        '',
        "The whole device at the answer in the FPGA's resources (spec/hw/costs/<engine>.resources.yaml; power at the target load):",
        fpgaDeviceCostText(a.fpgaDevice).trimEnd(),
      );
    if (a.fpgaFit !== undefined) out.push(`  The whole device ${fpgaFitText(a.fpgaFit)}`);
    if (a.nextBottleneck !== undefined) {
      const n = a.nextBottleneck;
      out.push(
        '',
        `What binds next (${n.metrics.join(', ')}, each knob grown one step at the answer): ${n.named ?? 'no knob moves it'}; ` +
          n.growths.map((g) => `${g.knob} ${(g.improvement.mean * 100).toFixed(1)}%`).join(', '),
      );
    }
  }
  if (r.sensitivity.length > 0) {
    out.push(
      '',
      `Sensitivity at the answer under the sizing load, on screening runs (${r.plan.screen.replications} × ${r.plan.screen.windowUs} µs; "met": passes the screen, not an acceptance; each row: one knob a step down | up, or one cost × 0.8 | × 1.2):`,
    );
    out.push(
      `  ${'what'.padEnd(16)} ${'low'.padEnd(10)} ${'p99 µs'.padStart(9)} ${'drops'.padStart(9)} met   ${'high'.padEnd(10)} ${'p99 µs'.padStart(9)} ${'drops'.padStart(9)} met   swing`,
    );
    for (const s of r.sensitivity)
      out.push(
        `  ${s.what.padEnd(16)} ${s.low.label.padEnd(10)} ${num(s.low.p99Us).padStart(9)} ${num(s.low.dropProbability).padStart(9)} ${(s.low.met ? 'yes' : 'no').padEnd(5)} ` +
          `${s.high.label.padEnd(10)} ${num(s.high.p99Us).padStart(9)} ${num(s.high.dropProbability).padStart(9)} ${(s.high.met ? 'yes' : 'no').padEnd(5)} ${num(s.swing)}`,
      );
  }
  if (r.estimates.length > 0) out.push('', ...estimateText(r.estimates, r.plan.screen));
  out.push('', `Method: ${r.method}`, 'Caveats:', ...r.caveats.map((c) => `  - ${c}`));
  return `${out.join('\n')}\n`;
}

/** The estimates table: each at its range's ends, the answer's device under the sizing load (timing) or priced (cost). */
export function estimateText(rows: readonly EstimateRow[], screen: WorkloadSizing['plan']['screen']): string[] {
  const out = [
    `Estimates the answer rests on, each at its range's ends (spec/hw \`range:\`), the answer's device unchanged: cycle estimates run at the sizing load on screening runs (${screen.replications} × ${screen.windowUs} µs, 2 runs an estimate; "met": passes the screen, not an acceptance), cost estimates priced at the target load (no run):`,
  ];
  const pct = (v: number, ref: number): string => `${v >= ref ? '+' : '−'}${(Math.abs(v / ref - 1) * 100).toFixed(0)}%`;
  for (const e of rows) {
    const n = e.nominal;
    const end = (x: EstimateRow['low']): string =>
      e.kind === 'timing' || n === undefined
        ? `× ${x.factor}: p99 ${num(x.p99Us ?? NaN)} µs, drops ${num(x.dropProbability ?? NaN)}, ${x.met === true ? 'met' : `NOT met (${x.failing ?? 'an SLO'})`}`
        : `× ${x.factor}: ${num(x.area ?? NaN)} (${pct(x.area ?? 0, n.area)}), ${num(x.powerW ?? NaN)} W (${pct(x.powerW ?? 0, n.powerW)})`;
    const at = n === undefined ? '' : ` [${num(n.area)} ${e.areaUnit ?? ''}, ${num(n.powerW)} W as written]`;
    out.push(`  ${e.verdict.padEnd(8)} ${e.where} (${e.basis})${at} | ${end(e.low)} | ${end(e.high)}`);
  }
  return out;
}

/** The workload's header line. */
export function workloadHeader(r: Pick<WorkloadSizing, 'traffic'>, profile: string): string {
  const t = r.traffic;
  const mix = t.mix.map((m) => `${m.bytes}:${m.weight}`).join(',');
  return (
    `dtls13 size: ${t.openGbps} Gbit/s opened + ${t.sealGbps} Gbit/s sealed of records ${mix} (mean ${meanRecordBytes(t.mix).toFixed(0)} B), ` +
    `trains of ${t.trainRecords} at ${t.linkGbps} Gbit/s, ${t.handshakesPerSecond} ${t.handshake} handshakes/s, ${t.sessions.toLocaleString('en-US')} sessions ` +
    `(${t.activeSessions.toLocaleString('en-US')} active)${t.burstFactor > 1 ? `, a burst × ${t.burstFactor} for ${t.burstUs} µs` : ''} on engine ${profile}\n`
  );
}

const csvCell = (v: string | number | boolean): string => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : 'inf') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

type Cell = string | number | boolean;

/** The CSV's columns: the first seven for SLO, cost, device, knob and input rows, all of them for sensitivity rows. */
const CSV_COLUMNS = [
  'section',
  'name',
  'limit_or_count',
  'mean',
  'half_width',
  'bound_or_area',
  'met_or_basis',
  'low',
  'low_p99_us',
  'low_drop',
  'low_met',
  'high',
  'high_p99_us',
  'high_drop',
  'high_met',
  'swing',
] as const;

/** A row's leading cells, the rest of the columns left empty. */
const padded = (...cells: Cell[]): Cell[] => [...cells, ...Array<Cell>(CSV_COLUMNS.length - cells.length).fill('')];

/** One end of a sensitivity row: the knob's value there, p99, drop probability, met. */
const side = (e: WorkloadSizing['sensitivity'][number]['low']): Cell[] => [e.label, e.p99Us, e.dropProbability, e.met];

/** The SLO tables, cost lines and sensitivity rows as one CSV. */
export function workloadCsv(r: WorkloadSizing): string {
  const rows: Cell[][] = [[...CSV_COLUMNS]];
  const a = r.answer;
  if (a !== undefined) {
    for (const [section, v] of [
      ['slo_sizing_load', a.atMargin],
      ['slo_target_load', a.atTarget],
    ] as const)
      for (const x of v.rows) {
        rows.push(padded(section, x.metric, x.limit, x.measured.mean, x.measured.halfWidth, x.bound, x.met));
        rows.push(
          padded(`evidence_${section}`, x.metric, x.records, x.recordsNeeded, x.episodes ?? '', x.status, x.method),
        );
      }
    for (const l of a.cost.lines) rows.push(padded('cost', l.part, l.count, l.perUnit, 0, l.area, l.basis));
    for (const i of a.wholeDevice?.items ?? [])
      rows.push(padded('device', i.part, i.count, i.dynamicW + i.staticW, '', i.areaKGE, i.basis));
    for (const i of a.fpgaDevice?.items ?? []) {
      const resources = `${i.lut} LUT ${i.ff} FF ${i.bram36} BRAM36 ${i.dsp} DSP`;
      rows.push(padded('device_fpga', i.part, i.count, i.dynamicW, '', resources, i.basis));
    }
    // One row a resource: the device's count, its share of the part it fits (of the largest listed when none), that part.
    const fit = a.fpgaFit;
    if (fit !== undefined)
      for (const res of FPGA_RESOURCES)
        rows.push(
          padded(
            'fpga_fit',
            res,
            a.fpgaDevice?.totals[res] ?? '',
            fit.shares[res],
            '',
            fit.part?.part ?? `none (of ${fit.reference.part})`,
            fit.part?.basis ?? fit.reference.basis,
          ),
        );
    for (const k of KNOBS) rows.push(padded('knob', KNOB_SPEC_NAMES[k], a.knobs[k]));
    rows.push(padded('input', 'crypto_engine.clock_period_ps', r.costs.clockPeriodPs));
  } else rows.push(padded('verdict', 'no answer', '', '', '', '', r.verdict));
  // The records an unseen drop episode is taken to lose in the acceptance runs, and where that figure came from.
  for (const phase of ['steady', 'burst'] as const)
    rows.push(padded('unseen_episode', phase, r.plan.unseen[phase].records, '', '', '', r.plan.unseen[phase].source));
  // A trim's candidate smaller than the answer left not resolved: its knobs, area, the rows open and what would decide it.
  for (const c of r.unresolvedSmaller)
    rows.push(padded('unresolved_smaller', knobSettings(c.knobs), '', '', '', c.area, `${c.rows}; ${c.decide}`));
  for (const s of r.sensitivity)
    rows.push(['sensitivity', s.what, '', '', '', '', '', ...side(s.low), ...side(s.high), s.swing]);
  // An estimate: its range (mean, half_width: × low, × high), its verdict and basis; at each end p99, drops and met
  // (timing), or the area and power in the p99 and drop columns (section estimate_cost).
  for (const e of r.estimates) {
    const end = (x: EstimateRow['low']): Cell[] =>
      e.kind === 'timing'
        ? [`× ${x.factor}`, x.p99Us ?? '', x.dropProbability ?? '', x.met ?? '']
        : [`× ${x.factor}`, x.area ?? '', x.powerW ?? '', ''];
    rows.push([
      e.kind === 'timing' ? 'estimate' : 'estimate_cost',
      e.where,
      '',
      e.range.low,
      e.range.high,
      e.verdict,
      e.basis,
      ...end(e.low),
      ...end(e.high),
      '',
    ]);
  }
  return `${rows.map((x) => x.map(csvCell).join(',')).join('\n')}\n`;
}
