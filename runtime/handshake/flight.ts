import { createActor, type Actor, type InspectionEvent } from 'xstate';
import { sharedDtls13FlightMachine } from '../../generated/charts/dtls13-flight-machine.js';
import { dtls13FlightInput, type Dtls13FlightImplementation } from '../../generated/charts/dtls13-flight.js';
import { ConfigError, integerOption } from '../config-error.js';
import type { ManualClock } from './manual-clock.js';

import type { FlightTimerConfig } from './flight-timer-config.js';

export type { FlightTimerConfig } from './flight-timer-config.js';

/** What the controller asks of the connection. */
export interface FlightHooks<M> {
  /** Put these messages on the wire (again), as new records. */
  transmit(messages: readonly M[]): void;
  /** Re-send the ACK for the peer's final flight (FINISHED state). */
  retransmitAck(): void;
  /** The retransmission limit was reached: the handshake fails. */
  timedOut(): void;
  /** Whether a flight may be dropped when its retries run out instead of failing the connection (default: never). */
  optional?(messages: readonly M[]): boolean;
}

interface FlightContext<M> {
  flight: M[];
  /** Whether the current flight has gone out once already (so the next transmission is a retransmission). */
  sent: boolean;
  retransmitted: number;
  acknowledged: Set<number>;
  timeout: number;
  retransmissions: number;
  sentAt: number;
  pendingAck: readonly number[];
}

/**
 * The flight and retransmission state machine of RFC 9147 §5.8.1 (the
 * generated `dtls13-flight` chart) bound to a flight of messages `M`: it
 * buffers a flight, transmits it, retransmits the unacknowledged part when the
 * timer fires (1 s, then doubling up to 60 s), after a partial ACK, or when
 * the peer retransmits; and stops on ACKs or the peer's next flight.
 */
export class FlightController<M> {
  readonly actor: Actor<ReturnType<typeof sharedDtls13FlightMachine>>;
  private readonly context: FlightContext<M>;

  constructor(hooks: FlightHooks<M>, clock: ManualClock, config: FlightTimerConfig = {}, inspect?: (event: InspectionEvent) => void) {
    const initial = integerOption('initialTimeout', config.initialTimeout ?? 1000, 1, 600_000);
    const max = integerOption('maxTimeout', config.maxTimeout ?? 60_000, initial, 3_600_000);
    const maxRetransmissions = integerOption('maxRetransmissions', config.maxRetransmissions ?? 10, 0, 1000);
    if (max < initial) throw new ConfigError('maxTimeout', 'must not be below initialTimeout');
    const context: FlightContext<M> = {
      flight: [],
      sent: false,
      retransmitted: 0,
      acknowledged: new Set(),
      timeout: initial,
      retransmissions: 0,
      sentAt: 0,
      pendingAck: [],
    };
    this.context = context;
    const unacknowledged = (): M[] => context.flight.filter((_, i) => !context.acknowledged.has(i));
    const implementation: Dtls13FlightImplementation<FlightContext<M>> = {
      actions: {
        bufferFlight: () => {
          context.acknowledged = new Set();
          context.retransmissions = 0;
          context.sent = false;
        },
        transmitFlight: () => {
          context.sentAt = clock.now;
          if (context.sent) context.retransmitted++;
          context.sent = true;
          hooks.transmit(unacknowledged());
        },
        backOffTimer: () => {
          context.retransmissions++;
          context.timeout = Math.min(context.timeout * 2, max);
        },
        reportTimeout: () => hooks.timedOut(),
        dropAcknowledged: () => {
          for (const i of context.pendingAck) context.acknowledged.add(i);
          context.pendingAck = [];
        },
        measureRoundTrip: () => {
          // §5.8.2: once a flight is acknowledged without a retransmission, use 1.5 times the measured RTT.
          if (context.retransmissions === 0) context.timeout = Math.min(max, Math.max(1, Math.round(1.5 * (clock.now - context.sentAt))));
        },
        discardFlight: () => {
          context.flight = [];
          context.acknowledged = new Set();
        },
        retransmitAck: () => hooks.retransmitAck(),
      },
      guards: {
        retransmissionsLeft: () => context.retransmissions < maxRetransmissions,
        flightOptional: () => hooks.optional?.(context.flight) ?? false,
      },
      delays: {
        retransmitTimeout: () => context.timeout,
      },
    };
    this.actor = createActor(sharedDtls13FlightMachine(), { input: dtls13FlightInput(implementation, context), clock, ...(inspect ? { inspect } : {}) });
    this.actor.start();
  }

  /** The chart state (`idle`, `preparing`, `sending`, `waiting`, `acknowledged`, `finished`, `failed`). */
  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  /** Flights sent again (on timeout, partial ACK or the peer's retransmission) since the start. */
  get retransmissions(): number {
    return this.context.retransmitted;
  }

  /** The current retransmit timeout, in ms. */
  get timeout(): number {
    return this.context.timeout;
  }

  /** Whether a new flight can start now (no flight of ours is outstanding, and the controller has not failed). */
  get acceptsFlight(): boolean {
    const snapshot = this.actor.getSnapshot();
    return snapshot.status === 'active' && snapshot.can({ type: 'flightReady' });
  }

  /** Our next flight is ready: buffer and send it. A flight the chart cannot take now is a bug of the caller's, never silently dropped. */
  send(flight: readonly M[]): void {
    if (!this.acceptsFlight) throw new Error(`a new flight while the flight controller is ${this.state}`);
    this.context.flight = [...flight];
    this.actor.send({ type: 'flightReady' });
  }

  /**
   * The peer acknowledged messages `indexes` of the current flight (by
   * position). A complete acknowledgement stops retransmission (and ends the
   * handshake's flights when `last`); a partial one retransmits the rest now.
   */
  acknowledge(indexes: readonly number[], last = false): void {
    const all = new Set([...this.context.acknowledged, ...indexes]);
    this.context.pendingAck = indexes;
    const complete = this.context.flight.every((_, i) => all.has(i));
    this.actor.send({ type: complete ? (last ? 'lastFlightAcknowledged' : 'flightAcknowledged') : 'partialAck' });
  }

  /** The peer sent (part of) its next flight; `last` when it is the handshake's final one. */
  peerFlight(last: boolean): void {
    this.actor.send({ type: last ? 'lastFlightReceived' : 'nextFlightReceived' });
  }

  /** The peer retransmitted its previous flight: ours was probably lost. */
  peerRetransmitted(): void {
    this.actor.send({ type: 'peerRetransmission' });
  }

  stop(): void {
    this.actor.stop();
  }
}
