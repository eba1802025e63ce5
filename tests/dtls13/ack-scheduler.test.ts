import test from 'ava';
import { AckScheduler, BURST_DELAY } from '../../runtime/dtls13/ack-scheduler.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';

/** Issue 29: the AckScheduler, on a manual clock (sans-I/O). */

function setup(interval = 1000): { clock: ManualClock; s: AckScheduler; log: string[]; state: { active: boolean } } {
  const clock = new ManualClock(0);
  const log: string[] = [];
  const state = { active: true };
  const s = new AckScheduler(clock, {
    active: () => state.active,
    sendAck: () => log.push(`ack@${clock.now}`),
    retransmit: () => log.push(`retransmit@${clock.now}`),
    retransmitInterval: () => interval,
  });
  return { clock, s, log, state };
}

test('a burst owes one ACK, sent BURST_DELAY after the datagram that armed it, and the deadline shows on the clock', (t) => {
  const { clock, s, log } = setup();
  s.ackSoon();
  s.schedule();
  t.is(clock.nextDeadline(), BURST_DELAY);
  // More records of the burst: no second timer, no second ACK.
  clock.advanceTo(10);
  s.ackSoon();
  s.schedule();
  t.is(clock.nextDeadline(), BURST_DELAY);
  clock.advanceTo(BURST_DELAY - 1);
  t.deepEqual(log, []);
  clock.advanceTo(BURST_DELAY);
  t.deepEqual(log, [`ack@${BURST_DELAY}`]);
  t.false(s.armed);
  t.is(clock.nextDeadline(), undefined);
});

test('nothing owed: schedule arms nothing', (t) => {
  const { clock, s, log } = setup();
  s.schedule();
  t.false(s.armed);
  clock.advanceTo(1000);
  t.deepEqual(log, []);
});

test('peer-triggered retransmissions: one per burst, and at most one per retransmission interval', (t) => {
  const { clock, s, log } = setup(300);
  for (let burst = 0; burst < 4; burst++) {
    const at = burst * 100;
    clock.advanceTo(at);
    s.retransmitSoon();
    s.retransmitSoon();
    s.schedule();
  }
  clock.advanceTo(1000);
  // Bursts at 0, 100, 200, 300 fire at 50, 150, 250, 350: only 50 and 350 are 300 ms apart.
  t.deepEqual(log, ['retransmit@50', 'retransmit@350']);
});

test('an ended connection sends nothing when the timer fires', (t) => {
  const { clock, s, log, state } = setup();
  s.ackSoon();
  s.retransmitSoon();
  s.schedule();
  state.active = false;
  clock.advanceTo(1000);
  t.deepEqual(log, []);
});
