/**
 * The offline inspector page `--inspect` serves at `/`: the chart pictures
 * `dtls13 generate` rendered (generated/charts/*.svg, served by the relay
 * itself, no internet needed), lit up live from the relay's WebSocket: for
 * each chart, its newest actor's (or the one picked) active state is
 * highlighted and the states it passed through are marked; beside them, the list of events with the state
 * each led to. The Stately inspector stays one click away (`/stately`).
 *
 * Every chart is drawn at one scale, CHART_ZOOM CSS pixels to a unit of its
 * picture, whatever its size (a chart is never shrunk to its box: a wide one
 * scrolls, and follows its active state), so the smallest label of each is
 * LABEL_PX or more; each chart's zoom buttons change its own scale, and the
 * readout beside them says how large its smallest label is then.
 */

/** The chart ids the page shows, in order. */
export const PAGE_CHARTS = ['dtls13-client', 'dtls13-server', 'dtls13-flight'] as const;

/** The smallest label a chart is drawn with at its first zoom, in CSS pixels. */
export const LABEL_PX = 10;

/** The charts' font size in units of their picture (Graphviz's edge labels, spec/charts' 9 pt): the smallest there is. */
export const SMALLEST_FONT = 9;

/** CSS pixels to a unit of a chart picture at first: its smallest label LABEL_PX or more, the same for every chart. */
export const CHART_ZOOM = Math.ceil((LABEL_PX / SMALLEST_FONT) * 20) / 20;

