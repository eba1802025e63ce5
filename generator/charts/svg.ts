/**
 * Every chart as a picture: chart JSON → Graphviz DOT → SVG, rendered by
 * @viz-js/viz (Graphviz compiled to WebAssembly, so no system Graphviz and
 * the same bytes on every machine). Each state is a node whose `<title>` is
 * its dotted path and whose group carries `data-state`, so a page can light
 * up the active states; compound states are clusters. Written to
 * generated/charts/<id>.svg: the README and the offline inspector page
 * show them.
 */
import type { ChartIR } from './model.js';

type Json = Readonly<Record<string, unknown>>;

interface Edge {
  readonly from: string;
  readonly to: string | undefined;
  readonly label: string;
}

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function transitions(v: unknown): Json[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((t) => (typeof t === 'string' ? { target: t } : (asObject(t) ?? {})));
}

function guardName(g: unknown): string | undefined {
  if (typeof g === 'string') return g;
  const o = asObject(g);
  return typeof o?.type === 'string' ? o.type : undefined;
}

/** The dotted path a target names, seen from the state at `path` (sibling by default; `.child`; `#chart.path`). */
function resolveTarget(chartId: string, path: string, target: string): string {
  if (target.startsWith(`#${chartId}.`)) return target.slice(chartId.length + 2);
  if (target.startsWith('.')) return path === '' ? target.slice(1) : `${path}${target}`;
  const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
  return parent === '' ? target : `${parent}.${target}`;
}

function collect(chartId: string, node: Json, path: string, edges: Edge[]): void {
  const add = (label: string, list: unknown): void => {
    for (const t of transitions(list)) {
      const g = guardName(t.guard);
      const target = typeof t.target === 'string' ? resolveTarget(chartId, path, t.target) : undefined;
      edges.push({ from: path, to: target, label: g ? `${label} [${g}]` : label });
    }
  };
  for (const [event, list] of Object.entries(asObject(node.on) ?? {})) add(event, list);
  if (node.always !== undefined) add('always', node.always);
  for (const [delay, list] of Object.entries(asObject(node.after) ?? {})) add(`after ${delay}`, list);
  if (node.onDone !== undefined) add('done', node.onDone);
  for (const [name, child] of Object.entries(asObject(node.states) ?? {}))
    collect(chartId, asObject(child) ?? {}, path === '' ? name : `${path}.${name}`, edges);
}

/** The chart as a DOT digraph: states as nodes (finals double-bordered), transitions as edges labelled event [guard]. */
export function chartDot(chart: ChartIR): string {
  const lines = [
    `digraph ${quote(chart.id)} {`,
    '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.45];',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#4a5568", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9, color="#718096", fontcolor="#4a5568"];',
  ];
  const states = (node: Json, path: string, indent: string): void => {
    const initial = typeof node.initial === 'string' ? node.initial : undefined;
    for (const [name, raw] of Object.entries(asObject(node.states) ?? {})) {
      const child = asObject(raw) ?? {};
      const id = path === '' ? name : `${path}.${name}`;
      if (asObject(child.states)) {
        lines.push(
          `${indent}subgraph ${quote(`cluster_${id}`)} {`,
          `${indent}  label=${quote(name)}; style="rounded"; color="#a0aec0";`,
        );
        states(child, id, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        const final = child.type === 'final';
        lines.push(
          `${indent}${quote(id)} [label=${quote(name)}, id=${quote(`state:${id}`)}${final ? ', peripheries=2' : ''}];`,
        );
      }
      if (name === initial) {
        const start = `${id}.__initial`;
        lines.push(
          `${indent}${quote(start)} [shape=point, width=0.12, label="", fillcolor="#2d3748"];`,
          `${indent}${quote(start)} -> ${quote(id)};`,
        );
      }
    }
  };
  states(chart.config, '', '  ');
  const edges: Edge[] = [];
  collect(chart.id, chart.config, '', edges);
  // Transitions without a target (actions only) are one dashed loop per state, listing their events.
  const internal = new Map<string, string[]>();
  // Transitions of the chart's root apply in every state: they leave a pseudo-state "any state".
  if (edges.some((e) => e.from === ''))
    lines.push(`  "" [label="any state", style="rounded,dashed", color="#a0aec0", fontcolor="#718096"];`);
  for (const e of edges) {
    if (e.to === undefined) internal.set(e.from, [...(internal.get(e.from) ?? []), e.label]);
    else lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(` ${e.label} `)}];`);
  }
  for (const [state, labels] of internal) {
    const label = `"${labels.map((l) => ` ${l} `.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\n')}"`;
    lines.push(`  ${quote(state)} -> ${quote(state)} [label=${label}, style=dashed];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** generated/charts/<id>.svg for every chart. */
export async function chartSvgs(charts: readonly ChartIR[]): Promise<Map<string, string>> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const out = new Map<string, string>();
  for (const c of charts) {
    const svg = viz.renderString(chartDot(c), { format: 'svg', engine: 'dot' });
    out.set(
      `generated/charts/${c.id}.svg`,
      svg.replace(
        /<!-- Generated by graphviz[^>]*-->\n/,
        `<!-- @generated by dtls13 generate from ${c.path} — DO NOT EDIT. -->\n`,
      ),
    );
  }
  return out;
}
