/**
 * The conformance test around the normal handshakes: every word within `distance` edits of a normal handshake (an edit
 * is one input substituted, inserted or deleted, or two adjacent inputs swapped: the Damerau-Levenshtein operations),
 * whole, with the rest of the handshake after the edit, followed by each word that identifies the hypothesis state it
 * reaches (conformance.ts's H(t), as the W-method appends them). Every output of a test is compared, so a peer that
 * passes answers every such word, and every prefix of one, as the hypothesis does, and ends each in a state the
 * hypothesis's identifiers cannot tell from the one the hypothesis reaches. This is where implementations differ and
 * where random tests and a small k miss: a handshake message one place early or late (the 1.2 ChangeCipherSpec before
 * ClientKeyExchange is a swap), repeated, left out or replaced, and how the handshake goes on after it. One edit costs
 * about as much as the suite for 0 extra states; two cost tens of times more (docs/learn.md counts both).
 */
import type { InputSymbol } from '../sul.js';
import { cut, stateIdentifiers } from './conformance.js';
import type { MealyMachine } from './mealy.js';
import { stateAfter } from './mealy.js';

const key = (w: readonly InputSymbol[]): string => w.join('\u0000');

/** Every word one edit from `word`. */
function oneEdit(word: readonly InputSymbol[], inputs: readonly InputSymbol[]): InputSymbol[][] {
  const out: InputSymbol[][] = [];
  for (let j = 0; j <= word.length; j++) {
    for (const a of inputs) out.push([...word.slice(0, j), a, ...word.slice(j)]);
    if (j === word.length) break;
    for (const a of inputs) if (a !== word[j]) out.push([...word.slice(0, j), a, ...word.slice(j + 1)]);
    out.push([...word.slice(0, j), ...word.slice(j + 1)]);
    if (j + 1 < word.length && word[j] !== word[j + 1])
      out.push([...word.slice(0, j), word[j + 1]!, word[j]!, ...word.slice(j + 2)]);
  }
  return out;
}

/** The words within `distance` edits of the seeds, the seeds first, then one edit away, then two; without repeats. */
export function editNeighbours(
  seeds: readonly (readonly InputSymbol[])[],
  inputs: readonly InputSymbol[],
  distance: number,
): InputSymbol[][] {
  const found = new Map<string, InputSymbol[]>();
  const fresh = (w: InputSymbol[]): boolean => !found.has(key(w)) && found.set(key(w), w) !== undefined;
  let frontier = seeds.map((s) => [...s]).filter(fresh);
  for (let d = 0; d < distance; d++) frontier = frontier.flatMap((w) => oneEdit(w, inputs).filter(fresh));
  return [...found.values()];
}

/**
 * The neighbourhood's tests for a hypothesis: every word within `distance` edits of a seed followed by each identifier
 * of the state it reaches, cut after the hypothesis's first `closed`, without repeats, in editNeighbours' order.
 */
export function* neighbourhoodSuite(
  h: MealyMachine,
  seeds: readonly (readonly InputSymbol[])[],
  distance: number,
): Generator<InputSymbol[]> {
  const ids = stateIdentifiers(h);
  const seen = new Set<string>();
  for (const word of editNeighbours(seeds, h.inputs, distance)) {
    for (const w of ids[stateAfter(h, word)]!) {
      const test = cut(h, [...word, ...w]);
      if (seen.has(key(test))) continue;
      seen.add(key(test));
      yield test;
    }
  }
}
