/**
 * An SVG plot of a parameter sweep: goodput (bars, left axis, with 95%
 * interval whiskers) and median handshake latency (line, right axis, with
 * whiskers) against the swept value, each point labelled with its
 * bottleneck module and utilization; a point whose bottleneck differs from
 * the previous one's is marked as a shift. When a point dropped data, the
 * bits delivered over the whole run are marked beside its bar (a diamond).
 * A whisker is the mean ± its half-width clipped at zero (a rate or a
 * latency is never negative), and the caption says so. Plain SVG, no
 * dependencies.
 */

/** One point of the plot. */
export interface PlotPoint {
  readonly label: string;
  readonly goodput: { readonly mean: number; readonly halfWidth: number };
  readonly latency: { readonly mean: number; readonly halfWidth: number };
  readonly bottleneck: string | null;
  readonly bottleneckUtilization: number;
  /** Datagrams dropped at the device's full buffers (mean over the replications); shown under the point when any point dropped. */
  readonly dropped?: number;
  /** Goodput over the whole run, drops counted (mean, in the goodput's unit before scaling): a diamond beside the bar. */
  readonly runGoodput?: number;
}

/** What the plot shows. */
export interface PlotSpec {
  readonly title: string;
  /** The swept parameter (x axis), e.g. `crypto_engine.lanes`. */
  readonly parameter: string;
  /** Goodput unit label and divisor (e.g. `Gbit/s`, 1e9 for bit/s input). */
  readonly goodputUnit: string;
  readonly goodputScale: number;
  readonly latencyUnit: string;
  readonly latencyScale: number;
  readonly points: readonly PlotPoint[];
  /** A line under the title (workload, replications). */
  readonly subtitle?: string;
  /** What the bars are (default `goodput`): e.g. `goodput over the run` when the sweep dropped data. */
  readonly goodputLabel?: string;
}

