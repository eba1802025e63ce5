/**
 * The retransmission timer's settings as the flight controller and a server's hello phase read them
 * (runtime/handshake/flight-timer-config.ts): RFC 9147 §5.8.2's defaults, and each bad option a ConfigError naming it.
 */
import test from 'ava';
import { ConfigError } from '../../runtime/config-error.js';
import { flightTimers } from '../../runtime/handshake/flight-timer-config.js';

test('defaults: 1 s first, doubling up to 60 s, 10 retransmissions; a first wait above the cap raises it', (t) => {
  t.deepEqual(flightTimers({}), { initialTimeout: 1000, maxTimeout: 60_000, maxRetransmissions: 10 });
  t.is(flightTimers({ initialTimeout: 90_000 }).maxTimeout, 90_000);
  t.deepEqual(flightTimers({ initialTimeout: 50, maxTimeout: 400, maxRetransmissions: 0 }), {
    initialTimeout: 50,
    maxTimeout: 400,
    maxRetransmissions: 0,
  });
});

test('each option out of range is a ConfigError naming it', (t) => {
  for (const [config, option] of [
    [{ initialTimeout: 0 }, 'initialTimeout'],
    [{ initialTimeout: 1.5 }, 'initialTimeout'],
    [{ initialTimeout: 100, maxTimeout: 99 }, 'maxTimeout'],
    [{ maxRetransmissions: 1001 }, 'maxRetransmissions'],
  ] as const) {
    t.is(t.throws(() => flightTimers(config), { instanceOf: ConfigError })?.option, option, JSON.stringify(config));
  }
});
