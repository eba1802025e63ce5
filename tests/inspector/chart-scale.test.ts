/**
 * The scale the inspector page draws the charts at, from the chart pictures' own layout and no browser: a label's
 * size on the page is its font size × the picture's transform scale × CHART_ZOOM (the page sets each picture's width
 * to its viewBox's times CHART_ZOOM), so every label of every chart must come out at LABEL_PX or more, at one scale
 * for all of them. tests/inspector/offline-page.test.ts measures the same in Chromium; docs/cli.md says the figures.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHART_ZOOM, LABEL_PX, PAGE_CHARTS, SMALLEST_FONT } from '../../cli/inspector-page.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A chart picture's smallest label in its own units, times the scale of its graph's transform. */
function smallestLabel(svg: string): number {
  const [, sx, sy] = /<g id="graph0" class="graph" transform="scale\(([\d.]+) ([\d.]+)\)/.exec(svg) ?? [];
  const scale = Math.min(Number(sx ?? NaN), Number(sy ?? NaN));
  const sizes = [...svg.matchAll(/<text [^>]*font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
  if (sizes.length === 0 || Number.isNaN(scale)) throw new Error('a chart picture without labels or a graph scale');
  return Math.min(...sizes) * scale;
}

test('every chart on the page has labels of LABEL_PX or more at CHART_ZOOM, all at one scale', (t) => {
  t.true(SMALLEST_FONT * CHART_ZOOM >= LABEL_PX, `${SMALLEST_FONT} × ${CHART_ZOOM}`);
  for (const chart of PAGE_CHARTS) {
    const svg = readFileSync(`${ROOT}generated/charts/${chart}.svg`, 'utf8');
    const smallest = smallestLabel(svg);
    t.true(
      smallest >= SMALLEST_FONT,
      `${chart}: its smallest label is ${smallest} units, the page assumes ${SMALLEST_FONT}`,
    );
    t.true(smallest * CHART_ZOOM >= LABEL_PX, `${chart}: ${smallest} × ${CHART_ZOOM} px`);
  }
});

test('docs/cli.md gives the scale and the smallest label as the page draws them', (t) => {
  const doc = readFileSync(`${ROOT}docs/cli.md`, 'utf8').replace(/\s+/g, ' ');
  t.true(doc.includes(`${CHART_ZOOM} CSS pixels to a unit`), 'the scale');
  t.true(doc.includes(`${Number((SMALLEST_FONT * CHART_ZOOM).toFixed(2))} px whatever the chart's size`), 'the label');
  t.true(doc.includes(`\`${Math.round(CHART_ZOOM * 100)}%\` buttons`), 'the reset button');
});
