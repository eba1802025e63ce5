import { integerOption } from '../config-error.js';

/** The two deadlines a connection keeps itself (options of `DtlsConnection`; 0 or omitted: none). */
export interface DeadlineOptions {
  /**
   * The handshake must complete within this many ms of its start (the client's `connect`, the server's first datagram),
   * or the connection fails with handshake_failure and closes as `timeout`. Retransmissions and junk datagrams never
   * extend it. Default: none (the UDP server's `handshakeTimeoutMs` is 10,000, `connect`'s `handshakeTimeout` 30,000).
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Once connected, close (close_notify) after this many ms without a record that authenticated under the connection's
   * keys, and report `closed` as `timeout`; plaintext, forgeries and junk never reset it. Default: none (the UDP
   * server's `idleTimeoutMs` is 300,000).
   */
  readonly idleTimeoutMs?: number;
}

/** What the deadlines are measured from. */
export interface DeadlineState {
  /** When the handshake started, once it has. */
  readonly startedAt: number | undefined;
  /** When the handshake completed, once it has. */
  readonly connectedAt: number | undefined;
  /** When the peer last sent a record that authenticated. */
  readonly lastAuthenticated: number | undefined;
}

/**
 * The handshake and idle deadlines, inside the sans-I/O core (aioquic keeps its idle timer there too): `next` is what
 * `pollTimeout()` adds to the retransmission and ACK timers, `expired` what `handleTimeout(now)` acts on. Holds the two
 * durations only; the times are the connection's.
 */
export class ConnectionDeadlines {
  readonly handshakeMs: number;
  readonly idleMs: number;

  /** @throws ConfigError naming `handshakeTimeoutMs` or `idleTimeoutMs` when one is not an integer in range. */
  constructor(options: DeadlineOptions) {
    this.handshakeMs = integerOption('handshakeTimeoutMs', options.handshakeTimeoutMs ?? 0, 0, 3_600_000);
    this.idleMs = integerOption('idleTimeoutMs', options.idleTimeoutMs ?? 0, 0, 86_400_000);
  }

  /** The deadline that runs now: the handshake's until connected, then the idle one; undefined when none does. */
  next(s: DeadlineState): number | undefined {
    if (s.connectedAt === undefined)
      return this.handshakeMs > 0 && s.startedAt !== undefined ? s.startedAt + this.handshakeMs : undefined;
    if (this.idleMs === 0) return undefined;
    return Math.max(s.connectedAt, s.lastAuthenticated ?? s.connectedAt) + this.idleMs;
  }

  /** Which deadline has passed at `now`, if any. */
  expired(now: number, s: DeadlineState): 'handshake' | 'idle' | undefined {
    const at = this.next(s);
    if (at === undefined || now < at) return undefined;
    return s.connectedAt === undefined ? 'handshake' : 'idle';
  }
}
