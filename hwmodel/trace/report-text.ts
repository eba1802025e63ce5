/** The report as a text table for the terminal. */
import type { BottleneckReason, SimulationReport } from './report.js';
import { GROWTH_FIGURES, type GrowthFigure, type GrowthVerdict } from './bottleneck-growth.js';

type Bottleneck = NonNullable<SimulationReport['bottleneck']>;

/** What the bottleneck line adds after the utilization, by why the resource was named. */
const BOTTLENECK_NOTE: Readonly<Record<BottleneckReason, (b: Bottleneck) => string>> = {
  drops: (b) => `: ${b.symptom?.dropped ?? 0} dropped at ${b.symptom?.buffer ?? '?'}${through(b)}`,
  'held-back': (b) =>
    `: ${b.symptom?.heldBack ?? 0} held back ${formatUs(b.symptom?.heldBackUs ?? 0)} at ${b.symptom?.buffer ?? '?'}${through(b)}`,
  saturated: () => ', saturated',
  'near-saturation': () => ', near saturation',
  queueing: (b) => `, queueing: its requests waited ${(b.waitingShare * 100).toFixed(1)}% of their time`,
  busiest: () => '',
};

/** The stages between the symptom's buffer and the resource named. */
function through(b: Bottleneck): string {
  const rest = b.chain.slice(1);
  if (rest.length === 0) return b.knob === null ? '' : ` (its depth, ${b.knob}, is the limit)`;
  return `, whose work waits on ${rest.join(' → ')}${b.knob === null ? '' : ` (${b.knob})`}`;
}

/** How busy the resource named is: a module's lanes or link, or a buffer's slots, in the window. */
function load(b: Bottleneck): string {
  return `${(b.utilization * 100).toFixed(1)}% ${b.kind === 'buffer' ? 'occupied' : 'utilized'}`;
}

/** A duration in µs with a readable unit (ns, µs, ms, s). */
export function formatUs(us: number): string {
  const abs = Math.abs(us);
  if (abs >= 1e6) return `${fix(us / 1e6)} s`;
  if (abs >= 1e3) return `${fix(us / 1e3)} ms`;
  if (abs >= 1) return `${fix(us)} µs`;
  return `${fix(us * 1e3)} ns`;
}

/** A rate with an SI prefix. */
export function formatRate(perSecond: number, unit: string): string {
  const prefixes: readonly [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, p] of prefixes) if (Math.abs(perSecond) >= scale) return `${fix(perSecond / scale)} ${p}${unit}/s`;
  return `${fix(perSecond)} ${unit}/s`;
}

/** Lines of text, ending with a newline. */
export function formatReport(r: SimulationReport): string {
  const lines: string[] = [];
  lines.push(`Simulated time     ${formatUs(r.durationUs)}`);
  lines.push(`Handshakes         ${r.handshakes.completed} completed, ${r.handshakes.failed} failed`);
  const l = r.handshakes.latencyUs;
  if (l !== null) {
    lines.push(
      `Handshake latency  min ${formatUs(l.min)}  p50 ${formatUs(l.p50)}  p90 ${formatUs(l.p90)}  p99 ${formatUs(l.p99)}  max ${formatUs(l.max)}  mean ${formatUs(l.mean)}`,
    );
  }
  const t = r.throughput;
  const w = r.window;
  // Goodput is over the steady window when there is one, else over the data-transfer time; the other figures beside it.
  const within =
    t.dataTimeUs !== r.durationUs && t.dataTimeUs > 0 ? ` in ${formatUs(t.dataTimeUs)} of data transfer` : '';
  const whole =
    t.dataTimeUs > 0 && t.dataTimeUs < 0.9 * r.durationUs
      ? `; ${formatRate(t.runGoodputBytesPerSecond, 'B')} over the whole ${formatUs(r.durationUs)}`
      : '';
  if (w === null)
    lines.push(
      `Goodput            ${formatRate(t.goodputBytesPerSecond, 'B')} (${t.applicationBytes} bytes${within}${whole})`,
    );
  else {
    const data =
      within === ''
        ? ''
        : `; ${formatRate(t.dataGoodputBytesPerSecond, 'B')} over the ${formatUs(t.dataTimeUs)} of data transfer`;
    lines.push(
      `Goodput            ${formatRate(t.goodputBytesPerSecond, 'B')} in the steady window (${t.applicationBytes} bytes in all${data}${whole})`,
    );
  }
  lines.push(`Records            ${formatRate(t.recordsPerSecond, 'rec')} (${t.records} records)`);
  const c = r.tail;
  if (c !== null) {
    const s = c.completionUs;
    lines.push(
      `Completion         p50 ${formatUs(s.p50)}  p90 ${formatUs(s.p90)}  p99 ${formatUs(s.p99)}  max ${formatUs(s.max)} (opened to last byte delivered; slowest: connection ${c.slowest.connection})`,
    );
  }
  if (w !== null)
    lines.push(
      `Steady window      ${formatUs(w.fromUs)} to ${formatUs(w.toUs)} (${w.records} records: the main data phase less ${w.trim * 100}% of its bytes at each end); Util., queues and the breakdown are over it`,
    );
  if (r.modules.length > 0) {
    lines.push('');
    const rows = [
      ['Module', 'Lanes', 'Util.', 'Busy', 'Queue max', 'Queue mean', 'Queue mean (time)'],
      ...r.modules.map((m) => [
        m.name,
        String(m.lanes),
        `${(m.utilization * 100).toFixed(1)}%`,
        formatUs(m.busyTimeUs),
        String(m.queueMax),
        fix(m.queueMean),
        fix(m.queueTimeWeightedMean),
      ]),
    ];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
    for (const row of rows)
      lines.push(
        row
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      );
  }
  if (r.buffers.length > 0) {
    lines.push('');
    const rows = [
      ['Buffer', 'Depth', 'Policy', 'Entered', 'Dropped', 'Held back', 'Held (HOL)', 'Held time', 'Max', 'Mean'],
      ...r.buffers.map((f) => [
        f.name,
        String(f.capacity),
        f.policy,
        String(f.entered),
        String(f.dropped),
        String(f.blocked),
        String(f.headOfLine),
        formatUs(f.blockedUs),
        String(f.maxOccupancy),
        fix(f.meanOccupancy),
      ]),
    ];
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
    for (const row of rows)
      lines.push(
        row
          .map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      );
    const dropped = r.buffers.reduce((n, f) => n + f.dropped, 0);
    if (dropped > 0)
      lines.push(
        `${dropped} datagram(s) dropped at full buffers (the peers' retransmissions recovered what they could)`,
      );
  }
  lines.push('');
  const b = r.bottleneck;
  const rule =
    b === null
      ? 'none (no module was busy)'
      : `${b.module} (${load(b)}${b.reason === 'drops' || b.reason === 'held-back' ? ')' : ''}${BOTTLENECK_NOTE[b.reason](b)}${b.reason === 'drops' || b.reason === 'held-back' ? '' : ')'}`;
  if (r.growth === undefined) lines.push(`Bottleneck         ${rule}`);
  else lines.push(...growthLines(r.growth), `Rule's reading     ${rule}`);
  return `${lines.join('\n')}\n`;
}