export function inspectorPage(port: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dtls13 inspector</title>
<style>
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1a202c; background: #f7fafc; }
header { display: flex; gap: 16px; align-items: baseline; padding: 8px 16px; background: #2d3748; color: #fff; }
header h1 { font-size: 15px; margin: 0; }
header a { color: #90cdf4; margin-left: auto; }
#status.live { color: #9ae6b4; } #status.down { color: #feb2b2; }
main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); grid-template-rows: 56vh 36vh; gap: 8px; padding: 8px; }
section, #events { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; min-height: 0; display: flex; flex-direction: column; }
section h2 { font-size: 13px; margin: 0; padding: 6px; display: flex; gap: 8px; align-items: baseline; border-bottom: 1px solid #edf2f7; }
section h2 .state { font-weight: normal; color: #2b6cb0; }
section h2 .zoom { margin-left: auto; font-weight: normal; display: flex; gap: 4px; align-items: baseline; }
section h2 .zoom button { font: 12px system-ui, sans-serif; min-width: 26px; }
section h2 .readout { color: #4a5568; font-size: 12px; min-width: 110px; text-align: right; }
section .svg { overflow: auto; flex: 1; padding: 6px; }
section svg { display: block; }
g.node.visited path, g.node.visited polygon { fill: #ebf8ff; }
g.node.active path, g.node.active polygon { fill: #fefcbf; stroke: #d69e2e; stroke-width: 2.5; }
#events { overflow: auto; }
#events table { border-collapse: collapse; width: 100%; font: 12px ui-monospace, monospace; }
#events td { padding: 1px 8px; border-bottom: 1px solid #edf2f7; white-space: nowrap; }
</style></head>
<body>
<header><h1>dtls13 handshake charts</h1><span id="status" class="down">connecting…</span>
<a href="/stately">open in the Stately inspector (online)</a></header>
<main>${PAGE_CHARTS.map((id) => `<section id="chart-${id}" data-chart="${id}"><h2>${id} <select class="actors" title="which actor of this chart to show; the newest by default" hidden></select> <span class="state" id="state-${id}">(no actor yet)</span><span class="zoom"><span class="readout"></span><button class="out" title="zoom out">−</button><button class="in" title="zoom in">+</button><button class="fit" title="the whole chart in its box">fit</button><button class="reset" title="labels at ${LABEL_PX} px or more">${Math.round(CHART_ZOOM * 100)}%</button></span></h2><div class="svg"></div></section>`).join('')}
<div id="events"><table><tbody id="event-rows"></tbody></table></div></main>
<script>
const charts = ${JSON.stringify(PAGE_CHARTS)};
const CHART_ZOOM = ${CHART_ZOOM};
const SMALLEST_FONT = ${SMALLEST_FONT};
const zooms = new Map(charts.map((c) => [c, CHART_ZOOM]));
const actors = new Map(); // sessionId -> { chart, n, visited: Set, value }
const latest = new Map(); // chart -> sessionId shown
const counts = new Map();
const pinned = new Set(); // charts whose actor the user picked: new actors do not take over
const t0 = performance.now();

/** A snapshot value as the dotted paths of its active states (a parent and its active child). */
function paths(value, prefix) {
  if (typeof value === 'string') return [prefix + value];
  const out = [];
  for (const [k, v] of Object.entries(value || {})) out.push(prefix + k, ...paths(v, prefix + k + '.'));
  return out;
}

function paint(chart) {
  const id = latest.get(chart);
  const a = id && actors.get(id);
  const section = document.getElementById('chart-' + chart);
  for (const g of section.querySelectorAll('g.node')) {
    const state = (g.id || '').replace(/^state:/, '');
    g.classList.toggle('active', !!a && a.active.includes(state));
    g.classList.toggle('visited', !!a && a.visited.has(state));
  }
  document.getElementById('state-' + chart).textContent = a ? a.active.join(', ') || '…' : '(no actor yet)';
  section.dataset.active = a ? a.active.join(',') : '';
  const picker = section.querySelector('.actors');
  picker.hidden = !counts.get(chart);
  if (picker.options.length !== (counts.get(chart) || 0)) {
    picker.replaceChildren(...[...actors].filter(([, x]) => x.chart === chart).map(([sid, x]) => new Option('#' + x.n + ' of ' + counts.get(chart), sid)));
  }
  if (id) picker.value = id;
  // The active state in view: a chart wider or taller than its box follows it (only when it changed, so a reader can scroll).
  const shown = a ? a.active.join(',') : '';
  if (shown !== section.dataset.followed) {
    section.dataset.followed = shown;
    const lit = section.querySelector('g.node.active');
    if (lit) lit.scrollIntoView({ block: 'center', inline: 'center' });
  }
}

/** Draws a chart at \`zoom\` CSS pixels to a unit of its picture; the readout says how large its smallest label is. */
function zoomTo(chart, zoom) {
  const section = document.getElementById('chart-' + chart);
  const svg = section.querySelector('svg');
  if (!svg) return;
  const box = svg.viewBox.baseVal;
  zooms.set(chart, zoom);
  svg.setAttribute('width', (box.width * zoom).toFixed(1));
  svg.setAttribute('height', (box.height * zoom).toFixed(1));
  section.dataset.zoom = zoom.toFixed(3);
  section.querySelector('.readout').textContent = 'labels ' + (SMALLEST_FONT * zoom).toFixed(1) + ' px';
}

/** The zoom at which the whole chart fits its box. */
function fitZoom(chart) {
  const section = document.getElementById('chart-' + chart);
  const area = section.querySelector('.svg');
  const box = section.querySelector('svg').viewBox.baseVal;
  return Math.min((area.clientWidth - 12) / box.width, (area.clientHeight - 12) / box.height);
}

function row(chart, what, state) {
  const tr = document.createElement('tr');
  for (const text of [((performance.now() - t0) / 1000).toFixed(3) + ' s', chart, what, state]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.appendChild(td);
  }
  const rows = document.getElementById('event-rows');
  rows.prepend(tr);
  while (rows.children.length > 300) rows.lastChild.remove();
}

function handle(e) {
  if (e.type === '@xstate.actor' && charts.includes(e.name)) {
    counts.set(e.name, (counts.get(e.name) || 0) + 1);
    actors.set(e.sessionId, { chart: e.name, n: counts.get(e.name), visited: new Set(), active: [] });
    if (!pinned.has(e.name)) latest.set(e.name, e.sessionId);
    paint(e.name);
  } else if (e.type === '@xstate.snapshot' && actors.has(e.sessionId) && e.snapshot) {
    const a = actors.get(e.sessionId);
    a.active = paths(e.snapshot.value, '');
    for (const p of a.active) a.visited.add(p);
    if (latest.get(a.chart) === e.sessionId) paint(a.chart);
    const ev = e.event && e.event.type;
    if (ev) row(a.chart + ' #' + a.n, ev, a.active.join(', '));
  }
}

for (const chart of charts) {
  const section = document.getElementById('chart-' + chart);
  section.querySelector('.actors').addEventListener('change', (ev) => {
    latest.set(chart, ev.target.value);
    pinned.add(chart);
    paint(chart);
  });
  section.querySelector('.in').addEventListener('click', () => zoomTo(chart, zooms.get(chart) * 1.25));
  section.querySelector('.out').addEventListener('click', () => zoomTo(chart, zooms.get(chart) / 1.25));
  section.querySelector('.fit').addEventListener('click', () => zoomTo(chart, fitZoom(chart)));
  section.querySelector('.reset').addEventListener('click', () => zoomTo(chart, CHART_ZOOM));
}

Promise.all(charts.map((id) => fetch('/charts/' + id + '.svg').then((r) => r.text()).then((svg) => {
  document.querySelector('#chart-' + id + ' .svg').innerHTML = svg.replace(/^[^]*?(<svg)/, '$1');
  zoomTo(id, CHART_ZOOM);
}))).then(() => {
  const status = document.getElementById('status');
  const socket = new WebSocket('ws://127.0.0.1:${port}');
  socket.onopen = () => { status.textContent = 'live'; status.className = 'live'; document.body.dataset.live = 'true'; };
  socket.onclose = () => { status.textContent = 'disconnected'; status.className = 'down'; document.body.dataset.live = 'false'; };
  socket.onmessage = (m) => handle(JSON.parse(m.data));
});
</script></body></html>
`;
}
