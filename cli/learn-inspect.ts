/**
 * `dtls13 learn --inspect`: a page on 127.0.0.1 with our own chart for the version and role learned
 * (generated/charts/, as `dtls13 demo --inspect` shows it) beside the learned model, drawn from its DOT by @viz-js/viz
 * (Graphviz in WebAssembly; when the package is absent the DOT text is shown). `/learned.json` serves the model as
 * an XState machine config (createMachine takes it; the Stately inspector draws it), `/learned.dot` its DOT. Both
 * drawings start at their own size (labels at their point size) with a zoom each; `finding` (the first confirmed
 * finding, its word drawn red on the model) is named in the header and the learned model opens scrolled to it (or to
 * the state the address names: `/#s5`), and so is the state matching against a reference
 * (each learned state labelled with its reference state and our chart's state, the unmatched filled orange).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { DotOptions } from '../learn/learner/dot.js';
import type { StateMatching } from '../learn/learner/state-matching.js';
import type { LearnedMachineConfig } from '../learn/learner/xstate.js';
import { installed } from './optional-packages.js';
import { CliUsageError } from './usage-error.js';

/** Our chart of the role and version the peer plays. */
export function ourChartId(version: '1.2' | '1.3', role: 'server' | 'client'): string {
  return `${version === '1.2' ? 'dtls12' : 'dtls13'}-${role}`;
}

