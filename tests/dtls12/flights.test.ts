/**
 * DTLS 1.2's flights (runtime/dtls12/flights.ts, RFC 6347 §4.2.4) on a manual clock: a flight goes again when its
 * timer fires, the timer doubling from the initial timeout to the maximum; the peer's next flight ends ours; the
 * retransmissions run out into `timedOut`; a final flight waits for nothing and goes again only when the peer sends its
 * own last flight again, at most once per half initial timeout however often a peer (or an attacker replaying it)
 * does; message_seq counts up from where it is set.
 */
import test from 'ava';
import { Flights12 } from '../../runtime/dtls12/flights.js';
import type { Out12 } from '../../runtime/dtls12/flight-entry.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';

const hello: Out12 = { kind: 'handshake', msgType: 'client_hello', messageSeq: 0, body: Uint8Array.of(1), epoch: 0 };
const finished: Out12[] = [
  { kind: 'changeCipherSpec' },
  { kind: 'handshake', msgType: 'finished', messageSeq: 4, body: new Uint8Array(12), epoch: 1 },
];

function flights(retransmission = { initialTimeout: 1000, maxTimeout: 4000, maxRetransmissions: 4 }) {
  const clock = new ManualClock();
  const sent: { at: number; flight: readonly Out12[] }[] = [];
  let timedOut = 0;
  const f = new Flights12(
    (m) => sent.push({ at: clock.now, flight: m }),
    clock,
    retransmission,
    () => timedOut++,
  );
  return { f, clock, sent, timedOut: () => timedOut };
}

test('a flight goes again at 1, 2, 4 and 4 s (doubling to the maximum), then the connection times out', (t) => {
  const { f, clock, sent, timedOut } = flights();
  f.sendFlight([hello], false);
  t.deepEqual(
    sent.map((s) => s.at),
    [0],
  );
  let now = 0;
  while (clock.nextDeadline() !== undefined && now < 100_000) {
    now = clock.nextDeadline()!;
    clock.advanceTo(now);
  }
  t.deepEqual(
    sent.map((s) => s.at),
    [0, 1000, 3000, 7000, 11000],
  );
  t.true(sent.every((s) => s.flight[0] === hello));
  t.is(timedOut(), 1);
  t.is(f.retransmissions, 4);
});

test('the peer’s next flight ends ours: no timer left, nothing sent again', (t) => {
  const { f, clock, sent } = flights();
  f.sendFlight([hello], false);
  f.peerFlight(false);
  clock.advanceTo(60_000);
  t.is(sent.length, 1);
  t.is(clock.nextDeadline(), undefined);
});

test('a final flight waits for nothing; the peer’s last flight again has it sent again, at most once per 500 ms', (t) => {
  const { f, clock, sent } = flights();
  f.sendFlight(finished, true);
  t.is(clock.nextDeadline(), undefined, 'no timer on a final flight');
  t.is(sent.length, 1);
  f.peerResent();
  t.is(sent.length, 2);
  t.is(sent[1]?.flight, finished);
  // A flood of copies of the peer's flight (a replaying attacker) within 500 ms sends ours once.
  for (let i = 0; i < 50; i++) f.peerResent();
  clock.advanceTo(499);
  f.peerResent();
  t.is(sent.length, 2);
  clock.advanceTo(500);
  f.peerResent();
  t.is(sent.length, 3);
});

test('the resend spacing follows the initial timeout', (t) => {
  const { f, clock, sent } = flights({ initialTimeout: 200, maxTimeout: 400, maxRetransmissions: 2 });
  f.sendFlight(finished, true);
  f.peerResent();
  clock.advanceTo(99);
  f.peerResent();
  clock.advanceTo(100);
  f.peerResent();
  t.deepEqual(
    sent.map((s) => s.at),
    [0, 0, 100],
  );
});

test('message_seq counts up from where it is set (a server’s from the ClientHello’s)', (t) => {
  const { f } = flights();
  t.is(f.nextMessageSeq(), 0);
  t.is(f.nextMessageSeq(), 1);
  f.messageSeq = 7;
  t.is(f.nextMessageSeq(), 7);
  t.is(f.nextMessageSeq(), 8);
});
