/**
 * Places where the peer keeps giving two answers to the same inputs (observation-tree.ts `flipping`), and whether those
 * answers follow time: a peer whose answer depends on a timer (GnuTLS's 1.2 server resends its last flight to a
 * repeated Finished only once its retransmission timer has run, docs/learn.md) answers one way when the input comes
 * soon after its last answer and the other way when it comes later. Each vote carries the ms from the peer's previous
 * answer other than `timeout` to the sending of the input; the two most given answers' times are compared with an
 * exact two-sided Mann-Whitney test. When they differ (p below {@link TIME_P}) the place is called time-dependent; when
 * not, nondeterministic (noise, a random choice, or a cause not measured). A place whose times cannot differ (a
 * session's first input, sent 0 ms after its start in every vote) is untimed: it says nothing about time either way.
 */
import type { InputSymbol, OutputSymbol } from '../sul.js';
import type { TreeEdge } from './observation-tree.js';
import type { Nondeterminism } from './query-runner.js';

/** The p-value below which two answers' elapsed times are taken to differ. */
export const TIME_P = 0.01;

/** A place that keeps flipping, with the times behind its answers. */
export interface Flipping extends Nondeterminism {
  /**
   * Per answer, how many of its votes were timed and the median ms from the peer's previous answer other than
   * `timeout` (or the session's start) to the sending of the last input; empty when the place is not `timed` (every
   * vote came the same ms after that answer: 0 ms when the step before answered, so a median would say nothing).
   */
  readonly elapsed: Readonly<Record<OutputSymbol, { readonly median: number; readonly votes: number }>>;
  /**
   * `time`: the two most given answers came after different times (p < {@link TIME_P}), the peer's answer depends on
   * time, not only on the inputs; `unknown`: they did not, the peer is nondeterministic for a reason not measured.
   */
  readonly cause: 'time' | 'unknown';
  /** The Mann-Whitney test's two-sided p-value (1 when fewer than two answers were timed). */
  readonly p: number;
  /**
   * Whether the two most given answers' times could tell them apart: false when one of them has no timed vote or
   * every timed vote of both came after the same ms (a session's first input), so p = 1 is no evidence.
   */
  readonly timed: boolean;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The exact two-sided p-value of the Mann-Whitney U test of samples a and b (ties counted as a half), from the number
 * of the C(n, m) orderings whose U is as far from its mean as the one seen.
 */
export function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return 1;
  let u = 0;
  for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
  // ways[j][k]: orderings of j of a and some of b with U = k, built one b at a time (U's distribution under H0).
  let ways: number[][] = Array.from({ length: m + 1 }, (_, j) => (j === 0 ? [1] : [1]));
  for (let i = 1; i <= n; i++) {
    const next: number[][] = [];
    for (let j = 0; j <= m; j++) {
      // The largest of j a's and i b's is either an a (it beats all i b's) or a b.
      const row = new Array<number>(j * i + 1).fill(0);
      (ways[j] ?? []).forEach((w, k) => (row[k] = (row[k] ?? 0) + w));
      if (j > 0) (next[j - 1] ?? []).forEach((w, k) => (row[k + i] = (row[k + i] ?? 0) + w));
      next.push(row);
    }
    ways = next;
  }
  const counts = ways[m]!;
  const all = counts.reduce((s, w) => s + w, 0);
  const far = Math.abs(u - (m * n) / 2);
  let tail = 0;
  counts.forEach((w, k) => {
    if (Math.abs(k - (m * n) / 2) >= far - 1e-9) tail += w;
  });
  return Math.min(1, tail / all);
}

