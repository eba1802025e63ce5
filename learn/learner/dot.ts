/**
 * A learned model as Graphviz DOT: one node per state (s0 the initial one, marked by an arrow from a point), one edge
 * per pair of states with every `input / output` between them on its label, one per line.
 */
import type { MealyMachine } from './mealy.js';

export interface DotOptions {
  /** The graph's name (default `learned`). */
  readonly name?: string;
}

function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function modelToDot(model: MealyMachine, options: DotOptions = {}): string {
  const lines = [
    `digraph ${quoted(options.name ?? 'learned')} {`,
    '  rankdir=TB;',
    '  node [shape=circle, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  lines.push('  __start [shape=point, label=""];', '  __start -> s0;');
  model.next.forEach((_, s) => lines.push(`  s${s} [label="s${s}"];`));
  model.next.forEach((row, s) => {
    const labels = new Map<number, string[]>();
    row.forEach((t, i) => labels.set(t, [...(labels.get(t) ?? []), `${model.inputs[i]!} / ${model.output[s]![i]!}`]));
    for (const [t, parts] of labels) lines.push(`  s${s} -> s${t} [label=${quoted(parts.join('\n'))}];`);
  });
  lines.push('}', '');
  return lines.join('\n');
}
