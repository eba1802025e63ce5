/** The report as a text table for the terminal. */
import type { SimulationReport } from './report.js';

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
  lines.push(`Goodput            ${formatRate(r.throughput.goodputBytesPerSecond, 'B')} (${r.throughput.applicationBytes} bytes)`);
  lines.push(`Records            ${formatRate(r.throughput.recordsPerSecond, 'rec')} (${r.throughput.records} records)`);
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
  lines.push('');
  const b = r.bottleneck;
  lines.push(
    b === null
      ? 'Bottleneck         none (no module was busy)'
      : `Bottleneck         ${b.module} (${(b.utilization * 100).toFixed(1)}% utilized${b.saturated ? ', saturated' : ''})`,
  );
  return `${lines.join('\n')}\n`;
}

function fix(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 10 ? 2 : 3);
}