function chartSvg(id: string): string | undefined {
  for (const dir of ['../generated/charts/', '../../generated/charts/']) {
    try {
      return readFileSync(new URL(`${dir}${id}.svg`, import.meta.url), 'utf8');
    } catch {
      // not in this layout
    }
  }
  return undefined;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function learnedSvg(dot: string): Promise<string> {
  if (!installed('@viz-js/viz')) return `<pre>${escapeHtml(dot)}</pre><p>(npm install @viz-js/viz to draw it)</p>`;
  const { instance } = await import('@viz-js/viz');
  return (await instance()).renderString(dot, { format: 'svg', engine: 'dot' });
}

/**
 * Each learned state's note for the drawing (`= ref s2: waitClientKeyExchange` when every word agrees, `≈ ref s5
 * (most words): ...` or `(shortest word)` when not, `unmatched: splits s3`) and the header's line (`learned states
 * matched to the reference (our dtls12-server)'s: 7 of 8; unmatched (orange): s7`).
 */
export function matchingNotes(m: StateMatching): { states: NonNullable<DotOptions['states']>; header: string } {
  const states = m.learned.map((s) => {
    if (s.reference === undefined)
      return {
        note: `unmatched: ${s.splits !== undefined ? `splits ${s.splits}` : 'after a difference'}`,
        unmatched: true,
      };
    const chart = s.chart === undefined || s.chart.length === 0 ? '' : `: ${s.chart.join(' | ')}`;
    const how = s.agreement === 'all' ? '' : s.agreement === 'majority' ? ' (most words)' : ' (shortest word)';
    return { note: `${s.agreement === 'all' ? '=' : '≈'} ref ${s.reference}${how}${chart}`, unmatched: false };
  });
  const unmatched = m.learned.filter((s) => s.reference === undefined).map((s) => s.state);
  const whose = m.chartId === undefined ? 'the reference' : `the reference (our ${m.chartId})`;
  const header = `learned states matched to ${whose}'s: ${m.learned.length - unmatched.length} of ${m.learned.length}${unmatched.length > 0 ? `; unmatched (orange): ${unmatched.join(', ')}` : ''}${m.unmatchedReference.length > 0 ? `; reference states without a match: ${m.unmatchedReference.join(', ')}` : ''}`;
  return { states, header };
}

/** A zoom for each drawing: −, +, fit to the pane, 1:1 (the SVG's own size, where labels are their point size). */
const ZOOM_SCRIPT = `
for (const sec of document.querySelectorAll('section')) {
  const svg = sec.querySelector('svg');
  const out = sec.querySelector('.zoom output');
  if (!svg || !out) continue;
  const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
  let z = 1;
  const apply = () => { svg.style.width = w * z + 'px'; svg.style.height = h * z + 'px'; out.textContent = Math.round(z * 100) + '%'; };
  const act = { out: () => (z /= 1.25), in: () => (z *= 1.25), fit: () => (z = (sec.clientWidth - 16) / w), one: () => (z = 1) };
  for (const b of sec.querySelectorAll('.zoom button')) b.addEventListener('click', () => { act[b.dataset.zoom](); apply(); });
  apply();
}
// The learned model opens on the state the address names (#s5), else on the finding's first step (drawn red).
const learned = document.querySelector('#learned');
const named = [...learned.querySelectorAll('g.node')].find((g) => '#' + g.querySelector('title')?.textContent === location.hash);
const first = named ?? [...learned.querySelectorAll('g.edge')].find((g) => g.querySelector('path[stroke="#c53030"]'));
if (first) {
  const pane = learned.getBoundingClientRect(), box = first.getBoundingClientRect();
  learned.scrollLeft += named ? box.left + box.width / 2 - pane.left - pane.width / 2 : box.left - pane.left - 120;
  learned.scrollTop += named ? box.top + box.height / 2 - pane.top - pane.height / 2 : box.top - pane.top - 80;
}`;

const ZOOM = `<span class="zoom"><button data-zoom="out" title="zoom out">−</button><output>100%</output><button data-zoom="in" title="zoom in">+</button><button data-zoom="fit">fit</button><button data-zoom="one">1:1</button></span>`;

function page(
  title: string,
  chartId: string,
  ours: string | undefined,
  learned: string,
  finding: string | undefined,
  matching: string | undefined,
): string {
  const strip = (svg: string): string => svg.replace(/^[^]*?(<svg)/, '$1');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1a202c; background: #f7fafc; }
header { padding: 8px 16px; background: #2d3748; color: #fff; } header h1 { font-size: 16px; margin: 0; }
header a { color: #90cdf4; margin-right: 12px; } header .finding { color: #feb2b2; font-weight: 600; } header .matching { color: #fbd38d; }
main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; padding: 8px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px; overflow: auto; height: 84vh; }
section h2 { font-size: 14px; margin: 0 0 4px; position: sticky; left: 0; } section svg { display: block; }
.zoom { margin-left: 12px; font-weight: normal; } .zoom button { font: inherit; min-width: 28px; } .zoom output { display: inline-block; min-width: 48px; text-align: center; }
</style></head><body>
<header><h1>${escapeHtml(title)}</h1>${finding === undefined ? '' : `<div class="finding">${escapeHtml(finding)}</div>`}${matching === undefined ? '' : `<div class="matching">${escapeHtml(matching)}</div>`}<a href="/learned.json">the model as an XState config</a><a href="/learned.dot">as DOT</a></header>
<main><section id="ours"><h2>our chart: ${chartId}${ZOOM}</h2>${ours === undefined ? '<p>(generated/charts/ not found)</p>' : strip(ours)}</section>
<section id="learned"><h2>the learned model${ZOOM}</h2>${strip(learned)}</section></main>
<script>${ZOOM_SCRIPT}</script>
</body></html>
`;
}

/** A running page. */
export interface LearnInspector {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveLearnedModel(
  port: number,
  title: string,
  version: '1.2' | '1.3',
  role: 'server' | 'client',
  dot: string,
  xstate: LearnedMachineConfig,
  finding?: string,
  matching?: string,
): Promise<LearnInspector> {
  const chartId = ourChartId(version, role);
  const html = page(title, chartId, chartSvg(chartId), await learnedSvg(dot), finding, matching);
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else if (path === '/learned.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(xstate, null, 2));
    } else if (path === '/learned.dot') {
      res.writeHead(200, { 'content-type': 'text/vnd.graphviz; charset=utf-8' });
      res.end(dot);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', (e) => reject(new CliUsageError(`--inspect=${port}: ${e.message}`)));
    http.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://localhost:${port}`, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}
