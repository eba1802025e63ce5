import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { DatagramLimit } from '../../runtime/shared/datagram-limit.js';

/** The connection's one datagram limit (runtime/shared/datagram-limit.ts): lowered by the path, never up, never below 256. */

test('lowered to the figure the path gives, never raised, never below 256; says whether it fell', (t) => {
  const limit = new DatagramLimit(1200);
  t.is(limit.value, 1200);
  t.true(limit.lower(548.9), 'a fractional figure is taken down to whole bytes');
  t.is(limit.value, 548);
  t.false(limit.lower(548), 'the same figure: no change');
  t.false(limit.lower(1500), 'a larger figure never raises it');
  t.is(limit.value, 548);
  t.true(limit.lower(100));
  t.is(limit.value, 256, 'never below 256');
  t.false(limit.lower(0));
  const e = t.throws(() => limit.lower(Number.NaN), { instanceOf: ConfigError }, 'not a number: a typed error');
  t.is(e?.option, 'size');
  t.is(limit.value, 256, 'and no change');
});
