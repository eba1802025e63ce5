/**
 * The conformance test with k extra states, in the HSI form of the W-/Wp-method (Chow 1978; Fujiwara et al. 1991;
 * Petrenko and Yevtushenko's harmonized state identifiers; the family LearnLib and DTLS-Fuzzer run): the words that,
 * when the peer answers every one as the hypothesis does, prove the peer equivalent to it, provided the peer has at
 * most `extraStates` (k) more states than the hypothesis. With inputs I, access words P (one per state) and, for
 * each state t, its identifier H(t): words telling t apart from every other state u, harmonized (a word of H(t) and
 * one of H(u) share a prefix that tells t and u apart; `stateIdentifiers`), the tests are P · (ε ∪ I) · I^≤k · H(t) for the state t each prefix reaches: every transition, then
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
 * Each state's identifier H(t), harmonized: for every two states t ≠ u, a word of H(t) and a word of H(u) have a common
 * prefix that t and u answer differently, which is all the suite needs of them (the HSI method's condition, Petrenko
 * and Yevtushenko; the Wp-method's identification sets W_t (Fujiwara et al. 1991) with the pairs' words shared). Built
 * as an adaptive splitting tree (Lee and Yannakakis 1994): all states start at the root; at a node, one word that
 * tells two of its current states apart (a shortest one, `separatingWords`) is applied to every state there, chosen so
 * that the fewest states it does not tell apart end in the same state, then the most answer classes; the states are
 * split by their answers and each class goes on from the states the word led to. A state's path from the root to its
 * leaf is one word of H(t), which tells it apart from every state that left its node at a split (the path up to that
 * split is the common prefix). Two states the tree never splits (the word led both to one state with the same answers)
 * get their shortest separating word, in both identifiers. Most states end with one word where the pairwise identifiers
 * (`pairwiseIdentifiers`) have one per other state, so the suite has about as many tests as transitions times middles.
 * `[[]]` for a machine of one state, so a test may end where it stands.
 */
export function stateIdentifiers(h: MealyMachine): InputSymbol[][][] {
  const sep = separatingWords(h);
  const ids: InputSymbol[][][] = h.next.map(() => []);
  const unsplit: [number, number][] = [];
  /** A node: its current states, each with the states it started from; and the word from the root. */
  const leaf = (from: readonly number[], path: InputSymbol[]): void => {
    for (let a = 0; a < from.length; a++) {
      ids[from[a]!]!.push(path);
      for (let b = a + 1; b < from.length; b++) unsplit.push([from[a]!, from[b]!]);
    }
  };
  const split = (node: ReadonlyMap<number, number[]>, path: InputSymbol[]): void => {
    let best: { readonly classes: Map<string, Map<number, number[]>>; readonly w: InputSymbol[] } | undefined;
    let bestScore: readonly [number, number, number] | undefined;
    const tried = new Set<string>();
    const current = [...node.keys()];
    const candidates: InputSymbol[][] = [];
    for (let a = 0; a < current.length; a++) {
      for (let b = a + 1; b < current.length; b++) {
        const w = sep[current[a]!]![current[b]!];
        if (w === undefined) continue; // equivalent states: nothing tells them apart
        for (let n = 1; n <= w.length; n++) candidates.push(w.slice(0, n));
      }
    }
    for (const w of candidates) {
      const key = w.join('\u0000');
      if (tried.has(key)) continue;
      tried.add(key);
      const classes = new Map<string, Map<number, number[]>>();
      let merged = 0;
      for (const [s, from] of node) {
        const answers = run(h, w, s).join('\u0000');
        const to = stateAfter(h, w, s);
        let c = classes.get(answers);
        if (c === undefined) classes.set(answers, (c = new Map()));
        const there = c.get(to);
        if (there === undefined) c.set(to, [...from]);
        else {
          merged += there.length * from.length;
          there.push(...from);
        }
      }
      if (classes.size < 2) continue; // tells none apart: no progress
      const score = [merged, -classes.size, w.length] as const;
      if (bestScore === undefined || before(score, bestScore)) [best, bestScore] = [{ classes, w }, score];
    }
    // One state left (or only equivalent ones): a leaf.
    if (best === undefined) leaf([...node.values()].flat(), path);
    else for (const c of best.classes.values()) split(c, [...path, ...best.w]);
  };
  split(new Map(h.next.map((_, s) => [s, [s]])), []);
  for (const [t, u] of unsplit) {
    const w = sep[t]![u];
    if (w === undefined) continue; // equivalent states
    ids[t]!.push(w);
    ids[u]!.push(w);
  }
  return ids.map((words) => {
    const kept = maximalWords(unique(words).filter((w) => w.length > 0));
    return kept.length === 0 ? [[]] : kept;
  });
}

/** Whether score `a` is lexicographically smaller than `b`. */
function before(a: readonly number[], b: readonly number[]): boolean {
  const k = a.findIndex((x, i) => x !== b[i]);
  return k >= 0 && a[k]! < b[k]!;
}

/**
 * Pairwise identifiers: for each state, one shortest word telling it apart from each other state, without repeats
 * (harmonized: the same word for the pair both ways). Also a valid H(t), with one word per other state where
 * `stateIdentifiers` mostly has one; the tests compare the two suites.
 */
export function pairwiseIdentifiers(h: MealyMachine): InputSymbol[][][] {
  return separatingWords(h).map((row, s) => {
    const words = unique(row.filter((w, t): w is InputSymbol[] => t !== s && w !== undefined));
    return words.length === 0 ? [[]] : words;
  });
}

/** The words that are not a prefix of another in the list: a test ending in a longer word answers the shorter. */
function maximalWords(words: readonly InputSymbol[][]): InputSymbol[][] {
  return words.filter((w) => !words.some((v) => v.length > w.length && w.every((x, i) => v[i] === x)));
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
 * repeats, in a fixed order (shortest middles first); `ids` the state identifiers (default `stateIdentifiers`), any
 * harmonized ones giving the same guarantee.
 */
export function* wpSuite(h: MealyMachine, k: number, ids = stateIdentifiers(h)): Generator<InputSymbol[]> {
  for (const [test] of wpTests(h, k, ids)) yield test;
}

/**
 * The same tests by the length of their middle: entry j holds the tests the suite for j extra states adds to the one
 * for j - 1 (entry 0 is the suite for 0), so the suite for j is entries 0..j.
 */
export function wpTiers(h: MealyMachine, k: number, ids = stateIdentifiers(h)): InputSymbol[][][] {
  const tiers: InputSymbol[][][] = Array.from({ length: k + 1 }, () => []);
  for (const [test, j] of wpTests(h, k, ids)) tiers[j]!.push(test);
  return tiers;
}

/** The suite's tests, each with the length of its middle. */
function* wpTests(h: MealyMachine, k: number, local: InputSymbol[][][]): Generator<[InputSymbol[], number]> {
  const n = h.next.length;
  const access = accessWords(h);
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
