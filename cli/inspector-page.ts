/**
 * The offline inspector page `--inspect` serves at `/`: the chart pictures
 * `dtls13 generate` rendered (generated/charts/*.svg, served by the relay
 * itself, no internet needed), lit up live from the relay's WebSocket: for
 * each chart, its newest actor's (or the one picked) active state is
 * highlighted and the states it passed through are marked; below, the list of events with the state
 * each led to. The Stately inspector stays one click away (`/stately`).
 */

/** The chart ids the page shows, in order. */
export const PAGE_CHARTS = ['dtls13-client', 'dtls13-server', 'dtls13-flight'] as const;

export function inspectorPage(port: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dtls13 inspector</title>
<style>
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #1a202c; background: #f7fafc; }
header { display: flex; gap: 16px; align-items: baseline; padding: 8px 16px; background: #2d3748; color: #fff; }
header h1 { font-size: 15px; margin: 0; }
header a { color: #90cdf4; margin-left: auto; }
#status.live { color: #9ae6b4; } #status.down { color: #feb2b2; }
main { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; padding: 8px; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 6px; overflow: auto; max-height: 70vh; }
section h2 { font-size: 13px; margin: 0 0 4px; display: flex; gap: 8px; }
section h2 .state { font-weight: normal; color: #2b6cb0; }
section svg { width: 100%; height: auto; }
g.node.visited path, g.node.visited polygon { fill: #ebf8ff; }
g.node.active path, g.node.active polygon { fill: #fefcbf; stroke: #d69e2e; stroke-width: 2.5; }
#events { margin: 0 8px 8px; background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; max-height: 22vh; overflow: auto; }
#events table { border-collapse: collapse; width: 100%; font: 12px ui-monospace, monospace; }
#events td { padding: 1px 8px; border-bottom: 1px solid #edf2f7; white-space: nowrap; }
</style></head>
<body>
<header><h1>dtls13 handshake charts</h1><span id="status" class="down">connecting…</span>
<a href="/stately">open in the Stately inspector (online)</a></header>
<main>${PAGE_CHARTS.map((id) => `<section id="chart-${id}" data-chart="${id}"><h2>${id} <select class="actors" title="which actor of this chart to show; the newest by default" hidden></select> <span class="state" id="state-${id}">(no actor yet)</span></h2><div class="svg"></div></section>`).join('')}</main>
<div id="events"><table><tbody id="event-rows"></tbody></table></div>
<script>
const charts = ${JSON.stringify(PAGE_CHARTS)};
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
  document.querySelector('#chart-' + chart + ' .actors').addEventListener('change', (ev) => {
    latest.set(chart, ev.target.value);
    pinned.add(chart);
    paint(chart);
  });
}

Promise.all(charts.map((id) => fetch('/charts/' + id + '.svg').then((r) => r.text()).then((svg) => {
  document.querySelector('#chart-' + id + ' .svg').innerHTML = svg.replace(/^[^]*?(<svg)/, '$1');
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
