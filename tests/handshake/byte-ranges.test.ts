/**
 * The byte ranges of one handshake message received so far (runtime/handshake/byte-ranges.ts, RFC 9147 §5.5):
 * fragments in order make one range whatever their size; overlapping, duplicate and out-of-order fragments are
 * merged and counted once. Checked case by case and against a model that keeps one flag per byte.
 */
import test from 'ava';
import fc from 'fast-check';
import { ByteRanges } from '../../runtime/handshake/byte-ranges.js';

test('fragments in order are one range; the prefix grows with them', (t) => {
  const r = new ByteRanges();
  for (let at = 0; at < 1000; at += 7) t.is(r.insert(at, Math.min(at + 7, 1000)), Math.min(7, 1000 - at));
  t.is(r.count, 1);
  t.is(r.prefixEnd, 1000);
  t.true(r.isWhole(1000));
});

test('duplicates and overlaps add only the bytes not covered before', (t) => {
  const r = new ByteRanges();
  t.is(r.insert(10, 20), 10);
  t.is(r.insert(10, 20), 0, 'a replayed fragment');
  t.is(r.insert(15, 30), 10);
  t.is(r.insert(40, 50), 10);
  t.is(r.count, 2);
  t.is(r.prefixEnd, 0, 'nothing from byte 0 yet');
  t.is(r.coveredWithin(0, 100), 30);
  t.is(r.countAfterInsert(30, 40), 1, 'a fragment filling the gap joins both');
  t.is(r.insert(0, 100), 70);
  t.is(r.count, 1);
  t.is(r.insert(5, 5), 0, 'an empty fragment');
  t.is(r.insert(9, 3), 0, 'a reversed interval');
});

test('findInOverlaps visits the covered parts of an interval in order and stops at the first answer', (t) => {
  const r = new ByteRanges();
  r.insert(0, 10);
  r.insert(20, 30);
  r.insert(40, 50);
  const seen: [number, number][] = [];
  r.findInOverlaps(5, 45, (from, to) => void seen.push([from, to]));
  t.deepEqual(seen, [
    [5, 10],
    [20, 30],
    [40, 45],
  ]);
  t.is(
    r.findInOverlaps(0, 50, (from) => (from >= 20 ? from : undefined)),
    20,
  );
});

test('against a model: any fragments in any order, with overlaps and replays', (t) => {
  const length = 300;
  const fragment = fc.tuple(fc.nat(length), fc.nat(60)).map(([s, n]) => [s, Math.min(length, s + n)] as const);
  fc.assert(
    fc.property(fc.array(fragment, { maxLength: 80 }), (fragments) => {
      const r = new ByteRanges();
      const have = new Uint8Array(length);
      for (const [s, e] of fragments) {
        let fresh = 0;
        for (let i = s; i < e; i++) if (!have[i]) fresh++;
        let within = 0;
        for (let i = s; i < e; i++) within += have[i]!;
        if (r.coveredWithin(s, e) !== within) return false;
        if (r.insert(s, e) !== fresh) return false;
        for (let i = s; i < e; i++) have[i] = 1;
      }
      let ranges = 0;
      for (let i = 0; i < length; i++) if (have[i] && (i === 0 || !have[i - 1])) ranges++;
      let prefix = 0;
      while (prefix < length && have[prefix]) prefix++;
      const total = have.reduce((a, b) => a + b, 0);
      return (
        r.count === ranges && r.prefixEnd === prefix && r.covered === total && r.isWhole(length) === (total === length)
      );
    }),
    { numRuns: 500 },
  );
  t.pass();
});
