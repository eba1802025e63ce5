/**
 * `dtls13 size --plot`'s plots read back: each drawn point with its data
 * attributes and the value its position stands for on the plot's own axis
 * (the ticks' positions and values), and the check that they are the rows
 * of the CSV beside the plot (tests/cli/size-plot.test.ts on a fresh run,
 * tests/docs/size-plots.test.ts on the docs' copies).
 */
import type { ExecutionContext } from 'ava';
import { csvNumber, csvRecords, SEARCH_COLUMNS, SENSITIVITY_COLUMNS } from '../../cli/size-plot-csv.js';

/** An element's attributes by name (every attribute written `name="value"`). */
function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

const unescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The elements `<name class="cls" ...>` of an SVG, as their attributes. */
const elements = (svg: string, name: string, cls: string): Record<string, string>[] =>
  [...svg.matchAll(new RegExp(`<${name} class="${cls}"[^>]*>`, 'g'))].map((m) => attributes(m[0]));

/** The axis as the ticks draw it: position → value, linear through the first and last tick (`along` is x or y). */
function axis(svg: string, along: 'x' | 'y'): { at: (position: number) => number; span: number } {
  const ticks = elements(svg, 'text', 'tick').map((a) => ({
    value: Number(a['data-value']),
    // The y ticks' labels sit 4 px under their line (the baseline of a 12 px label centred on it).
    position: Number(a[along]) - (along === 'y' ? 4 : 0),
  }));
  const first = ticks[0]!;
  const last = ticks[ticks.length - 1]!;
  const scale = (last.value - first.value) / (last.position - first.position);
  return { at: (p) => first.value + (p - first.position) * scale, span: Math.abs(last.value - first.value) };
}

/** Fails `t` where the search plot's points are not the CSV's rows: step, area (as drawn and as placed), met, answer. */
export function checkSearchPlot(t: ExecutionContext, svg: string, csv: string): void {
  const rows = csvRecords(csv, SEARCH_COLUMNS);
  const points = elements(svg, 'circle', 'config');
  const y = axis(svg, 'y');
  t.is(points.length, rows.length, 'one point a configuration run');
  rows.forEach((r, i) => {
    const p = points[i]!;
    t.deepEqual(
      [p['data-step'], p['data-area'], p['data-met']],
      [r['step'], r['area'], r['met']],
      `configuration ${r['step']}`,
    );
    const placed = y.at(Number(p['cy']));
    t.true(
      Math.abs(placed - csvNumber(r, 'area')) <= y.span * 1e-3,
      `configuration ${r['step']}: drawn at ${placed}, its area is ${r['area']}`,
    );
  });
  const answers = elements(svg, 'circle', 'answer').map((a) => a['data-step']);
  t.deepEqual(
    answers,
    rows.filter((r) => r['answer'] === 'true').map((r) => r['step']),
    'the answer ringed',
  );
}

/** Fails `t` where the sensitivity plot's ends are not the CSV's rows: p99 (as drawn and as placed) and met, each end. */
export function checkSensitivityPlot(t: ExecutionContext, svg: string, csv: string): void {
  const rows = csvRecords(csv, SENSITIVITY_COLUMNS);
  const ends = elements(svg, 'circle', 'end');
  const x = axis(svg, 'x');
  t.is(ends.length, rows.length * 2, 'two ends a row');
  rows.forEach((r, i) => {
    for (const [k, end] of (['low', 'high'] as const).entries()) {
      const e = ends[i * 2 + k]!;
      t.deepEqual(
        [unescape(e['data-what']!), e['data-end'], e['data-p99'], e['data-met']],
        [r['what'], end, r[`${end}_p99_us`], r[`${end}_met`]],
        `${r['what']} ${end}`,
      );
      const value = csvNumber(r, `${end}_p99_us`);
      if (!Number.isFinite(value)) continue;
      const placed = x.at(Number(e['cx']));
      t.true(Math.abs(placed - value) <= x.span * 1e-3, `${r['what']} ${end}: drawn at ${placed}, its p99 is ${value}`);
    }
  });
  const slo = elements(svg, 'line', 'slo')[0];
  if (slo !== undefined && rows[0] !== undefined) t.is(slo['data-value'], rows[0]['slo_p99_us']);
}
