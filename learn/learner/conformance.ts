/**
 * The conformance test with k extra states, in the HSI form of the W-/Wp-method (Chow 1978; Fujiwara et al. 1991;
 * Petrenko and Yevtushenko's harmonized state identifiers; the family LearnLib and DTLS-Fuzzer run): the words that,
 * when the peer answers every one as the hypothesis does, prove the peer equivalent to it, provided the peer has at
 * most `extraStates` (k) more states than the hypothesis. With inputs I, access words P (one per state) and, for
 * each state t, its identifier H(t): one shortest word telling t apart from each other state u, the same word in H(u)
 * (harmonized), the tests are P · (ε ∪ I) · I^≤k · H(t) for the state t each prefix reaches: every transition, then
 * every middle of up to k inputs, then the words that identify the state reached.
 * Every output of a test is compared, so every word of up to k + 1 inputs after an access word is checked, whatever
 * follows it. A test is cut after the hypothesis's first `closed` (the peer must close there too, and after `closed`
 * every answer is `closed`).
 */
import { CLOSED } from '../sul.js';
import type { InputSymbol } from '../sul.js';
import type { MealyMachine } from './mealy.js';
import { accessWords, run, stateAfter } from './mealy.js';

/**
 * For every pair of states, a shortest word they answer differently (undefined for equivalent states): refinement by
 * word length, each pair separated at length j + 1 by an input leading to a pair separated at length j.
 */
export function separatingWords(h: MealyMachine): (InputSymbol[] | undefined)[][] {
  const n = h.next.length;
  const sep: (InputSymbol[] | undefined)[][] = Array.from({ length: n }, () => new Array(n).fill(undefined));
  let open: [number, number][] = [];
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      const i = h.inputs.findIndex((_, x) => h.output[p]![x] !== h.output[q]![x]);
      if (i >= 0) sep[p]![q] = sep[q]![p] = [h.inputs[i]!];
      else open.push([p, q]);
    }
  }
  for (let changed = true; changed && open.length > 0;) {
    const still: [number, number][] = [];
    const found: [number, number, InputSymbol[]][] = [];
    for (const [p, q] of open) {
      let w: InputSymbol[] | undefined;
      for (let x = 0; x < h.inputs.length && w === undefined; x++) {
        const tail = sep[h.next[p]![x]!]![h.next[q]![x]!];
        if (tail !== undefined) w = [h.inputs[x]!, ...tail];
      }
      if (w === undefined) still.push([p, q]);
      else found.push([p, q, w]);
    }
    // Set after the pass, so each word found in a pass is a shortest one.
    for (const [p, q, w] of found) sep[p]![q] = sep[q]![p] = w;
    changed = found.length > 0;
    open = still;
  }
  return sep;
}

/** The words up to `k` inputs long, shortest first. */
function middles(inputs: readonly InputSymbol[], k: number): InputSymbol[][] {
  const out: InputSymbol[][] = [[]];
  for (let from = 0, len = 0; len < k; len++) {
    const to = out.length;
    for (let m = from; m < to; m++) for (const i of inputs) out.push([...out[m]!, i]);
    from = to;
  }
  return out;
}

/**
 * Each state's identifier H(t): one shortest word telling t apart from each other state, without repeats (the same
 * word for the pair both ways: harmonized); `[[]]` for a machine of one state, so a test may end where it stands.
 */
export function stateIdentifiers(h: MealyMachine): InputSymbol[][][] {
  return separatingWords(h).map((row, s) => {
    const words = unique(row.filter((w, t): w is InputSymbol[] => t !== s && w !== undefined));
    return words.length === 0 ? [[]] : words;
  });
}

/** The words without repeats. */
function unique(words: readonly InputSymbol[][]): InputSymbol[][] {
  return [...new Map(words.map((w) => [w.join('\u0000'), w])).values()];
}

/** A test cut after the hypothesis's first `closed` answer. */
export function cut(h: MealyMachine, word: InputSymbol[]): InputSymbol[] {
  const k = run(h, word).indexOf(CLOSED);
  return k < 0 ? word : word.slice(0, k + 1);
}

/**
 * The conformance tests for a hypothesis and k extra states, each cut after the hypothesis's first `closed`, without
 * repeats, in a fixed order (shortest middles first).
 */
export function* wpSuite(h: MealyMachine, k: number): Generator<InputSymbol[]> {
  for (const [test] of wpTests(h, k)) yield test;
}

/**
 * The same tests by the length of their middle: entry j holds the tests the suite for j extra states adds to the one
 * for j - 1 (entry 0 is the suite for 0), so the suite for j is entries 0..j.
 */
export function wpTiers(h: MealyMachine, k: number): InputSymbol[][][] {
  const tiers: InputSymbol[][][] = Array.from({ length: k + 1 }, () => []);
  for (const [test, j] of wpTests(h, k)) tiers[j]!.push(test);
  return tiers;
}

/** The suite's tests, each with the length of its middle. */
function* wpTests(h: MealyMachine, k: number): Generator<[InputSymbol[], number]> {
  const n = h.next.length;
  const access = accessWords(h);
  const local = stateIdentifiers(h);
  const accessKeys = new Set(access.flatMap((w) => (w === undefined ? [] : [w.join('\u0000')])));
  const seen = new Set<string>();
  let tier = 0;
  const emit = function* (word: InputSymbol[]): Generator<[InputSymbol[], number]> {
    const test = cut(h, word);
    const key = test.join('\u0000');
    if (seen.has(key)) return;
    seen.add(key);
    yield [test, tier];
  };
  const identify = function* (prefix: InputSymbol[]): Generator<[InputSymbol[], number]> {
    for (const w of local[stateAfter(h, prefix)]!) yield* emit([...prefix, ...w]);
  };
  for (const middle of middles(h.inputs, k)) {
    tier = middle.length;
    for (let s = 0; s < n; s++) {
      const p = access[s];
      if (p === undefined) continue;
      yield* identify([...p, ...middle]);
      for (const a of h.inputs) {
        if (accessKeys.has([...p, a].join('\u0000'))) continue; // in P: its middles are in the first part
        yield* identify([...p, a, ...middle]);
      }
    }
  }
}
