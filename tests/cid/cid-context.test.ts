/**
 * CidContext (runtime/cid/cid-context.ts), over real record layers: the path a session's datagrams come over, moves
 * without RRC (RFC 9146 §6: only a newer record moves it), the return routability check (RFC 9853 §5: a path_challenge
 * to the new address, answered from there with the right cookie), answers to the peer's challenges, and the bounds an
 * attacker meets: held datagrams (64), probe datagrams (16), replayed old records, forged and misdirected answers.
 */
import test from 'ava';
import { decodeReturnRoutabilityCheck, type ReturnRoutabilityCheck } from '../../generated/wire/index.js';
import { CidContext, MAX_HELD_DATAGRAMS, type PathDatagram } from '../../runtime/cid/cid-context.js';
import type { CidEvent } from '../../runtime/cid/cid-events.js';
import { resolveConnectionIds } from '../../runtime/cid/cid-options.js';
import { ConnectionIdState } from '../../runtime/cid/cid-state.js';
import { LocalConnectionIds } from '../../runtime/cid/local-cids.js';
import { nodeProvider } from '../../runtime/crypto/node/index.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';
import type { RecordLayer } from '../../runtime/record/record-layer.js';
import { recordPair } from '../support/record-pair.js';

const A = '192.0.2.1:4433';
const B = '198.51.100.7:5000';
const C = '203.0.113.9:6000';
const PEER_CID = Uint8Array.of(9, 9, 9, 9);

