/**
 * The committed chart pictures (generated/charts/*.svg, from `dtls13
 * generate`): every state of every chart is a node the inspector page can
 * light up (id `state:PATH`), and every event the chart handles labels an edge.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chartDot } from '../../generator/charts/svg.js';
import { loadCharts } from '../../generator/charts/load.js';
import { buildIR } from '../../generator/ir/build.js';
import { loadKsyDir } from '../../generator/ksy/load.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function charts() {
  const ir = buildIR(loadKsyDir(ROOT, 'spec/wire'));
  const wireNames = new Set([
    ...[...ir.types.values()].map((t) => t.tsName),
    ...[...ir.enums.values()].map((e) => e.tsName),
  ]);
  return loadCharts(ROOT, 'spec/charts', wireNames);
}

test('every state is a node with its path as id, every handled event labels an edge', (t) => {
  const all = charts();
  t.true(all.length >= 3);
  for (const c of all) {
    const svg = readFileSync(`${ROOT}generated/charts/${c.id}.svg`, 'utf8');
    t.regex(svg, /^<\?xml[^]*<svg /);
    for (const state of c.states) t.true(svg.includes(`id="state:${state}"`), `${c.id}: state ${state}`);
    for (const event of c.events) t.true(new RegExp(`>\\s*${event}( \\[|\\s*<)`).test(svg), `${c.id}: event ${event}`);
  }
});

test('the DOT resolves sibling targets and draws actions-only transitions as dashed loops', (t) => {
  const client = charts().find((c) => c.id === 'dtls13-client')!;
  const dot = chartDot(client);
  t.regex(dot, /"start" -> "waitServerHello" \[label=" connect "\]/);
  t.regex(dot, /"connected" -> "connected" \[label="[^"]*updateKeys[^"]*", style=dashed\]/);
  t.regex(dot, /"closed" \[label="closed", id="state:closed", peripheries=2\]/);
});