/** What a figure's change is called on the Bottleneck line. */
const FIGURE_NAME: Readonly<Record<GrowthFigure, string>> = {
  throughput: 'throughput',
  drops: 'drops',
  latency: 'median completion',
};

/** A knob's value: bandwidths in G or M, costs in ps. */
const knobValue = (knob: string, n: number): string =>
  knob.endsWith('_cost') ? `${fix(n)} ps` : n >= 1e9 ? `${fix(n / 1e9)} G` : n >= 1e6 ? `${fix(n / 1e6)} M` : fix(n);

const signed = (x: number): string => {
  const pct = (Math.abs(x) * 100).toFixed(1);
  return `${pct === '0.0' ? '' : x > 0 ? '+' : '\u2212'}${pct}%`;
};

/** The Bottleneck line proven by growth, and each suspect's effect under it. */
export function growthLines(g: GrowthVerdict): string[] {
  const pct = `${(g.threshold * 100).toFixed(0)}%`;
  const named = g.effects.filter((e) => g.named.includes(e.resource));
  const head = g.headroom
    ? 'Bottleneck         none: the device has headroom (nothing dropped, held back, near saturation or queueing; no suspect to grow)'
    : named.length === 0
      ? `Bottleneck         none: the offered load sets the rate (growing ${g.effects.length === 1 ? 'the one suspect' : `each of ${g.effects.length} suspects`} moved neither throughput, drops nor the median completion by ${pct})`
      : `Bottleneck         ${named.map((e) => e.resource).join(' and ')} (proven by growth: ${named
          .map((e) => `${e.knob} ${knobValue(e.knob, e.from)} \u2192 ${knobValue(e.knob, e.to)}`)
          .join(
            ', ',
          )} ${named.length > 1 ? 'each ' : ''}moved ${FIGURE_NAME[g.figure ?? 'throughput']} ${signed(named[0]!.change[g.figure ?? 'throughput'])}${named.length > 1 ? ' alike' : ''})`;
  const rows = g.effects.map((e) => ({
    mark: e.moved ? '*' : ' ',
    resource: e.resource,
    grown: `${e.knob} ${knobValue(e.knob, e.from)} \u2192 ${knobValue(e.knob, e.to)}`,
    figures: GROWTH_FIGURES.map((f) => signed(e.change[f]).padStart(11)).join(''),
  }));
  const w1 = Math.max(8, ...rows.map((x) => x.resource.length));
  const w2 = Math.max(5, ...rows.map((x) => x.grown.length));
  if (g.headroom) return [head];
  return [
    head,
    `  Growth evidence  ${g.reruns} rerun${g.reruns === 1 ? '' : 's'} on the same seed and traffic, one suspect grown in each (*: moved the run, a figure ${pct} better or more and none ${pct} worse):`,
    `    ${'Suspect'.padEnd(w1 + 2)}${'Grown'.padEnd(w2)}${'Throughput'.padStart(11)}${'Drops'.padStart(11)}${'Median'.padStart(11)}`,
    ...rows.map((x) => `  ${x.mark} ${x.resource.padEnd(w1 + 2)}${x.grown.padEnd(w2)}${x.figures}`),
    ...g.skipped.map((s) => `    ${s.resource}: not grown (${s.reason})`),
  ];
}

function fix(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 10 ? 2 : 3);
}
