/** Mealy machines for the learner's tests: random ones of a given size, and small hand-made DTLS-like ones. */
import type { MealyMachine } from '../../learn/learner/mealy.js';
import { SeededRandom } from '../../learn/learner/random.js';

/**
 * A random machine with every state reachable: state s > 0 is first reached from an earlier state (a spanning tree),
 * every other transition goes anywhere; outputs are drawn from `outputs` symbols, and with `closing`, one output is
 * `closed` into a sink that answers `closed` to everything (as a peer that ended the session).
 */
export function randomMachine(seed: number, states: number, inputs: number, outputs = 3, closing = false): MealyMachine {
  const r = new SeededRandom(seed);
  const names = Array.from({ length: inputs }, (_, i) => `i${i}`);
  const outs = Array.from({ length: outputs }, (_, o) => `o${o}`);
  const live = closing ? states - 1 : states;
  const next = Array.from({ length: states }, () => Array.from({ length: inputs }, () => r.below(live)));
  const output = Array.from({ length: states }, () => Array.from({ length: inputs }, () => r.pick(outs)));
  const spanning = new Set<string>();
  for (let s = 1; s < live; s++) {
    const [from, i] = [r.below(s), r.below(inputs)];
    next[from]![i] = s;
    spanning.add(`${from},${i}`);
  }
  if (closing) {
    const sink = states - 1;
    next[sink] = names.map(() => sink);
    output[sink] = names.map(() => 'closed');
    // A fifth of the other live transitions close the session.
    for (let s = 0; s < live; s++) {
      for (let i = 0; i < inputs; i++) if (!spanning.has(`${s},${i}`) && r.next() < 0.2) [next[s]![i], output[s]![i]] = [sink, 'closed'];
    }
  }
  return { inputs: names, next, output };
}
