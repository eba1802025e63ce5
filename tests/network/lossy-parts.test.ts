/**
 * The pure parts of `npm run bench -- lossy` (bench/lossy.ts) and of its
 * impairing relay (tests/network/impairment.ts): the per-cell statistics
 * and table, and netem's loss and reorder decisions on a seeded generator.
 */
import test from 'ava';
import { ratio, summarize, table, type Outcome } from '../../bench/lossy.js';
import { Impairment, parseImpairment, type ImpairedFate } from './impairment.js';

const ok = (ms: number): Outcome => ({ ok: true, ms });
const fail = (why: string): Outcome => ({ ok: false, ms: 20_000, why });

test('summarize: success rate over all attempts, median and p90 (nearest rank) over the successes only, the commonest failure', (t) => {
  const s = summarize([
    ok(50),
    fail('timeout'),
    ok(10),
    ok(40),
    ok(20),
    fail('alert'),
    ok(30),
    fail('timeout'),
    ok(60),
    ok(70),
    ok(80),
    ok(90),
    ok(100),
  ]);
  t.is(s.attempts, 13);
  t.is(s.successes, 10);
  t.is(s.successRate, 10 / 13);
  t.is(s.median, 50);
  t.is(s.p90, 90);
  t.is(s.failure, '2× timeout');
});

test('summarize: no attempts, and no successes, give NaN rather than a number', (t) => {
  const none = summarize([]);
  t.true(Number.isNaN(none.successRate) && Number.isNaN(none.median) && Number.isNaN(none.p90));
  t.is(none.failure, undefined);
  const failed = summarize([fail('x')]);
  t.is(failed.successRate, 0);
  t.true(Number.isNaN(failed.median));
});

test('ratio and table: each cell against the baseline row; missing figures print as -', (t) => {
  t.is(ratio(150, 100), '1.50×');
  t.is(ratio(Number.NaN, 100), '-');
  t.is(ratio(100, 0), '-');
  const base = summarize([ok(100), ok(200)]);
  const lines = table(
    [
      { name: 'a → b', summary: summarize([ok(50), ok(100), fail('t')]) },
      { name: 'base', summary: base },
      { name: 'none', summary: summarize([fail('t')]) },
    ],
    base,
  );
  t.is(lines.length, 4);
  t.regex(lines[1]!, /^ {2}a → b +2\/3 \(67 %\) +50 ms +100 ms +0\.50× +0\.50×$/);
  t.regex(lines[2]!, /1\.00× +1\.00×$/);
  t.regex(lines[3]!, /0\/1 \(0 %\) +- +- +- +-$/);
  t.is(new Set(lines.map((l) => l.length)).size, 1, 'columns aligned');
});

test('parseImpairment reads netem syntax and refuses what it does not know', (t) => {
  t.deepEqual(parseImpairment('loss 10% delay 10ms reorder 25% 50%'), {
    loss: 0.1,
    delayMs: 10,
    reorder: 0.25,
    reorderCorrelation: 0.5,
  });
  t.deepEqual(parseImpairment('loss 30%'), { loss: 0.3, delayMs: 0, reorder: 0, reorderCorrelation: 0 });
  t.deepEqual(parseImpairment(''), { loss: 0, delayMs: 0, reorder: 0, reorderCorrelation: 0 });
  t.throws(() => parseImpairment('loss 10'), { message: /percentage/ });
  t.throws(() => parseImpairment('delay 10'), { message: /ms/ });
  t.throws(() => parseImpairment('reorder 25%'), { message: /needs a delay/ });
  t.throws(() => parseImpairment('duplicate 1%'), { message: /unknown/ });
});

function fates(spec: string, n: number, seed = 12345): ImpairedFate[] {
  const impairment = new Impairment(parseImpairment(spec), seed);
  return Array.from({ length: n }, () => impairment.fate());
}

const share = (xs: readonly ImpairedFate[], f: ImpairedFate): number => xs.filter((x) => x === f).length / xs.length;

test('Impairment: loss drops its share; reorder sends its share of the rest at once, the others after the delay', (t) => {
  const n = 200_000;
  const xs = fates('loss 10% delay 10ms reorder 25%', n);
  t.true(Math.abs(share(xs, 'drop') - 0.1) < 0.005, `dropped ${share(xs, 'drop')}`);
  const passed = xs.filter((x) => x !== 'drop');
  t.true(Math.abs(share(passed, 'now') - 0.25) < 0.005, `at once ${share(passed, 'now')}`);
  t.deepEqual([...new Set(fates('loss 30%', 1000))].sort(), ['drop', 'now'], 'no delay: nothing held');
  t.deepEqual([...new Set(fates('delay 10ms', 1000))], ['delay'], 'no reorder: everything held');
});

test("Impairment: a reorder correlation makes a datagram sent at once likelier after another (netem's get_crandom)", (t) => {
  const xs = fates('delay 10ms reorder 25% 50%', 200_000).filter((x) => x !== 'drop');
  const afterNow = xs.slice(1).filter((_, i) => xs[i] === 'now');
  const p = share(xs, 'now');
  const pAfter = share(afterNow, 'now');
  t.true(pAfter > p + 0.05, `P(now) ${p.toFixed(3)}, P(now | previous now) ${pAfter.toFixed(3)}`);
  const independent = fates('delay 10ms reorder 25%', 200_000);
  const afterNowIndependent = independent.slice(1).filter((_, i) => independent[i] === 'now');
  t.true(Math.abs(share(afterNowIndependent, 'now') - share(independent, 'now')) < 0.01, 'uncorrelated: no memory');
  t.log(
    `reorder 25% 50%: ${(100 * p).toFixed(1)} % of datagrams go at once (netem's correlation lowers the share, as in the kernel)`,
  );
});
