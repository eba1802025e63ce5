/**
 * OffPathForwarding (runtime/cid/off-path-forwarding.ts, RFC 9853 §8.1.2): a copy of a record arriving over the other
 * path of the pair watched marks the pair as carrying a forwarder's copies; the memory of records and suspects is
 * bounded (256 records, 8 suspects) so a flood of copies cannot grow it; watches and suspicions end on the clock.
 */
import test from 'ava';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';
import { OffPathForwarding, PROBATION_TIMEOUTS, SUSPECT_TIMEOUTS } from '../../runtime/cid/off-path-forwarding.js';

const OLD = '192.0.2.1:4433';
const NEW = '198.51.100.7:5000';
const OTHER = '203.0.113.9:1';

test('a copy over the other path of a checked pair is crossed; over the same path or a third it is not', (t) => {
  const f = new OffPathForwarding(new ManualClock());
  f.record(1, 5, OLD); // not watching yet: forgotten
  t.false(f.crossed(1, 5, NEW));
  f.checking(OLD, NEW);
  f.record(1, 5, OLD);
  f.record(1, 6, NEW);
  f.record(1, 7, OTHER); // not one of the pair: ignored
  t.true(f.crossed(1, 5, NEW), 'first over the old path, copy over the candidate');
  t.true(f.crossed(1, 6, OLD), 'and the other way');
  t.false(f.crossed(1, 5, OLD), 'a plain replay over the same path');
  t.false(f.crossed(1, 5, OTHER), 'a copy from a third address');
  t.false(f.crossed(1, 7, OLD), 'a record first seen from outside the pair');
  t.false(f.crossed(2, 5, NEW), 'another epoch is another record');
});

test('the first path a record came over is kept: a later copy does not overwrite it', (t) => {
  const f = new OffPathForwarding(new ManualClock());
  f.checking(OLD, NEW);
  f.record(1, 1, NEW);
  f.record(1, 1, OLD);
  t.true(f.crossed(1, 1, OLD));
  t.false(f.crossed(1, 1, NEW));
});

test('a new check forgets the records of the last; stop forgets everything', (t) => {
  const f = new OffPathForwarding(new ManualClock());
  f.checking(OLD, NEW);
  f.record(1, 1, OLD);
  f.checking(OLD, OTHER);
  t.false(f.crossed(1, 1, OTHER));
  f.record(1, 2, OLD);
  f.stop();
  t.false(f.crossed(1, 2, OTHER));
  f.record(1, 3, OLD); // not watching
  t.false(f.crossed(1, 3, OTHER));
});

test('a flood of records keeps only the last 256', (t) => {
  const f = new OffPathForwarding(new ManualClock());
  f.checking(OLD, NEW);
  for (let n = 0; n < 10_000; n++) f.record(1, n, OLD);
  t.false(f.crossed(1, 0, NEW), 'the oldest forgotten');
  t.false(f.crossed(1, 10_000 - 257, NEW));
  t.true(f.crossed(1, 10_000 - 256, NEW), 'the 256th newest kept');
  t.true(f.crossed(1, 9_999, NEW));
});

test('after a move the path left is watched for 3 T, then dropped', (t) => {
  const clock = new ManualClock(1000);
  const f = new OffPathForwarding(clock);
  f.moved(OLD, NEW, 100);
  t.is(f.previous, OLD);
  t.false(f.quietAt(clock.now));
  f.record(1, 1, NEW);
  t.true(f.crossed(1, 1, OLD));
  const until = 1000 + PROBATION_TIMEOUTS * 100;
  t.false(f.quietAt(until - 1));
  t.true(f.quietAt(until));
  clock.advanceTo(until - 1);
  t.is(f.previous, OLD);
  clock.advanceTo(until);
  t.is(f.previous, undefined, 'the watch ran out');
  t.false(f.crossed(1, 1, OLD), 'and what it saw is gone');
});

test('a move keeps what its check saw: a record that came first over the new path, late over the one left, is crossed', (t) => {
  const f = new OffPathForwarding(new ManualClock());
  f.checking(OLD, NEW);
  f.record(1, 1, NEW); // the copy that won the race and started the check
  f.moved(OLD, NEW, 100);
  t.true(f.crossed(1, 1, OLD), 'the genuine record, after the move');
  t.false(f.crossed(1, 1, NEW));
});

test('checking the path left again forgets the records but keeps the watch after the move', (t) => {
  const clock = new ManualClock(0);
  const f = new OffPathForwarding(clock);
  f.checkingPrevious(NEW); // no move yet: nothing to check again
  f.record(1, 1, NEW);
  t.false(f.crossed(1, 1, OLD));
  f.moved(OLD, NEW, 100);
  f.record(1, 2, NEW);
  f.checkingPrevious(NEW);
  t.false(f.crossed(1, 2, OLD), 'forgotten');
  t.is(f.previous, OLD, 'still watched: a failed check can be followed by another');
  f.record(1, 3, NEW);
  t.true(f.crossed(1, 3, OLD));
  clock.advanceTo(PROBATION_TIMEOUTS * 100);
  t.is(f.previous, undefined, 'the watch still runs out on time');
});

test('a suspect path is suspected for 5 T; at most 8 are held, the oldest forgotten', (t) => {
  const clock = new ManualClock();
  const f = new OffPathForwarding(clock);
  t.true(f.quietAt(0));
  f.suspect(OTHER, 200);
  t.true(f.suspected(OTHER));
  t.false(f.suspected(OLD));
  t.false(f.quietAt(SUSPECT_TIMEOUTS * 200 - 1));
  t.true(f.quietAt(SUSPECT_TIMEOUTS * 200));
  clock.advanceTo(SUSPECT_TIMEOUTS * 200 - 1);
  t.true(f.suspected(OTHER));
  clock.advanceTo(SUSPECT_TIMEOUTS * 200);
  t.false(f.suspected(OTHER), 'its time ran out');

  const paths = Array.from({ length: 20 }, (_, i) => `10.0.0.${i}:9`);
  for (const p of paths) f.suspect(p, 1000);
  t.false(f.suspected(paths[11]!), 'older than the last 8: forgotten');
  for (const p of paths.slice(12)) t.true(f.suspected(p), p);
});