const W = 820;
const H = 520;
const M = { left: 80, right: 90, top: 80, bottom: 126 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/** A count as a whole number when it is one (a mean over replications may not be). */
const count = (v: number): string => (Number.isInteger(v) ? String(v) : fmt(v));

/** A "nice" axis maximum at or above `v` (1, 2, 2.5, 5 × 10^k). */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** The SVG text of the plot. */
export function sweepPlotSvg(spec: PlotSpec): string {
  const n = spec.points.length;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const gMax = niceMax(
    Math.max(
      ...spec.points.map((p) => Math.max(p.goodput.mean + p.goodput.halfWidth, p.runGoodput ?? 0) / spec.goodputScale),
    ) * 1.15,
  );
  const lMax = niceMax(
    Math.max(...spec.points.map((p) => (p.latency.mean + p.latency.halfWidth) / spec.latencyScale)) * 1.15,
  );
  const x = (i: number): number => M.left + ((i + 0.5) * plotW) / Math.max(1, n);
  const yG = (v: number): number => M.top + plotH - (v / spec.goodputScale / gMax) * plotH;
  const yL = (v: number): number => M.top + plotH - (v / spec.latencyScale / lMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(
    `<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${esc(spec.title)}</text>`,
  );
  if (spec.subtitle !== undefined)
    out.push(`<text x="${W / 2}" y="48" text-anchor="middle" fill="#555">${esc(spec.subtitle)}</text>`);
  // Axes and grid.
  for (let k = 0; k <= 5; k++) {
    const gy = M.top + plotH - (k / 5) * plotH;
    out.push(`<line x1="${M.left}" y1="${gy}" x2="${M.left + plotW}" y2="${gy}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${M.left - 8}" y="${gy + 4}" text-anchor="end" fill="#1f5fa8">${fmt((gMax * k) / 5)}</text>`);
    out.push(`<text x="${M.left + plotW + 8}" y="${gy + 4}" fill="#c0392b">${fmt((lMax * k) / 5)}</text>`);
  }
  out.push(`<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#1f5fa8"/>`);
  out.push(
    `<line x1="${M.left + plotW}" y1="${M.top}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#c0392b"/>`,
  );
  out.push(
    `<text transform="translate(22 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#1f5fa8">${esc(spec.goodputLabel ?? 'goodput')} (${esc(spec.goodputUnit)}), bars</text>`,
  );
  out.push(
    `<text transform="translate(${W - 20} ${M.top + plotH / 2}) rotate(90)" text-anchor="middle" fill="#c0392b">median handshake latency (${esc(spec.latencyUnit)}), line</text>`,
  );
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 18}" text-anchor="middle">${esc(spec.parameter)}</text>`);
  const barW = Math.min(70, (plotW / Math.max(1, n)) * 0.5);
  const drops = spec.points.some((p) => (p.dropped ?? 0) > 0);
  const line: string[] = [];
  spec.points.forEach((p, i) => {
    const cx = x(i);
    const top = yG(p.goodput.mean);
    out.push(`<rect x="${cx - barW / 2}" y="${top}" width="${barW}" height="${M.top + plotH - top}" fill="#5b8fd1"/>`);
    whisker(
      out,
      cx,
      yG(Math.max(0, p.goodput.mean - p.goodput.halfWidth)),
      yG(p.goodput.mean + p.goodput.halfWidth),
      '#123a66',
    );
    if (p.runGoodput !== undefined) {
      const ry = yG(p.runGoodput);
      const rx = cx + barW / 2 + 8;
      out.push(
        `<path d="M${rx} ${ry - 5} L${rx + 5} ${ry} L${rx} ${ry + 5} L${rx - 5} ${ry} Z" fill="#f0a030" stroke="#b35900"/>`,
        `<text x="${rx + 8}" y="${ry + 4}" font-size="10" fill="#b35900">${fmt(p.runGoodput / spec.goodputScale)}</text>`,
      );
    }
    out.push(
      `<text x="${cx}" y="${top - 8}" text-anchor="middle" fill="#123a66">${fmt(p.goodput.mean / spec.goodputScale)}</text>`,
    );
    out.push(
      `<text x="${cx}" y="${M.top + plotH + 18}" text-anchor="middle" font-weight="bold">${esc(p.label)}</text>`,
    );
    const shifted = i > 0 && p.bottleneck !== spec.points[i - 1]!.bottleneck;
    const name = p.bottleneck === null ? 'none' : p.bottleneck.replace(/^device\./, '');
    out.push(
      `<text x="${cx}" y="${M.top + plotH + 36}" text-anchor="middle" fill="${shifted ? '#b35900' : '#333'}">${shifted ? '▶ ' : ''}${esc(name)}</text>`,
    );
    out.push(
      `<text x="${cx}" y="${M.top + plotH + 52}" text-anchor="middle" fill="#555">${(p.bottleneckUtilization * 100).toFixed(0)}% busy</text>`,
    );
    if (drops)
      out.push(
        `<text x="${cx}" y="${M.top + plotH + 68}" text-anchor="middle" fill="#b35900">${count(p.dropped ?? 0)} dropped</text>`,
      );
    const ly = yL(p.latency.mean);
    line.push(`${cx},${ly}`);
    whisker(
      out,
      cx + 6,
      yL(Math.max(0, p.latency.mean - p.latency.halfWidth)),
      yL(p.latency.mean + p.latency.halfWidth),
      '#c0392b',
    );
  });
  out.push(`<polyline points="${line.join(' ')}" fill="none" stroke="#c0392b" stroke-width="2"/>`);
  for (const pt of line) {
    const [cx, cy] = pt.split(',');
    out.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="#c0392b"/>`);
  }
  const run = spec.points.some((p) => p.runGoodput !== undefined);
  out.push(
    `<text x="${M.left}" y="${H - 40}" fill="#555">bottleneck under each value (busiest module, its utilization); ▶ where it moved${drops ? '; datagrams dropped at full buffers' : ''}.</text>`,
  );
  out.push(
    `<text x="${M.left}" y="${H - 5}" fill="#555">Whiskers: 95% intervals, clipped at 0.${run ? ' <tspan fill="#b35900">◆ goodput over the whole run, drops and stragglers counted (its mean only)</tspan>' : ''}</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function whisker(out: string[], cx: number, y1: number, y2: number, colour: string): void {
  if (Math.abs(y1 - y2) < 0.5) return;
  out.push(`<line x1="${cx}" y1="${y1}" x2="${cx}" y2="${y2}" stroke="${colour}"/>`);
  out.push(`<line x1="${cx - 4}" y1="${y1}" x2="${cx + 4}" y2="${y1}" stroke="${colour}"/>`);
  out.push(`<line x1="${cx - 4}" y1="${y2}" x2="${cx + 4}" y2="${y2}" stroke="${colour}"/>`);
}
