/** Retransmission settings (RFC 9147 §5.8.2), a connection option: in a file of its own so the options' declarations do not load the flight controller's (and xstate's). */
import { integerOption } from '../config-error.js';

export interface FlightTimerConfig {
  /** First retransmit timeout in ms (default 1000). */
  readonly initialTimeout?: number;
  /** The timeout doubles up to this (default 60,000 ms, or initialTimeout when that is longer). */
  readonly maxTimeout?: number;
  /** Retransmissions of one flight before the handshake gives up (default 10). */
  readonly maxRetransmissions?: number;
}

/**
 * The retransmission timer's settings, checked: `initialTimeout` (default 1,000 ms), `maxTimeout` (default 60,000 ms,
 * or the initial one when that is longer), `maxRetransmissions` (default 10). @throws ConfigError naming the option.
 */
export function flightTimers(config: FlightTimerConfig): Required<FlightTimerConfig> {
  const initialTimeout = integerOption('initialTimeout', config.initialTimeout ?? 1000, 1, 600_000);
  // maxTimeout below initialTimeout is out of its range; left unset, it follows a first wait above its default.
  const cap = config.maxTimeout ?? 60_000;
  const maxTimeout = integerOption(
    'maxTimeout',
    config.maxTimeout === undefined ? Math.max(cap, initialTimeout) : cap,
    initialTimeout,
    3_600_000,
  );
  const maxRetransmissions = integerOption('maxRetransmissions', config.maxRetransmissions ?? 10, 0, 1000);
  return { initialTimeout, maxTimeout, maxRetransmissions };
}
