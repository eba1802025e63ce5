/**
 * The differences between two models over the same inputs (a peer's and our reference's): walking both from their
 * initial states along the words on which they agree, each place where one input gets different answers is one
 * difference, given with a shortest word that shows it. Past a difference the walk stops (what follows would only
 * repeat it).
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { MealyMachineError } from './mealy.js';

export interface ModelDifference {
  /** The inputs from the initial state; the last one is answered differently. */
  readonly word: readonly InputSymbol[];
  /** The answers of the first model to the word. */
  readonly first: readonly OutputSymbol[];
  /** The answers of the second model to the word. */
  readonly second: readonly OutputSymbol[];
  /** The states of each model the last input was sent in. */
  readonly states: readonly [number, number];
}

export function diffModels(a: MealyMachine, b: MealyMachine): ModelDifference[] {
  const missing = a.inputs.filter((i) => !b.inputs.includes(i));
  const extra = b.inputs.filter((i) => !a.inputs.includes(i));
  if (missing.length + extra.length > 0)
    throw new MealyMachineError(`the models' inputs differ: ${[...missing, ...extra].join(', ')}`);
  const seen = new Map<string, { word: InputSymbol[]; outputs: OutputSymbol[] }>([['0,0', { word: [], outputs: [] }]]);
  const queue: [number, number][] = [[0, 0]];
  const out: ModelDifference[] = [];
  for (let k = 0; k < queue.length; k++) {
    const [p, q] = queue[k]!;
    const path = seen.get(`${p},${q}`)!;
    a.inputs.forEach((input, i) => {
      const j = b.inputs.indexOf(input);
      const oa = a.output[p]![i]!;
      const ob = b.output[q]![j]!;
      if (oa !== ob) {
        out.push({
          word: [...path.word, input],
          first: [...path.outputs, oa],
          second: [...path.outputs, ob],
          states: [p, q],
        });
        return;
      }
      const key = `${a.next[p]![i]},${b.next[q]![j]}`;
      if (seen.has(key)) return;
      seen.set(key, { word: [...path.word, input], outputs: [...path.outputs, oa] });
      queue.push([a.next[p]![i]!, b.next[q]![j]!]);
    });
  }
  return out;
}
