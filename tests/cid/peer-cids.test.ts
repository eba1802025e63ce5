/**
 * The peer's connection IDs (runtime/cid/peer-cids.ts, RFC 9147 §9): spares from NewConnectionId are used in the
 * order given, at most `max` are kept however many a peer floods, a CID the peer gave before (replayed
 * NewConnectionId) is not taken again, and `immediate` switches to the first new one.
 */
import test from 'ava';
import { PeerConnectionIds } from '../../runtime/cid/peer-cids.js';

const cid = (n: number): Uint8Array => Uint8Array.of(n, n, n, n);

test('spares are used in the order given; next is false when none is left', (t) => {
  const ids = new PeerConnectionIds(cid(0), 8);
  t.deepEqual(ids.current, cid(0));
  t.is(ids.add([cid(1), cid(2), cid(3)], false), 3);
  t.is(ids.spares, 3);
  t.deepEqual(ids.current, cid(0), 'not immediate: the current CID stays');
  for (const n of [1, 2, 3]) {
    t.true(ids.next());
    t.deepEqual(ids.current, cid(n));
  }
  t.false(ids.next());
  t.deepEqual(ids.current, cid(3));
});

test('a flood of NewConnectionId keeps at most max CIDs in all (current + spares)', (t) => {
  const ids = new PeerConnectionIds(cid(0), 4);
  let kept = 0;
  for (let n = 1; n < 200; n++) kept += ids.add([cid(n)], false);
  t.is(kept, 3);
  t.is(ids.spares, 3);
  t.is(ids.add([cid(250), cid(251)], false), 0, 'full: nothing more is kept');
  t.true(ids.kept.seen.length <= 16, 'the CIDs remembered as seen stay bounded too');
});

test('a replayed or repeated CID is not taken as new, including the current one and ones already used', (t) => {
  const ids = new PeerConnectionIds(cid(0), 8);
  t.is(ids.add([cid(0)], false), 0, 'the current CID');
  t.is(ids.add([cid(1), cid(1)], false), 1, 'the same CID twice in one message');
  t.true(ids.next());
  t.is(ids.add([cid(1)], false), 0, 'a CID used before, replayed after the switch');
  t.is(ids.spares, 0);
  t.is(ids.add([Uint8Array.of(1, 1, 1, 1)], false), 0, 'equal bytes in another array are the same CID');
});

test('immediate: switch to the first new CID of the message, dropping older spares', (t) => {
  const ids = new PeerConnectionIds(cid(0), 8);
  ids.add([cid(1), cid(2)], false);
  t.is(ids.add([cid(1), cid(3), cid(4)], true), 2);
  t.deepEqual(ids.current, cid(3), 'the first CID the message added, not the repeated cid(1)');
  t.is(ids.spares, 1);
  t.true(ids.next());
  t.deepEqual(ids.current, cid(4));
  const none = new PeerConnectionIds(cid(0), 8);
  none.add([cid(0)], true);
  t.deepEqual(none.current, cid(0), 'immediate with nothing new changes nothing');
});

test('kept and restore carry spares and seen CIDs to a new set', (t) => {
  const ids = new PeerConnectionIds(cid(0), 8);
  ids.add([cid(1), cid(2)], false);
  const copy = new PeerConnectionIds(cid(0), 8);
  copy.restore(ids.kept);
  t.is(copy.spares, 2);
  t.is(copy.add([cid(2)], false), 0, 'a seen CID stays seen after restore');
  t.true(copy.next());
  t.deepEqual(copy.current, cid(1));
});