function context(o: { rrc: 'basic' | false; follows?: boolean; spares?: Uint8Array[] }) {
  const options = resolveConnectionIds(4, o.rrc, undefined)!;
  // tx seals what this side sends (the context's record layer); rx is the peer opening it.
  const { tx, rx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256', cid: PEER_CID });
  const events: CidEvent[] = [];
  const outgoing: Uint8Array[] = [];
  const clock = new ManualClock();
  const cid = new CidContext({
    options,
    records: tx,
    taken: undefined,
    provider: nodeProvider,
    clock,
    events,
    follows: o.follows ?? true,
    outgoing,
  });
  const local = new LocalConnectionIds(options.length, options.generate);
  cid.session = new ConnectionIdState(options, local, PEER_CID, o.rrc !== false);
  if (o.spares !== undefined) cid.session.peer.add(o.spares, false);
  return { cid, events, outgoing, clock, rx, tx, local };
}

/** The RRC message the peer reads from one of our datagrams. */
function opened(rx: RecordLayer, datagram: Uint8Array): ReturnRoutabilityCheck {
  const [got] = rx.reader.receive(datagram, 0).filter((r) => r.kind === 'record');
  if (got === undefined || got.kind !== 'record') throw new Error('the datagram did not open');
  return decodeReturnRoutabilityCheck(got.content);
}

function pathDatagrams(cid: CidContext): PathDatagram[] {
  const out: PathDatagram[] = [];
  for (let d = cid.takePathDatagram(); d !== undefined; d = cid.takePathDatagram()) out.push(d);
  return out;
}

let seq = 0;
const record = (epoch = 3): { epoch: number; sequenceNumber: number } => ({ epoch, sequenceNumber: ++seq });

test('the first path named becomes current; a datagram without a path is the current one', (t) => {
  const { cid } = context({ rrc: false });
  cid.arrived(undefined);
  t.is(cid.current, undefined);
  cid.arrived(A);
  t.is(cid.current, A);
  cid.arrived(undefined);
  t.is(cid.arriving, A);
});

test('without RRC only a newer record moves the session; a replayed older one from elsewhere does not', (t) => {
  const { cid, events } = context({ rrc: false });
  cid.arrived(A);
  cid.observe({ epoch: 3, sequenceNumber: 10 }, 100);
  cid.arrived(B);
  cid.observe({ epoch: 3, sequenceNumber: 9 }, 100); // replayed (or reordered) from a spoofed address
  cid.observe({ epoch: 3, sequenceNumber: 10 }, 100);
  t.is(cid.current, A);
  t.deepEqual(events, []);
  cid.observe({ epoch: 3, sequenceNumber: 11 }, 100);
  t.is(cid.current, B);
  t.deepEqual(events, [{ type: 'pathMigrated', from: A, to: B, validated: false }]);
  cid.arrived(A);
  cid.observe({ epoch: 2, sequenceNumber: 500 }, 100); // an older epoch is older whatever its sequence number
  t.is(cid.current, B);
  t.is(cid.stats.migrations, 1);
});

test('a move puts a spare CID of the peer in the records sent on the new path', (t) => {
  const spare = Uint8Array.of(7, 7, 7, 7);
  const { cid, tx } = context({ rrc: false, spares: [spare] });
  const cidOf = (): number[] => [...tx.writer.seal('application_data', new Uint8Array(1)).bytes.subarray(1, 5)];
  t.deepEqual(cidOf(), [...PEER_CID]);
  cid.arrived(A);
  cid.observe(record(), 100);
  cid.arrived(B);
  cid.observe(record(), 100);
  t.is(cid.current, B);
  t.deepEqual(cidOf(), [...spare]);
});

test('a client (not following) never moves on a record from elsewhere', (t) => {
  const { cid, events } = context({ rrc: false, follows: false });
  cid.arrived(A);
  cid.observe(record(), 100);
  cid.arrived(B);
  cid.observe(record(4), 100);
  t.is(cid.current, A);
  t.deepEqual(events, []);
});

test('a record carrying a newer CID of ours retires the older ones', (t) => {
  const { cid, events, local } = context({ rrc: false });
  const issued = local.issue(3);
  cid.arrived(A);
  cid.observe({ ...record(), connectionId: issued[2]! }, 100);
  t.deepEqual(
    events.map((e) => e.type === 'connectionIdRetired' && [...e.cid]),
    [[...issued[0]!], [...issued[1]!]],
  );
});

test('with RRC a new path is challenged, and moved to only on its answer with the cookie, from there', (t) => {
  const { cid, events, rx, clock } = context({ rrc: 'basic' });
  cid.arrived(A);
  cid.observe(record(), 100);
  cid.arrived(B);
  cid.observe(record(), 200);
  t.is(cid.current, A, 'not moved on the record alone');
  t.false(cid.atRest(clock.now), 'a check runs');
  const [probe, ...more] = pathDatagrams(cid);
  t.is(more.length, 0);
  t.is(probe!.path, B);
  const challenge = opened(rx, probe!.datagram);
  t.is(challenge.msgType, 'path_challenge');
  t.is(challenge.cookie.length, 8);

  // A forged answer (wrong cookie), the right cookie from a third path, a path_drop: none moves the session.
  const forged = challenge.cookie.slice();
  forged[0]! ^= 1;
  cid.rrcMessage({ msgType: 'path_response', cookie: forged });
  cid.arrived(C);
  cid.rrcMessage({ msgType: 'path_response', cookie: challenge.cookie });
  cid.arrived(B);
  cid.rrcMessage({ msgType: 'path_drop', cookie: challenge.cookie });
  t.is(cid.current, A);
  t.deepEqual(events, []);

  cid.rrcMessage({ msgType: 'path_response', cookie: challenge.cookie });
  t.is(cid.current, B);
  t.deepEqual(events, [{ type: 'pathMigrated', from: A, to: B, validated: true }]);
  t.like(cid.stats, { checks: 1, validated: 1, migrations: 1 });
});

test('while a check runs datagrams are held, at most 64, the oldest dropped and counted', (t) => {
  const { cid, outgoing } = context({ rrc: 'basic' });
  t.false(cid.holdsBack());
  cid.arrived(A);
  cid.observe(record(), 100);
  cid.arrived(B);
  cid.observe(record(), 200);
  for (let i = 0; i < 100; i++) outgoing.push(Uint8Array.of(i));
  t.true(cid.holdsBack());
  t.is(outgoing.length, MAX_HELD_DATAGRAMS);
  t.is(outgoing[0]![0], 100 - MAX_HELD_DATAGRAMS, 'the oldest went');
  t.is(cid.stats.heldDropped, 100 - MAX_HELD_DATAGRAMS);
  cid.stop();
});

test("the peer's challenge is answered once, to the path it came over, with its cookie", (t) => {
  const { cid, outgoing, rx } = context({ rrc: 'basic' });
  cid.arrived(A);
  const cookie = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  cid.rrcMessage({ msgType: 'path_challenge', cookie });
  t.is(outgoing.length, 1, 'the current path: with the other datagrams');
  t.deepEqual(opened(rx, outgoing[0]!), { msgType: 'path_response', cookie });
  cid.arrived(B);
  cid.rrcMessage({ msgType: 'path_challenge', cookie });
  const [other] = pathDatagrams(cid);
  t.is(other!.path, B);
  t.deepEqual(opened(rx, other!.datagram), { msgType: 'path_response', cookie });
  t.is(cid.stats.challengesAnswered, 2);
});

test('a challenge over a path we left is answered with path_drop', (t) => {
  const { cid, rx } = context({ rrc: 'basic' });
  cid.arrived(A);
  cid.rebind(C);
  t.is(cid.current, C);
  cid.arrived(A);
  cid.rrcMessage({ msgType: 'path_challenge', cookie: new Uint8Array(8) });
  const [answer] = pathDatagrams(cid);
  t.is(answer!.path, A);
  t.is(opened(rx, answer!.datagram).msgType, 'path_drop');
  t.false(cid.atRest(0), 'a path left is remembered');
});

test('a flood of challenges from another path queues at most 16 answers', (t) => {
  const { cid } = context({ rrc: 'basic' });
  cid.arrived(A);
  cid.arrived(B);
  for (let i = 0; i < 100; i++) cid.rrcMessage({ msgType: 'path_challenge', cookie: new Uint8Array(8).fill(i) });
  t.is(pathDatagrams(cid).length, 16);
  t.is(cid.stats.probesDropped, 84);
  t.true(cid.atRest(0), 'nothing queued once taken');
});

test('an answer nobody asked for is ignored and counted', (t) => {
  const { cid, events } = context({ rrc: 'basic' });
  cid.arrived(A);
  cid.arrived(B);
  cid.rrcMessage({ msgType: 'path_response', cookie: new Uint8Array(8) });
  cid.rrcMessage({ msgType: 'path_drop', cookie: new Uint8Array(8) });
  t.is(cid.stats.answersIgnored, 2);
  t.is(cid.current, A);
  t.deepEqual(events, []);
});

test('hibernation keeps the CIDs and counters; a restore brings them back, and needs CIDs configured', (t) => {
  const { cid, local } = context({ rrc: false });
  local.issue(2);
  cid.arrived(A);
  cid.observe({ epoch: 3, sequenceNumber: 7 }, 100);
  cid.arrived(B);
  cid.observe({ epoch: 3, sequenceNumber: 8 }, 100);
  const h = cid.hibernation()!;
  t.is(h.newestSequence, 8);
  t.is(h.counts.migrations, 1);
  const fresh = context({ rrc: false }).cid;
  fresh.restore(h);
  t.is(fresh.stats.migrations, 1);
  t.deepEqual(fresh.session!.peer.current, PEER_CID);
  // The newest record survives the restore: an older one from elsewhere still moves nothing.
  fresh.arrived(B);
  fresh.arrived(C);
  fresh.observe({ epoch: 3, sequenceNumber: 8 }, 100);
  t.is(fresh.current, B);

  const { tx } = recordPair({ sender: nodeProvider, suite: 'tls_aes_128_gcm_sha256' });
  const bare = new CidContext({
    options: undefined,
    records: tx,
    taken: undefined,
    provider: nodeProvider,
    clock: new ManualClock(),
    events: [],
    follows: true,
    outgoing: [],
  });
  t.is(bare.hibernation(), undefined);
  t.throws(() => bare.restore(h), { instanceOf: TypeError });
});
