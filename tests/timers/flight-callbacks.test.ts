import test from 'ava';
import { FlightController } from '../../runtime/handshake/flight.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';

/** Issue 29: a flight's own onAcked / onExhausted, on a manual clock. */

function controller(): { clock: ManualClock; fc: FlightController<string>; log: string[] } {
  const clock = new ManualClock(0);
  const log: string[] = [];
  const fc = new FlightController<string>(
    {
      transmit: (m) => log.push(`send ${m.join(',')}`),
      retransmitAck: () => log.push('ack again'),
      timedOut: (f) => log.push(`timedOut ${f.join(',')}`),
    },
    clock,
    { initialTimeout: 100, maxTimeout: 400, maxRetransmissions: 2 },
  );
  return { clock, fc, log };
}

test('onAcked runs once, when the whole flight is acknowledged, not on a partial ACK', (t) => {
  const { fc, log } = controller();
  fc.send(['KeyUpdate', 'x'], { postHandshake: true, onAcked: () => log.push('acked') });
  t.true(fc.ownsCompletion);
  t.deepEqual(fc.outstanding, ['KeyUpdate', 'x']);
  fc.acknowledge([0]);
  t.false(log.includes('acked'), 'partial');
  t.deepEqual(fc.outstanding, ['x']);
  fc.acknowledge([1]);
  t.is(log.filter((l) => l === 'acked').length, 1);
  fc.acknowledge([0, 1]);
  t.is(log.filter((l) => l === 'acked').length, 1, 'a repeated ACK does not run it again');
  t.deepEqual(fc.outstanding, []);
  t.false(fc.ownsCompletion);
});

test('onExhausted runs instead of timedOut when the retransmissions run out; onAcked never does', (t) => {
  const { clock, fc, log } = controller();
  fc.send(['NewConnectionId'], {
    postHandshake: true,
    onAcked: () => log.push('acked'),
    onExhausted: (f) => log.push(`exhausted ${f.join(',')}`),
  });
  clock.advanceTo(10_000);
  t.deepEqual(log, [
    'send NewConnectionId',
    'send NewConnectionId',
    'send NewConnectionId',
    'exhausted NewConnectionId',
  ]);
  t.is(fc.state, 'failed');
});

test('a flight without callbacks reports through the hooks (the handshake times out)', (t) => {
  const { clock, fc, log } = controller();
  fc.send(['ClientHello']);
  clock.advanceTo(10_000);
  t.is(log.at(-1), 'timedOut ClientHello');
});

test("the peer's next flight drops the callbacks with the flight", (t) => {
  const { clock, fc, log } = controller();
  fc.send(['a'], { onAcked: () => log.push('acked'), onExhausted: () => log.push('exhausted') });
  fc.peerFlight(false);
  t.false(fc.ownsCompletion);
  fc.send(['b']);
  clock.advanceTo(10_000);
  t.false(log.includes('acked'));
  t.false(log.includes('exhausted'));
  t.is(log.at(-1), 'timedOut b');
});
