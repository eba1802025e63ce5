/**
 * Redraws every sweep plot under docs/hwmodel (`<name>-sweep.svg`) from its
 * CSV (`<name>-sweep.csv`, the file its table is checked against) with the
 * same code `dtls13 simulate --sweep ... --plot` draws through
 * (cli/sweep-plot-csv.ts): the plot's title and subtitle are kept from the
 * SVG (the run's description, which the CSV does not hold), every figure
 * comes from the CSV. With `--check` it writes nothing and exits 1 naming
 * each plot that differs from its redraw (tests/docs/sweep-plots.test.ts
 * runs it so).
 *
 *   npx tsx scripts/sweep-plots.ts [--check]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sweepPlotFromCsv } from '../cli/sweep-plot-csv.js';

const DIR = resolve(import.meta.dirname, '../docs/hwmodel');

/** The text of an SVG `<text>` element, unescaped. */
const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The plot's title (16 px, bold) and subtitle (the line under it), as the SVG holds them. */
function plotText(svg: string): { title: string; subtitle?: string } {
  const title = /<text [^>]*font-weight="bold">([^<]*)<\/text>/.exec(svg)?.[1];
  if (title === undefined) throw new Error('an SVG with no title');
  const subtitle = /<text x="\d+" y="48" [^>]*>([^<]*)<\/text>/.exec(svg)?.[1];
  return { title: unescape(title), ...(subtitle === undefined ? {} : { subtitle: unescape(subtitle) }) };
}

const check = process.argv.includes('--check');
const differ: string[] = [];
const names = readdirSync(DIR).filter((n) => n.endsWith('-sweep.svg'));
for (const name of names) {
  const svgFile = join(DIR, name);
  const csvFile = join(DIR, name.replace(/\.svg$/, '.csv'));
  if (!existsSync(csvFile)) {
    differ.push(`${name}: no CSV beside it`);
    continue;
  }
  const old = readFileSync(svgFile, 'utf8');
  const redrawn = sweepPlotFromCsv(readFileSync(csvFile, 'utf8'), plotText(old));
  if (redrawn === old) continue;
  if (check) differ.push(`${name}: differs from its redraw from ${name.replace(/\.svg$/, '.csv')}`);
  else {
    writeFileSync(svgFile, redrawn);
    process.stdout.write(`redrawn ${svgFile}\n`);
  }
}
process.stdout.write(`${names.length} sweep plots${check ? ' checked' : ''}\n`);
if (differ.length > 0) {
  process.stderr.write(`${differ.join('\n')}\n`);
  process.exit(1);
}
