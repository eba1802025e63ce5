/**
 * Exact bounds on a probability from counts (Clopper-Pearson): the drop
 * probability an SLO bounds is read from the records offered and dropped
 * over every seed, so zero drops in n records bound it only below
 * 1 − (1 − confidence)^(1/n), about 3 / n at 95%, never 0. And how many
 * records a target needs before any run could resolve it, for a drop
 * probability and for a latency percentile alike (the distribution-free
 * order-statistic bound on a quantile needs as many).
 *
 * The binomial tail is the regularized incomplete beta function
 * (P(X ≤ k) = 1 − I_p(k + 1, n − k)), evaluated by its continued fraction
 * with the log-gamma of Lanczos' approximation; the bounds are found by
 * bisection on p.
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x), x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The p at which the increasing function `f` reaches `target`, in [lo, hi], by bisection (in log space below 1e-3). */
function solve(f: (p: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
    if (hi - lo <= hi * 1e-12) break;
  }
  return hi;
}

function check(k: number, n: number, confidence: number): void {
  if (!(Number.isInteger(n) && n >= 0 && Number.isInteger(k) && k >= 0 && k <= n))
    throw new RangeError(`counts must be whole numbers with 0 ≤ k ≤ n, got k ${String(k)}, n ${String(n)}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * The one-sided upper Clopper-Pearson bound on p from `k` events in `n`
 * trials: the p at which P(X ≤ k) = 1 − confidence (1 with no trials).
 */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  check(k, n, confidence);
  if (n === 0 || k === n) return 1;
  const alpha = 1 - confidence;
  if (k === 0) return -Math.expm1(Math.log(alpha) / n);
  // P(X ≤ k) = 1 − I_p(k + 1, n − k) falls as p grows: solve I_p(k + 1, n − k) = 1 − alpha.
  return solve((p) => incompleteBeta(p, k + 1, n - k), confidence, k / n, 1);
}

/** The one-sided lower Clopper-Pearson bound: the p at which P(X ≥ k) = 1 − confidence (0 with no events). */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  check(k, n, confidence);
  if (k === 0) return 0;
  if (k === n) return Math.exp(Math.log(1 - confidence) / n);
  // P(X ≥ k) = I_p(k, n − k + 1) grows with p.
  return solve((p) => incompleteBeta(p, k, n - k + 1), 1 - confidence, 0, k / n);
}

/**
 * The records a run must offer before zero drops in them bound the drop
 * probability at or below `target` at `confidence` (about 3 / target at
 * 95%): fewer cannot resolve the target whatever they show. The same count
 * resolves a latency percentile q with target 1 − q: the largest of n
 * records bounds the q-quantile from above at `confidence` only when
 * 1 − q^n ≥ confidence.
 */
export function recordsToResolve(target: number, confidence: number): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`target must be in (0, 1), got ${target}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return Math.ceil(Math.log(1 - confidence) / Math.log1p(-target));
}
