/**
 * The plots `dtls13 size --plot DIR` writes, each drawn from its CSV's
 * text (size-plot-csv.ts) and nothing else but its title: the search (the
 * area of each configuration run against its place in the run, those that
 * met the SLOs filled, the answer ringed) and the sensitivity table (for
 * each row the record latency p99 at its low and high end on one axis,
 * joined by the swing, with the p99 SLO when it is on the scale). Every
 * drawn value carries its CSV cell as a data attribute and every axis tick
 * its value, so a test can read a plot back and hold it to its CSV. Plain
 * SVG, no dependencies.
 */
import { csvNumber, csvRecords, SEARCH_COLUMNS, SENSITIVITY_COLUMNS } from './size-plot-csv.js';

/** What the CSV does not hold: the plot's title and the line under it. */
export interface PlotText {
  readonly title: string;
  readonly subtitle?: string;
}

const MET = '#2e7d32';
const NOT_MET = '#c0392b';
const ANSWER = '#b35900';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A figure for an axis or a label: 3 significant digits, grouped when large, `∞` for infinity. */
const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? '∞'
    : v === 0
      ? '0'
      : Math.abs(v) < 1e-3
        ? v.toExponential(1)
        : Math.abs(v) >= 1000
          ? Math.round(v).toLocaleString('en-US')
          : String(Number(v.toPrecision(3)));

/** A "nice" axis maximum at or above `v` (1, 2, 2.5, 5 × 10^k). */
function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const round = (v: number): number => Math.round(v * 100) / 100;

