/** Retransmission settings (RFC 9147 §5.8.2), a connection option: in a file of its own so the options' declarations do not load the flight controller's (and xstate's). */
export interface FlightTimerConfig {
  /** First retransmit timeout in ms (default 1000). */
  readonly initialTimeout?: number;
  /** The timeout doubles up to this (default 60,000 ms, or initialTimeout when that is longer). */
  readonly maxTimeout?: number;
  /** Retransmissions of one flight before the handshake gives up (default 10). */
  readonly maxRetransmissions?: number;
}
