import test from 'ava';
import { parseParamValue, parseQuantity } from '../../generator/hw/units.js';
import { MS, NS, SEC, US } from '../../hwmodel/kernel/index.js';

const value = (r: ReturnType<typeof parseQuantity>): number => {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

test('times parse to whole picoseconds, agreeing with the kernel constants', (t) => {
  t.is(value(parseQuantity('time', '10ns')), 10 * NS);
  t.is(value(parseQuantity('time', '50us')), 50 * US);
  t.is(value(parseQuantity('time', '50µs')), 50 * US);
  t.is(value(parseQuantity('time', '1.5us')), 1_500 * NS);
  t.is(value(parseQuantity('time', '0.001ns')), 1);
  t.is(value(parseQuantity('time', '2 ms')), 2 * MS);
  t.is(value(parseQuantity('time', '3s')), 3 * SEC);
  t.is(value(parseQuantity('time', '0ns')), 0);
});

test('bandwidths parse to bits per second (decimal prefixes), sizes to bytes (IEC and SI prefixes)', (t) => {
  t.is(value(parseQuantity('bandwidth', '1Gbps')), 1_000_000_000);
  t.is(value(parseQuantity('bandwidth', '2.5Gbps')), 2_500_000_000);
  t.is(value(parseQuantity('bandwidth', '100Mbps')), 100_000_000);
  t.is(value(parseQuantity('bandwidth', '56kbps')), 56_000);
  t.is(value(parseQuantity('size', '64KiB')), 65_536);
  t.is(value(parseQuantity('size', '1.5KiB')), 1_536);
  t.is(value(parseQuantity('size', '2MiB')), 2 * 1024 * 1024);
  t.is(value(parseQuantity('size', '64kB')), 64_000);
  t.is(value(parseQuantity('size', '1500B')), 1_500);
});

test('bad quantities are refused with a reason: unknown or missing unit, fractions of the resolution, overflow, junk', (t) => {
  const cases: [Parameters<typeof parseQuantity>[0], unknown, 'bad_unit' | 'bad_value', RegExp][] = [
    ['time', '10 parsecs', 'bad_unit', /unknown time unit 'parsecs'/],
    ['time', '10', 'bad_value', /not a time/],
    ['time', 10, 'bad_unit', /needs a unit/],
    ['time', '0.0001ns', 'bad_value', /not a whole number of ps/],
    ['time', '3h', 'bad_unit', /unknown time unit 'h'/],
    ['time', '10000s', 'bad_value', /exceeds 9007199254740991 ps/],
    ['time', '-5ns', 'bad_value', /not a time/],
    ['bandwidth', '1GBps', 'bad_unit', /unknown bandwidth unit 'GBps'/],
    ['size', '64KB', 'bad_unit', /unknown size unit 'KB'/],
    ['size', '0.3B', 'bad_value', /not a whole number of bytes/],
    ['size', true, 'bad_value', /must be a string/],
  ];
  for (const [kind, raw, problem, reason] of cases) {
    const r = parseQuantity(kind, raw);
    t.false(r.ok, String(raw));
    if (!r.ok) {
      t.is(r.problem, problem, String(raw));
      t.regex(r.reason, reason);
    }
  }
});

test('unitless kinds: counts are non-negative integers, ratios lie in 0..1, flags are booleans', (t) => {
  t.deepEqual(parseParamValue('count', 16), { ok: true, value: 16 });
  t.deepEqual(parseParamValue('ratio', 0), { ok: true, value: 0 });
  t.deepEqual(parseParamValue('ratio', 0.05), { ok: true, value: 0.05 });
  t.deepEqual(parseParamValue('flag', false), { ok: true, value: false });
  t.deepEqual(parseParamValue('number', -2.5), { ok: true, value: -2.5 });
  for (const [kind, raw] of [
    ['count', 1.5],
    ['count', -1],
    ['count', '4'],
    ['ratio', 1.01],
    ['ratio', '0'],
    ['flag', 'yes'],
    ['number', Number.NaN],
  ] as const) {
    t.false(parseParamValue(kind, raw).ok, `${kind} ${String(raw)}`);
  }
});
