import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { FlightController } from '../../runtime/handshake/flight.js';
import { ManualClock } from '../../runtime/handshake/manual-clock.js';
import { chartEdges, pathsToEdges, settle, type ChartEdge } from '../support/chart-graph.js';
import { ROOT } from '../support/spec.js';

/** RFC 9147 §5.8: the flight machine with timers in simulated time. */

function harness(
  config: { maxRetransmissions?: number; initialTimeout?: number; maxTimeout?: number } = {},
  optional = false,
) {
  const clock = new ManualClock(0);
  const log: { at: number; what: string }[] = [];
  const fc = new FlightController<string>(
    {
      transmit: (m) => log.push({ at: clock.now, what: `send ${m.join(',')}` }),
      retransmitAck: () => log.push({ at: clock.now, what: 'ack' }),
      timedOut: () => log.push({ at: clock.now, what: 'timeout' }),
      optional: () => optional,
    },
    clock,
    config,
  );
  const runTimers = (): void => {
    for (let t = clock.nextDeadline(); t !== undefined; t = clock.nextDeadline()) clock.advanceTo(t);
  };
  return { clock, log, fc, runTimers };
}

test('retransmissions start at 1 s and double up to 60 s, then the flight times out (RFC 9147 §5.8.2)', (t) => {
  const { log, fc, runTimers } = harness({ maxRetransmissions: 7 });
  fc.send(['ClientHello']);
  runTimers();
  t.deepEqual(
    log.map((l) => l.at),
    [0, 1000, 3000, 7000, 15000, 31000, 63000, 123000, 183000],
  );
  t.deepEqual(log.at(-1), { at: 183000, what: 'timeout' });
  t.is(fc.state, 'failed');
});

test('an ACK for the whole flight cancels retransmission and sets the timer to 1.5 x the measured RTT', (t) => {
  const { clock, log, fc } = harness();
  fc.send(['a', 'b']);
  clock.advanceTo(400);
  fc.acknowledge([0, 1]);
  t.is(fc.state, 'acknowledged');
  t.is(clock.nextDeadline(), undefined);
  t.is(fc.timeout, 600);
  clock.advanceTo(100_000);
  t.is(log.length, 1);
});

test('a partial ACK retransmits only the unacknowledged messages, at once', (t) => {
  const { clock, log, fc } = harness();
  fc.send(['a', 'b', 'c']);
  clock.advanceTo(200);
  fc.acknowledge([0, 2]);
  t.deepEqual(log, [
    { at: 0, what: 'send a,b,c' },
    { at: 200, what: 'send b' },
  ]);
  t.is(fc.state, 'waiting');
  t.is(clock.nextDeadline(), 1200);
});

test("the peer's retransmission makes us retransmit at once; in FINISHED it gets our ACK again", (t) => {
  const { clock, log, fc } = harness();
  fc.send(['flight']);
  clock.advanceTo(300);
  fc.peerRetransmitted();
  t.deepEqual(log.at(-1), { at: 300, what: 'send flight' });
  fc.peerFlight(true);
  t.is(fc.state, 'finished');
  fc.peerRetransmitted();
  t.deepEqual(log.at(-1), { at: 300, what: 'ack' });
  t.is(clock.nextDeadline(), undefined);
});

test('bad timer options are ConfigErrors naming the option', (t) => {
  t.is(t.throws(() => harness({ initialTimeout: 0 }), { instanceOf: ConfigError })?.option, 'initialTimeout');
  t.is(t.throws(() => harness({ maxRetransmissions: -1 }), { instanceOf: ConfigError })?.option, 'maxRetransmissions');
  const below = t.throws(() => harness({ initialTimeout: 2000, maxTimeout: 1999 }), { instanceOf: ConfigError });
  t.is(below?.option, 'maxTimeout');
});

test('a first wait above the default cap, the cap left unset: taken, and the timer stays at that wait', (t) => {
  const { log, fc, runTimers } = harness({ initialTimeout: 120_000, maxRetransmissions: 2 });
  fc.send(['ClientHello']);
  runTimers();
  t.deepEqual(
    log.map((l) => l.at),
    [0, 120_000, 240_000, 360_000],
  );
});

test('an optional flight (NewSessionTickets) whose retries run out is dropped: no timeout, and the next flight can go', (t) => {
  const { log, fc, runTimers } = harness({ maxRetransmissions: 2 }, true);
  fc.send(['NewSessionTicket']);
  runTimers();
  t.deepEqual(
    log.map((l) => l.what),
    ['send NewSessionTicket', 'send NewSessionTicket', 'send NewSessionTicket'],
  );
  t.is(fc.state, 'acknowledged');
  t.true(fc.acceptsFlight);
});

test('model-based: every transition of the dtls13-flight chart is taken by the real controller', (t) => {
  const chart = JSON.parse(readFileSync(join(ROOT, 'spec/charts/dtls13-flight.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const all = chartEdges(chart);
  const taken = new Set<string>();
  const key = (e: ChartEdge): string => `${e.from} --${e.event}#${e.alternative}--> ${e.to}`;
  for (const path of pathsToEdges(chart)) {
    const optional = path.some((e) => e.guard === 'flightOptional');
    const failing = path.some((e) => e.event === 'after:retransmitTimeout' && (e.guard === undefined || optional));
    const { clock, fc } = harness({ maxRetransmissions: failing ? 0 : 5 }, optional);
    for (const e of path) {
      switch (e.event) {
        case 'flightReady':
          fc.send(['m0', 'm1']);
          break;
        case 'nextFlightReceived':
          fc.peerFlight(false);
          break;
        case 'lastFlightReceived':
          fc.peerFlight(true);
          break;
        case 'partialAck':
          fc.acknowledge([0]);
          break;
        case 'flightAcknowledged':
          fc.acknowledge([0, 1]);
          break;
        case 'lastFlightAcknowledged':
          fc.acknowledge([0, 1], true);
          break;
        case 'peerRetransmission':
          fc.peerRetransmitted();
          break;
        case 'after:retransmitTimeout':
          clock.advanceTo(clock.nextDeadline() ?? Number.NaN);
          break;
        default:
          return void t.fail(`no driver for event ${e.event}`);
      }
      t.is(fc.state, settle(chart, e.to), `${key(e)} (path ${path.map((p) => p.event).join(' > ')})`);
      taken.add(key(e));
    }
    fc.stop();
  }
  t.log(`dtls13-flight: ${taken.size} of ${all.length} transitions taken`);
  t.deepEqual([...taken].sort(), all.map(key).sort());
});