function head(w: number, h: number, text: PlotText): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${esc(text.title)}</text>`,
    ...(text.subtitle === undefined
      ? []
      : [`<text x="${w / 2}" y="48" text-anchor="middle" fill="#555">${esc(text.subtitle)}</text>`]),
  ];
}

/** The change a step made, shortly, from its action: `rxRingDepth → 32`, or `start` for the first. */
function change(action: string, step: number): string {
  const m = /(\w+) → (\S+?)[:,;)]?(?:\s|$)/.exec(action);
  return m !== null ? `${m[1]} → ${m[2]}` : step === 1 ? 'start' : action.split(':')[0]!.slice(0, 24);
}

const SEARCH = { w: 820, h: 500, left: 80, right: 30, top: 72, bottom: 130 };

/** The search plot: area against the configuration's place in the run. */
export function searchPlotSvg(csvText: string, text: PlotText): string {
  const rows = csvRecords(csvText, SEARCH_COLUMNS);
  const { w, h, left, right, top, bottom } = SEARCH;
  const plotW = w - left - right;
  const plotH = h - top - bottom;
  const areas = rows.map((r) => csvNumber(r, 'area'));
  const yMax = niceMax(Math.max(0, ...areas) * 1.1);
  const x = (i: number): number => round(left + ((i + 0.5) * plotW) / Math.max(1, rows.length));
  const y = (v: number): number => round(top + plotH - (v / yMax) * plotH);
  const unit = rows[0]?.['area_unit'] ?? 'area';
  const out = head(w, h, text);
  for (let k = 0; k <= 5; k++) {
    const v = (yMax * k) / 5;
    out.push(
      `<line x1="${left}" y1="${y(v)}" x2="${left + plotW}" y2="${y(v)}" stroke="#e4e4e4"/>`,
      `<text class="tick" data-value="${v}" x="${left - 8}" y="${y(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`,
    `<text transform="translate(22 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">area (${esc(unit)})</text>`,
    `<text x="${left + plotW / 2}" y="${h - 34}" text-anchor="middle">configuration run, in order (what the search changed)</text>`,
    `<polyline points="${rows.map((_, i) => `${x(i)},${y(areas[i]!)}`).join(' ')}" fill="none" stroke="#999"/>`,
  );
  rows.forEach((r, i) => {
    const met = r['met'] === 'true';
    const cx = x(i);
    const cy = y(areas[i]!);
    out.push(
      `<circle class="config" data-step="${esc(r['step']!)}" data-area="${esc(r['area']!)}" data-met="${met}" cx="${cx}" cy="${cy}" r="5" fill="${met ? MET : 'white'}" stroke="${met ? MET : NOT_MET}" stroke-width="2"><title>${esc(`${r['step']}: ${r['action']}`)}</title></circle>`,
      `<text x="${cx}" y="${top + plotH + 16}" text-anchor="middle">${esc(r['step']!)}</text>`,
      `<text transform="translate(${cx + 3} ${top + plotH + 26}) rotate(-35)" text-anchor="end" font-size="10" fill="#555">${esc(change(r['action'] ?? '', i + 1))}</text>`,
    );
    if (r['answer'] === 'true')
      out.push(
        `<circle class="answer" data-step="${esc(r['step']!)}" data-area="${esc(r['area']!)}" cx="${cx}" cy="${cy}" r="10" fill="none" stroke="${ANSWER}" stroke-width="2"/>`,
        `<text x="${cx}" y="${cy - 16}" text-anchor="middle" font-weight="bold" fill="${ANSWER}">answer ${fmt(areas[i]!)}</text>`,
      );
  });
  out.push(
    `<text x="${left}" y="${h - 10}" fill="#555"><tspan fill="${MET}">●</tspan> met every SLO   <tspan fill="${NOT_MET}">○</tspan> did not, or not resolved   <tspan fill="${ANSWER}">◎</tspan> the answer</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

const SENS = { w: 860, left: 210, right: 150, top: 84, row: 40, bottom: 70 };

/** Ticks every "nice" step (1, 2, 2.5, 5 × 10^k) covering `low`..`high`, about five of them. */
function ticks(low: number, high: number): number[] {
  const step = niceMax((high - low) / 5 || Math.abs(high) / 5 || 1);
  const first = Math.floor(low / step);
  const last = Math.max(first + 1, Math.ceil(high / step));
  return Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toPrecision(12)));
}

/**
 * The sensitivity plot: each row's p99 at its low and high end, on one p99 axis that covers the finite values (from 0
 * when they are spread, else around them, said under the axis), and the p99 SLO when it is within twice the largest.
 */
export function sensitivityPlotSvg(csvText: string, text: PlotText): string {
  const rows = csvRecords(csvText, SENSITIVITY_COLUMNS);
  const { w, left, right, top, row, bottom } = SENS;
  const h = top + Math.max(1, rows.length) * row + bottom;
  const plotW = w - left - right;
  const plotBottom = top + Math.max(1, rows.length) * row;
  const finite = rows
    .flatMap((r) => [csvNumber(r, 'low_p99_us'), csvNumber(r, 'high_p99_us')])
    .filter((v) => Number.isFinite(v));
  const slo = rows.length > 0 && rows[0]!['slo_p99_us'] !== '' ? csvNumber(rows[0]!, 'slo_p99_us') : NaN;
  const largest = Math.max(0, ...finite);
  const sloShown = Number.isFinite(slo) && slo <= 2 * largest;
  const smallest = Math.min(largest, ...finite, sloShown ? slo : Infinity);
  const high = Math.max(largest, sloShown ? slo : 0);
  const fromZero = smallest < 0.5 * high;
  const axis = ticks(fromZero ? 0 : smallest, high);
  const [x0, x1] = [axis[0]!, axis[axis.length - 1]!];
  const x = (v: number): number => round(left + ((Math.min(Math.max(v, x0), x1) - x0) / (x1 - x0)) * plotW);
  const out = head(w, h, text);
  for (const v of axis)
    out.push(
      `<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${plotBottom}" stroke="#e4e4e4"/>`,
      `<text class="tick" data-value="${v}" x="${x(v)}" y="${plotBottom + 16}" text-anchor="middle">${fmt(v)}</text>`,
    );
  out.push(
    `<line x1="${left}" y1="${plotBottom}" x2="${left + plotW}" y2="${plotBottom}" stroke="#333"/>`,
    `<text x="${left + plotW / 2}" y="${plotBottom + 36}" text-anchor="middle">record latency p99 to the wire (µs) at each row's low and high end${fromZero ? '' : '; the axis does not start at 0'}</text>`,
    `<text x="${w - right + 14}" y="${top - 8}" fill="#555">drops: low | high</text>`,
  );
  if (sloShown)
    out.push(
      `<line class="slo" data-value="${slo}" x1="${x(slo)}" y1="${top - 14}" x2="${x(slo)}" y2="${plotBottom}" stroke="${NOT_MET}" stroke-dasharray="5 4"/>`,
      `<text x="${x(slo)}" y="${top - 18}" text-anchor="middle" fill="${NOT_MET}">p99 SLO ${fmt(slo)} µs</text>`,
    );
  else if (Number.isFinite(slo))
    out.push(
      `<text x="${left}" y="${top - 8}" fill="${NOT_MET}">p99 SLO ${fmt(slo)} µs: off the scale, to the right</text>`,
    );
  rows.forEach((r, i) => {
    const cy = top + i * row + row / 2;
    const lo = csvNumber(r, 'low_p99_us');
    const hi = csvNumber(r, 'high_p99_us');
    out.push(
      `<text x="16" y="${cy + 4}">${esc(r['what']!)}</text>`,
      `<line x1="${x(Math.min(lo, hi))}" y1="${cy}" x2="${x(Math.max(lo, hi))}" y2="${cy}" stroke="#bbb" stroke-width="6"/>`,
    );
    // The end further left has its label on its left, the other on its right.
    const lowLeft = lo <= hi;
    for (const [end, v, onLeft] of [
      ['low', lo, lowLeft],
      ['high', hi, !lowLeft],
    ] as const) {
      const met = r[`${end}_met`] === 'true';
      const cx = x(v);
      out.push(
        `<circle class="end" data-what="${esc(r['what']!)}" data-end="${end}" data-p99="${esc(r[`${end}_p99_us`]!)}" data-met="${met}" cx="${cx}" cy="${cy}" r="5" fill="${met ? MET : 'white'}" stroke="${met ? MET : NOT_MET}" stroke-width="2"/>`,
        `<text x="${onLeft ? Math.min(cx, x(Math.max(lo, hi))) - 9 : Math.max(cx, x(Math.min(lo, hi))) + 9}" y="${cy + 4}" text-anchor="${onLeft ? 'end' : 'start'}" font-size="11" fill="#555">${esc(r[end]!)}${Number.isFinite(v) ? '' : ': ∞'}</text>`,
      );
    }
    out.push(
      `<text x="${w - right + 14}" y="${cy + 4}" fill="#555">${fmt(csvNumber(r, 'low_drop'))} | ${fmt(csvNumber(r, 'high_drop'))}</text>`,
    );
  });
  out.push(
    `<text x="16" y="${h - 10}" fill="#555"><tspan fill="${MET}">●</tspan> passes the screen   <tspan fill="${NOT_MET}">○</tspan> fails it; each row one knob a step down | up, or one cost × 0.8 | × 1.2</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