/** A flipping place: its votes, the answers' times, and whether those times tell the answers apart. */
export function describeFlipping(word: readonly InputSymbol[], edge: TreeEdge): Flipping {
  const byVotes = [...edge.votes].sort((x, y) => y[1] - x[1]);
  const [first, second] = byVotes.map(([o]) => edge.elapsed.get(o) ?? []);
  const p = first !== undefined && second !== undefined ? mannWhitneyP(first, second) : 1;
  const both = [...(first ?? []), ...(second ?? [])];
  const timed = (first?.length ?? 0) > 0 && (second?.length ?? 0) > 0 && both.some((ms) => ms !== both[0]);
  const elapsed: Record<OutputSymbol, { median: number; votes: number }> = {};
  for (const [o] of timed ? byVotes : []) {
    const times = edge.elapsed.get(o) ?? [];
    if (times.length > 0) elapsed[o] = { median: Math.round(median(times)), votes: times.length };
  }
  return {
    word: [...word],
    answers: Object.fromEntries(edge.votes),
    kept: edge.output,
    elapsed,
    cause: p < TIME_P ? 'time' : 'unknown',
    p: Number(p.toPrecision(3)),
    timed,
  };
}

/** `W (A 12x after 62 ms, B 30x after 41 ms)`: a place, its answers and their median times (when timed). */
export function flippingText(f: Flipping): string {
  const answers = Object.entries(f.answers).map(([o, c]) => {
    const t = f.elapsed[o];
    return `${o} ${c}x${t === undefined ? '' : ` after ${t.median} ms`}`;
  });
  return `${f.word.join(' ')} (${answers.join(', ')})`;
}

/** What the flipping places say together: whether the peer's answers follow time, with the combined p-value. */
export interface FlippingVerdict {
  /** `time`: the answers follow the ms since the peer's previous answer (p < {@link TIME_P}); else `unknown`. */
  readonly cause: 'time' | 'unknown';
  /** Fisher's combination of the timed places' p-values (each place's own test: `Flipping.p`). */
  readonly p: number;
  /** The timed places combined (`Flipping.timed`): 0 when no place's times could tell its answers apart. */
  readonly places: number;
}

/**
 * Fisher's method: -2 Σ ln p over k places is χ² with 2k degrees of freedom when no place's answers follow time;
 * its tail for an even number of degrees is e^(-x/2) Σ_{j<k} (x/2)^j / j!. Untimed places are left out: their p = 1
 * is no evidence, and each would add two degrees of freedom.
 */
export function flippingVerdict(flipping: readonly Flipping[]): FlippingVerdict {
  const places = flipping.filter((f) => f.timed);
  const half = places.reduce((s, f) => s - Math.log(Math.max(f.p, 1e-300)), 0);
  let term = 1;
  let sum = 0;
  for (let j = 0; j < places.length; j++) {
    if (j > 0) term *= half / j;
    sum += term;
  }
  const p = places.length === 0 ? 1 : Math.min(1, Math.exp(-half) * sum);
  return { cause: p < TIME_P ? 'time' : 'unknown', p: Number(p.toPrecision(3)), places: places.length };
}

/**
 * The verdict in words: "its answers depend on time, ...", "it is nondeterministic ...", or, when no place was timed,
 * that time cannot be told.
 */
export function verdictText(v: FlippingVerdict): string {
  if (v.places === 0)
    return "whether its answers depend on time is not known (at each place every answer came the same ms after the peer's previous answer, as a session's first input does)";
  return v.cause === 'time'
    ? `its answers depend on time, not only on the inputs (they follow the ms since its previous answer: p = ${v.p})`
    : `it is nondeterministic (its answers do not follow the ms since its previous answer: p = ${v.p})`;
}

/** Why learning a peer with these flipping places stops, in words, with the first three places. */
export function flippingReason(places: readonly Flipping[], limit: number): string {
  const shown = places.slice(0, 3).map(flippingText).join('; ');
  const more = places.length > 3 ? `; and ${places.length - 3} more` : '';
  return (
    `the peer does not converge: its answers to the same inputs keep flipping at ${places.length} places ` +
    `(more than ${limit}); ${verdictText(flippingVerdict(places))}: ${shown}${more}`
  );
}

/**
 * The lines that say a run did not converge (the DOT's note, `dtls13 learn`'s stderr): the verdict, then each place
 * with its answers, their counts and median times.
 */
export function flippingLines(places: readonly Flipping[]): string[] {
  if (places.length === 0) return [];
  const v = flippingVerdict(places);
  return [
    `does not converge: the answers keep flipping at ${places.length} ${places.length === 1 ? 'place' : 'places'}; ${verdictText(v)}`,
    ...places.map((f) => `flipping: ${flippingText(f)}`),
  ];
}
