/** The simulate progress display: fraction from simulated time, elapsed, rate and ETA from an injected clock. */
import test from 'ava';
import { progressFraction, progressLine, SimulationProgress } from '../../cli/progress.js';
import { MS } from '../../hwmodel/kernel/time.js';

test('with --duration the fraction is simulated time against the end, not connections closed', (t) => {
  t.is(progressFraction({ now: 25 * MS, end: 100 * MS, closed: 0, total: 100 }), 0.25);
  t.is(progressFraction({ now: 25 * MS, closed: 40, total: 100 }), 0.4);
  t.is(progressFraction({ now: 200 * MS, end: 100 * MS, closed: 0, total: 1 }), 1);
});

test('the line shows simulated time, elapsed wall time, the rate and the ETA at that rate', (t) => {
  const line = progressLine({ now: 25 * MS, end: 100 * MS, closed: 3, total: 100 }, 2000, true, 8);
  t.regex(
    line,
    /^\[##------\] +25% {2}simulated 25(\.0+)? ?ms of 100(\.0+)? ?ms {2}elapsed 2\.0 s {2}(12500us|12\.5 ?ms)\/s {2}ETA 6\.0 s {2}3\/100 connections closed$/,
  );
});

test('on a terminal it redraws at most every 100 ms; elsewhere it prints a line per tenth', (t) => {
  let now = 0;
  const tty: string[] = [];
  const p = new SimulationProgress({ write: (s: string) => tty.push(s), isTTY: true }, () => now);
  for (let i = 1; i <= 10; i++) {
    now += 30;
    p.update({ now: i * MS, end: 10 * MS, closed: 0, total: 1 });
  }
  t.is(tty.length, 3);
  p.finish({ now: 10 * MS, end: 10 * MS, closed: 1, total: 1 });
  t.regex(tty.at(-1)!, /100%.*done.*\n$/);
  const plain: string[] = [];
  const q = new SimulationProgress({ write: (s: string) => plain.push(s) }, () => (now += 10));
  for (let i = 1; i <= 100; i++) q.update({ now: i * MS, end: 100 * MS, closed: 0, total: 1 });
  t.is(plain.length, 11, 'one line as each tenth starts, from 0% to 100%');
});
