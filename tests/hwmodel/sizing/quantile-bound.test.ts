/**
 * The latency bound as an order statistic of every seed's records pooled: its rank against the binomial computed
 * term by term, its coverage of a known distribution's quantile, the histogram's reading of it, and an SLO row too
 * short to hold that order statistic left "not resolved".
 */
import test from 'ava';
import { SeededRandom } from '../../../hwmodel/kernel/index.js';
import { recordsToResolve } from '../../../hwmodel/sizing/workload/binomial-bound.js';
import { deviceCosts } from '../../../hwmodel/sizing/workload/device.js';
import { LatencyHistogram } from '../../../hwmodel/sizing/workload/latency-histogram.js';
import { quantileBound, upperOrderRank } from '../../../hwmodel/sizing/workload/quantile-bound.js';
import { replicate } from '../../../hwmodel/sizing/workload/replicate.js';
import { evaluateSlos } from '../../../hwmodel/sizing/workload/slo.js';
import { checkTraffic, IMIX } from '../../../hwmodel/sizing/workload/traffic.js';
import { asicEngine, asicTargets, defaultSlos, roomy } from './workload-fixtures.js';

/** P[Bin(n, q) ≤ k] summed term by term from the top (Y = n − X ~ Bin(n, 1 − q), its mean small enough not to underflow). */
function binomialCdf(n: number, q: number, k: number): number {
  const p = 1 - q;
  let term = (1 - p) ** n; // P[Y = 0]
  let below = 0; // P[Y < n − k] = P[X > k]
  for (let y = 0; y < n - k; y++) {
    below += term;
    term *= ((n - y) / (y + 1)) * (p / (1 - p));
  }
  return 1 - below;
}

test('the rank is the smallest r with P[Bin(n, q) < r] ≥ 95%, by the binomial summed term by term', (t) => {
  for (const [n, q] of [
    [299, 0.99],
    [300, 0.99],
    [1000, 0.99],
    [10_000, 0.99],
    [2995, 0.999],
    [50_000, 0.999],
    [200_000, 0.999],
  ] as const) {
    const r = upperOrderRank(n, q, 0.95);
    t.not(r, undefined, `${n} records at q ${q}`);
    t.true(binomialCdf(n, q, r! - 1) >= 0.95, `n ${n} q ${q}: rank ${r!} covers`);
    t.true(r === 1 || binomialCdf(n, q, r! - 2) < 0.95, `n ${n} q ${q}: rank ${r! - 1} would not`);
  }
  // Too few records: not even the largest bounds the quantile (the same count a drop probability of 1 − q needs).
  t.is(upperOrderRank(recordsToResolve(0.001, 0.95) - 1, 0.999, 0.95), undefined);
  t.is(upperOrderRank(recordsToResolve(0.001, 0.95), 0.999, 0.95), recordsToResolve(0.001, 0.95));
  t.is(upperOrderRank(298, 0.99, 0.95), undefined);
  // Many records: the rank sits about 1.645 standard deviations above n q.
  const n = 483_000_000;
  const r = upperOrderRank(n, 0.999, 0.95)!;
  const z = (r - n * 0.999) / Math.sqrt(n * 0.999 * 0.001);
  t.true(z > 1.6 && z < 1.7, `z ${z}`);
});

test('over a known distribution the bound covers the true quantile in about 95% of draws; the point estimate does not', (t) => {
  // Exponential records of mean 1 µs: the 99th percentile is ln 100 µs. 400 independent draws of 3,000 records.
  const rng = new SeededRandom(78);
  const truth = Math.log(100) * 1000;
  let covered = 0;
  let pointCovered = 0;
  const draws = 400;
  for (let d = 0; d < draws; d++) {
    const h = new LatencyHistogram();
    const xs: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const x = rng.exponential(1000);
      xs.push(x);
      h.add(x);
    }
    const b = quantileBound(h, 0, 0.99, 0.95);
    // The histogram reads the rank-th smallest record at its bin's upper edge: never below it, less than 1% above.
    xs.sort((a, c) => a - c);
    const exact = xs[b.rank! - 1]!;
    t.true(b.boundNs >= exact && b.boundNs <= exact * 1.01, `bound ${b.boundNs} against record ${exact}`);
    if (b.boundNs >= truth) covered++;
    if (b.pointNs >= truth) pointCovered++;
  }
  // Bin(400, 0.95) falls below 366 with probability under 1%; the point estimate covers about half the time.
  t.true(covered >= 366, `covered ${covered} of ${draws}`);
  t.true(pointCovered < 300, `point estimate covered ${pointCovered} of ${draws}`);
});

test('records never delivered rank above every delivered one', (t) => {
  const h = new LatencyHistogram();
  for (let i = 1; i <= 1000; i++) h.add(i);
  t.is(quantileBound(h, 20, 0.99, 0.95).boundNs, Infinity);
  t.true(Number.isFinite(quantileBound(h, 0, 0.99, 0.95).boundNs));
});

test('a p99.9 row with too few pooled records is not resolved, never met; with enough it is met by its order statistic', (t) => {
  const traffic = checkTraffic({ openGbps: 5, sealGbps: 5, mix: IMIX, handshakesPerSecond: 1000, sessions: 1000 });
  const costs = deviceCosts(asicEngine, asicTargets(), traffic);
  const slos = { ...defaultSlos, p99Us: 10, p999Us: 10 };
  const short = replicate(traffic, roomy, costs, { warmupUs: 10, windowUs: 60, replications: 3, seed: 1 });
  const shortRows = evaluateSlos(short, slos).rows;
  const p999 = shortRows.find((x) => x.metric === 'p999Us')!;
  t.true(p999.records < 2995, `${p999.records} records`);
  t.is(p999.recordsNeeded, 2995);
  t.is(p999.status, 'not resolved');
  t.false(p999.met);
  // Its point estimate is well within the limit: the row is held back by its records alone.
  t.true(p999.bound < 10, `point estimate ${p999.bound} µs`);
  // p99 on the same records is resolved: 299 are enough.
  t.is(shortRows.find((x) => x.metric === 'p99Us')!.status, 'met');

  const long = replicate(traffic, roomy, costs, { warmupUs: 10, windowUs: 300, replications: 3, seed: 1 });
  const row = evaluateSlos(long, slos).rows.find((x) => x.metric === 'p999Us')!;
  t.true(row.records >= 2995, `${row.records} records`);
  const pooled = LatencyHistogram.pooled(long.runs.map((x) => x.steady.wireRecords));
  const rank = upperOrderRank(row.records, 0.999, 0.95)!;
  t.true(
    row.method.startsWith(
      `order statistic ${rank.toLocaleString('en-US')} of ${row.records.toLocaleString('en-US')} pooled records, 95%`,
    ),
    row.method,
  );
  t.is(row.bound, pooled.atRank(rank) / 1000);
  t.true(row.bound >= pooled.quantile(0.999) / 1000);
  t.is(row.status, 'met');
  // The same row under a limit below its bound is not met (resolved): the bound decides.
  const tight = evaluateSlos(long, { ...slos, p999Us: row.bound * 0.99 }).rows.find((x) => x.metric === 'p999Us')!;
  t.is(tight.status, 'not met');
});
