import test from 'ava';
import { ConfigError } from '../../../runtime/config-error.js';
import {
  MS,
  NS,
  PS,
  SEC,
  US,
  checkTime,
  formatTime,
  fromMs,
  parseTime,
  time,
  toMs,
} from '../../../hwmodel/kernel/index.js';

test('units are picoseconds', (t) => {
  t.is(PS, 1);
  t.is(NS, 1000 * PS);
  t.is(US, 1000 * NS);
  t.is(MS, 1000 * US);
  t.is(SEC, 1000 * MS);
});

test('time() scales and rounds to 1 ps', (t) => {
  t.is(time(10, 'us'), 10_000_000);
  t.is(time(1.5, 'ns'), 1500);
  t.is(time(0.0004, 'ns'), 0);
  t.is(time(0.0006, 'ns'), 1);
  t.is(time(2, 's'), 2 * SEC);
});

test('time beyond MAX_SAFE_INTEGER, negative or non-integer throws RangeError', (t) => {
  t.throws(() => time(1e4, 's'), { instanceOf: RangeError });
  t.throws(() => time(-1, 'ns'), { instanceOf: RangeError });
  t.throws(() => checkTime(1.5), { instanceOf: RangeError });
  t.throws(() => checkTime(Number.MAX_SAFE_INTEGER + 1), { instanceOf: RangeError });
  t.throws(() => checkTime(Number.NaN), { instanceOf: RangeError });
  t.is(checkTime(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
});

test('formatTime uses the largest exact unit', (t) => {
  t.is(formatTime(0), '0s');
  t.is(formatTime(10 * US), '10us');
  t.is(formatTime(1500), '1500ps');
  t.is(formatTime(1500 * NS), '1500ns');
  t.is(formatTime(3 * SEC), '3s');
  t.is(formatTime(7), '7ps');
  t.throws(() => formatTime(-1), { instanceOf: RangeError });
});

test('parseTime reads CLI text and round-trips formatTime', (t) => {
  t.is(parseTime('10us'), 10 * US);
  t.is(parseTime(' 2.5 ms '), 2_500_000_000);
  t.is(parseTime('1e3ns'), US);
  t.is(parseTime('0'), 0);
  t.is(parseTime('.5ns'), 500);
  t.is(parseTime('3S'), 3 * SEC);
  for (const v of [0, 1, 999, 1000, 123_456_000, 5 * SEC, 42 * MS + 1]) t.is(parseTime(formatTime(v)), v);
});

test('parseTime rejects bad text with a ConfigError naming the option and quoting the text', (t) => {
  for (const bad of ['', '10', 'ten us', '10 minutes', '-5ns', '1e400ms', '3e9s', 'ns']) {
    const e = t.throws(() => parseTime(bad, '--duration'), { instanceOf: ConfigError });
    t.is(e.option, '--duration');
    t.true(e.message.includes(`"${bad}"`), e.message);
  }
});

test('toMs and fromMs convert for DtlsConnection', (t) => {
  t.is(toMs(MS), 1);
  t.is(toMs(1500 * US), 1.5);
  t.is(fromMs(1.5), 1500 * US);
  t.is(fromMs(toMs(123_456_789)), 123_456_789);
});
