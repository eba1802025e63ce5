/**
 * What a DtlsConnection holds once, whichever version it speaks (after rustls's `CommonState`): the connection's facts
 * (runtime/shared/connection-facts.ts: its state, failure, last authenticated record, peer path and CIDs, version
 * and exporter, each written by the version state that learns it, when it changes), the handshake and idle deadlines
 * (`handshakeTimeoutMs`, `idleTimeoutMs`), run from the handshake's start (a fact the version state writes), which
 * deadline ended the connection, the datagram observer, the one event queue, the one counter set, the one outbound
 * queue, the one clock and the one datagram limit (lent to the version state as its `SharedState`: a 1.3 offer answered
 * in 1.2 goes on in the same ones). The version state ends itself when a deadline passes (`VersionState.expire`).
 */
import {
  newConnectionCounters,
  type PathQueue,
  type RecordTimer,
  type SharedState,
  type TransmitGate,
  type VersionState,
} from '../shared/connection-api.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { DatagramObserver } from '../shared/datagram-observer.js';
import type { DeadlineOptions } from '../shared/deadlines.js';
import { integerOption } from '../config-error.js';
import { ManualClock } from '../handshake/manual-clock.js';
import { DatagramLimit } from '../shared/datagram-limit.js';
import { ConnectionFacts } from '../shared/connection-facts.js';

export interface CommonOptions extends DeadlineOptions {
  readonly onDatagram?: DatagramObserver | undefined;
}

export class CommonState extends ConnectionFacts implements SharedState {
  /** The handshake deadline's and the idle deadline's durations in ms (0: none). */
  private readonly handshakeMs: number;
  private readonly idleMs: number;
  /** The one event queue, from the version state's record handling to `pollEvent`. */
  readonly events: ConnectionEvent[] = [];
  /** The one counter set (`stats`' counts), whichever version the state speaks. */
  readonly counters = newConnectionCounters();
  /** The one outbound queue: what either version's state sends, until `pollTransmit` takes it. */
  readonly outgoing: Uint8Array[] = [];
  /** The one clock: the caller's time, on which the version state's timers (flights, ACKs, path checks) run. */
  readonly clock = new ManualClock(0);
  /** The one datagram limit: what flights are cut to, lowered by the path whichever version speaks. */
  readonly datagramLimit: DatagramLimit;
  /** Told of each datagram received and sent (a capture, a key log's companion). */
  readonly onDatagram: DatagramObserver | undefined;
  /** The version state's datagrams for other paths (1.3's CID context; none in 1.2), lent as it is made. */
  pathQueue: PathQueue | undefined = undefined;
  /** The version state's timer beside the one clock (1.3's record layer; none in 1.2), lent as it is made. */
  recordTimer: RecordTimer | undefined = undefined;
  /** Asked before the outbound queue gives up a datagram (the 1.3 state; none in 1.2), lent as it is made. */
  transmitGate: TransmitGate | undefined = undefined;
  /** Which deadline ended the connection, if one did. */
  expired: 'handshake' | 'idle' | undefined;

  /** @throws ConfigError naming `handshakeTimeoutMs` or `idleTimeoutMs` when one is not an integer in range. */
  constructor(options: CommonOptions, maxDatagramSize: number) {
    super();
    this.handshakeMs = integerOption('handshakeTimeoutMs', options.handshakeTimeoutMs ?? 0, 0, 3_600_000);
    this.idleMs = integerOption('idleTimeoutMs', options.idleTimeoutMs ?? 0, 0, 86_400_000);
    this.datagramLimit = new DatagramLimit(maxDatagramSize);
    this.onDatagram = options.onDatagram;
  }

  get deadlineOptions(): Required<DeadlineOptions> {
    return { handshakeTimeoutMs: this.handshakeMs, idleTimeoutMs: this.idleMs };
  }

  /**
   * The deadline that runs now, if one does (the connection has not ended: the caller asked): the handshake's from its
   * start until the version state says it completed (`handshakeDoneAt`), then the idle one from the later of the
   * handshake's end and the peer's last authenticated record (both facts the version state wrote). Read per poll:
   * fields only, no object per call. Retransmissions, junk and forgeries never move it.
   */
  deadline(): number | undefined {
    const connectedAt = this.handshakeDoneAt;
    if (connectedAt === undefined)
      return this.handshakeMs > 0 && this.startedAt !== undefined ? this.startedAt + this.handshakeMs : undefined;
    if (this.idleMs === 0) return undefined;
    const last = this.lastAuthenticatedReceive;
    return (last !== undefined && last > connectedAt ? last : connectedAt) + this.idleMs;
  }

  /** At `now`: a deadline that has passed ends `v` (failed as handshake_failure, or closed with close_notify), reported closed as `timeout`. */
  check(v: VersionState, now: number): void {
    const s = this.state;
    if (s === 'closed' || s === 'failed') return;
    const at = this.deadline();
    if (at === undefined || now < at) return;
    const expired = this.handshakeDoneAt === undefined ? 'handshake' : 'idle';
    this.expired = expired;
    v.expire(expired, expired === 'handshake' ? `timeout: no handshake within ${this.handshakeMs} ms` : 'idle timeout');
  }
}
