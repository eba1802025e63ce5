/**
 * A learned model as Graphviz DOT: one node per state (s0 the initial one, marked by an arrow from a point), one edge
 * per pair of states with every `input / output` between them on its label, one per line. Labels are 11 pt, as large
 * as the largest of our charts' (generated/charts/). A finding's word can be highlighted: the edges it takes from s0
 * drawn red and bold, each of its steps marked `▶` on its line. States can carry a note (a second line: what our
 * chart's state a learned state was matched to), and states not matched drawn filled orange.
 */
import type { InputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';

export interface DotOptions {
  /** The graph's name (default `learned`). */
  readonly name?: string;
  /** A word whose path from s0 is drawn highlighted (a finding's), with what to call it below the graph. */
  readonly highlight?: { readonly word: readonly InputSymbol[]; readonly label: string };
  /** Per state (by number), a note drawn under its name, and whether it is drawn as unmatched (filled orange). */
  readonly states?: readonly { readonly note: string; readonly unmatched: boolean }[];
  /**
   * Words whose last step the peer answered either way (a run that did not converge, flipping.ts): that transition is
   * drawn dashed and marked `≈`, and `label` is written below the graph.
   */
  readonly flipping?: { readonly words: readonly (readonly InputSymbol[])[]; readonly label: string };
}

const HIGHLIGHT = '#c53030';
const UNMATCHED = '#fbd38d';

function quoted(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function modelToDot(model: MealyMachine, options: DotOptions = {}): string {
  const lines = [
    `digraph ${quoted(options.name ?? 'learned')} {`,
    '  rankdir=TB;',
    '  node [shape=circle, fontname="Helvetica", fontsize=14];',
    '  edge [fontname="Helvetica", fontsize=11];',
  ];
  lines.push('  __start [shape=point, label=""];', '  __start -> s0;');
  // The (state, input) steps of the highlighted word.
  const marked = new Set<string>();
  let at = 0;
  for (const input of options.highlight?.word ?? []) {
    const i = model.inputs.indexOf(input);
    if (i < 0) break;
    marked.add(`${at},${i}`);
    at = model.next[at]![i]!;
  }
  // The (state, input) last steps of the flipping words.
  const flipped = new Set<string>();
  for (const word of options.flipping?.words ?? []) {
    let state = 0;
    word.forEach((input, k) => {
      const i = model.inputs.indexOf(input);
      if (i < 0 || state < 0) return void (state = -1);
      if (k === word.length - 1) flipped.add(`${state},${i}`);
      state = model.next[state]![i]!;
    });
  }
  const notes = options.states;
  if (notes !== undefined) lines.push('  node [shape=box, style=rounded];');
  model.next.forEach((_, s) => {
    const note = notes?.[s];
    if (note === undefined) return void lines.push(`  s${s} [label="s${s}"];`);
    const fill = note.unmatched ? `, style="rounded,filled", fillcolor="${UNMATCHED}"` : '';
    lines.push(`  s${s} [label=${quoted(`s${s}\n${note.note}`)}${fill}];`);
  });
  model.next.forEach((row, s) => {
    const labels = new Map<number, string[]>();
    const hot = new Set<number>();
    const unsteady = new Set<number>();
    row.forEach((t, i) => {
      const mark = marked.has(`${s},${i}`);
      const flips = flipped.has(`${s},${i}`);
      if (mark) hot.add(t);
      if (flips) unsteady.add(t);
      const prefix = `${mark ? '▶ ' : ''}${flips ? '≈ ' : ''}`;
      labels.set(t, [...(labels.get(t) ?? []), `${prefix}${model.inputs[i]!} / ${model.output[s]![i]!}`]);
    });
    for (const [t, parts] of labels) {
      const style = hot.has(t) ? `, color="${HIGHLIGHT}", fontcolor="${HIGHLIGHT}", penwidth=3` : '';
      const dashed = unsteady.has(t) ? ', style=dashed' : '';
      lines.push(`  s${s} -> s${t} [label=${quoted(parts.join('\n'))}${style}${dashed}];`);
    }
  });
  const below = [options.highlight?.label, options.flipping?.label].filter((l) => l !== undefined);
  if (below.length > 0)
    lines.push(`  label=${quoted(below.join('\n'))}; labelloc=b; fontcolor="${HIGHLIGHT}"; fontsize=14;`);
  lines.push('}', '');
  return lines.join('\n');
}
