/**
 * The connection IDs this side issued (runtime/cid/local-cids.ts, RFC 9147 §9): records may carry any CID not
 * retired; once an authenticated record carries a newer one, the older ones are retired and records carrying them
 * are no longer ours; a replayed older CID retires nothing and moves nothing back. A CID already taken (by another
 * session) is never issued, and a generator stuck on taken CIDs gives fewer, without looping.
 */
import test from 'ava';
import { LocalConnectionIds } from '../../runtime/cid/local-cids.js';

/** A generator handing out 1, 2, 3, ... as 2-byte CIDs. */
function counter(): (length: number) => Uint8Array {
  let n = 0;
  return (length) => {
    n++;
    return Uint8Array.of(n >> 8, n & 0xff).subarray(0, length);
  };
}

const cid = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);

test('issued CIDs are ours until a newer one is used; then the older ones retire', (t) => {
  const ids = new LocalConnectionIds(2, counter());
  t.is(ids.current, undefined);
  t.deepEqual(ids.issue(3), [cid(1), cid(2), cid(3)]);
  t.deepEqual(ids.current, cid(1), 'the handshake CID until the peer moves');
  t.true(ids.has(cid(2)));
  t.false(ids.has(cid(4)));
  t.deepEqual(ids.used(cid(3)), [cid(1), cid(2)]);
  t.deepEqual(ids.current, cid(3));
  t.false(ids.has(cid(1)), 'a record carrying a retired CID is not ours');
  t.deepEqual(ids.active, [cid(3)]);
});

test('a replayed older or unknown CID retires nothing and moves nothing back', (t) => {
  const ids = new LocalConnectionIds(2, counter());
  ids.issue(4);
  ids.used(cid(3));
  t.deepEqual(ids.used(cid(1)), [], 'retired already');
  t.deepEqual(ids.used(cid(3)), [], 'the one in use');
  t.deepEqual(ids.used(cid(99)), [], 'never issued');
  t.is(
    ids.used(cid(3)),
    ids.used(cid(1)),
    'one empty list for every record that retires nothing, none made per record',
  );
  t.true(Object.isFrozen(ids.used(cid(3))));
  t.deepEqual(ids.current, cid(3));
  t.deepEqual(ids.active, [cid(3), cid(4)]);
});

test('CIDs taken elsewhere or already issued are skipped; a stuck generator gives fewer, not a loop', (t) => {
  const taken = new Set([2, 3]);
  const ids = new LocalConnectionIds(2, counter(), (c) => taken.has((c[0]! << 8) | c[1]!));
  t.deepEqual(ids.issue(2), [cid(1), cid(4)]);
  let calls = 0;
  const stuck = new LocalConnectionIds(2, () => (calls++, cid(7)));
  t.deepEqual(stuck.issue(5), [cid(7)], 'the second try repeats an issued CID each time');
  t.true(calls <= 1 + 8, `the generator was asked ${calls} times`);
});

test('kept and restore carry the set to a new one (hibernation)', (t) => {
  const ids = new LocalConnectionIds(2, counter());
  ids.issue(3);
  ids.used(cid(2));
  const copy = new LocalConnectionIds(2, counter());
  copy.restore(ids.kept);
  t.deepEqual(copy.active, [cid(2), cid(3)]);
  t.deepEqual(copy.current, cid(2));
  t.deepEqual(copy.used(cid(3)), [cid(2)]);
});
