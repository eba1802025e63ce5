import type { InspectionEvent } from 'xstate';
import { sharedDtls13FlightMachine } from '../../generated/charts/dtls13-flight-machine.js';
import { dtls13FlightCompiled } from '../../generated/charts/dtls13-flight-transitions.js';
import { dtls13FlightInput, type Dtls13FlightEvent, type Dtls13FlightImplementation } from '../../generated/charts/dtls13-flight.js';
import { ConfigError, integerOption } from '../config-error.js';
import type { ManualClock } from './manual-clock.js';
import { runChart, type RunningChart } from './chart-runner.js';

import type { FlightTimerConfig } from './flight-timer-config.js';

export type { FlightTimerConfig } from './flight-timer-config.js';

/** What the controller asks of the connection. */
export interface FlightHooks<M> {
  /** Put these messages on the wire (again), as new records. */
  transmit(messages: readonly M[]): void;
  /** Re-send the ACK for the peer's final flight (FINISHED state). */
  retransmitAck(): void;
  /** The retransmission limit was reached for `flight`: the handshake (or the session, for a post-handshake flight) fails. */
  timedOut(flight: readonly M[]): void;
  /** Whether a flight may be dropped when its retries run out instead of failing the connection (default: never). */
  optional?(messages: readonly M[]): boolean;
}

/**
 * What one flight does when it ends, besides stopping its timer: `onAcked`
 * runs once the peer has acknowledged all of it (explicitly or, for the
 * client's final flight, implicitly), `onExhausted` when its
 * retransmissions run out (instead of {@link FlightHooks.timedOut}).
 * `postHandshake`: see {@link FlightController.send}.
 */
export interface FlightOptions<M> {
  readonly postHandshake?: boolean;
  readonly onAcked?: (() => void) | undefined;
  readonly onExhausted?: ((flight: readonly M[]) => void) | undefined;
}

/** One controller's data: what the chart's actions and guards work on (the actions themselves are shared by every controller). */
interface FlightContext<M> {
  readonly hooks: FlightHooks<M>;
  readonly clock: ManualClock;
  readonly initialTimeout: number;
  readonly maxTimeout: number;
  readonly maxRetransmissions: number;
  flight: readonly M[];
  /** The current flight's own completion callbacks (none for most). */
  onAcked: (() => void) | undefined;
  onExhausted: ((flight: readonly M[]) => void) | undefined;
  /** Whether the current flight has gone out once already (so the next transmission is a retransmission). */
  sent: boolean;
  retransmitted: number;
  /** Indexes of the current flight the peer acknowledged; undefined while none. */
  acknowledged: Set<number> | undefined;
  timeout: number;
  retransmissions: number;
  sentAt: number;
  pendingAck: readonly number[];
}

/** The one flightReady event (events are read, never kept). */
const FLIGHT_READY: Dtls13FlightEvent = { type: 'flightReady' };

/** What an idle controller holds as its flight and pending acknowledgement (one array for all). */
const NONE: readonly never[] = [];

const unacknowledged = <M>(c: FlightContext<M>): readonly M[] => (c.acknowledged ? c.flight.filter((_, i) => !c.acknowledged!.has(i)) : c.flight);

/** The chart's actions, guards and delays, once for every controller: each works on the context its actor was given. */
const IMPLEMENTATION: Dtls13FlightImplementation<FlightContext<unknown>> = {
  actions: {
    bufferFlight: ({ context: c }) => {
      c.acknowledged = undefined;
      c.retransmissions = 0;
      c.sent = false;
    },
    transmitFlight: ({ context: c }) => {
      c.sentAt = c.clock.now;
      if (c.sent) c.retransmitted++;
      c.sent = true;
      c.hooks.transmit(unacknowledged(c));
    },
    backOffTimer: ({ context: c }) => {
      c.retransmissions++;
      c.timeout = Math.min(c.timeout * 2, c.maxTimeout);
    },
    reportTimeout: ({ context: c }) => {
      const exhausted = c.onExhausted;
      c.onAcked = c.onExhausted = undefined;
      if (exhausted) exhausted(c.flight);
      else c.hooks.timedOut(c.flight);
    },
    dropAcknowledged: ({ context: c }) => {
      if (c.pendingAck.length > 0) {
        const acknowledged = (c.acknowledged ??= new Set());
        for (const i of c.pendingAck) acknowledged.add(i);
      }
      c.pendingAck = NONE;
    },
    measureRoundTrip: ({ context: c }) => {
      // §5.8.2: once a flight is acknowledged without a retransmission, use 1.5 times the measured RTT.
      if (c.retransmissions === 0) c.timeout = Math.min(c.maxTimeout, Math.max(1, Math.round(1.5 * (c.clock.now - c.sentAt))));
    },
    discardFlight: ({ context: c }) => {
      c.flight = NONE;
      c.acknowledged = undefined;
      c.onAcked = c.onExhausted = undefined;
    },
    retransmitAck: ({ context: c }) => c.hooks.retransmitAck(),
  },
  guards: {
    retransmissionsLeft: ({ context: c }) => c.retransmissions < c.maxRetransmissions,
    flightOptional: ({ context: c }) => c.hooks.optional?.(c.flight) ?? false,
  },
  delays: {
    retransmitTimeout: ({ context: c }) => c.timeout,
  },
};

/** Chart states with no flight outstanding and no timer: where a settled controller lets its actor go. */
const RESTING = new Set(['idle', 'acknowledged', 'finished']);

type FlightActor = RunningChart<Dtls13FlightEvent>;

/**
 * The flight and retransmission state machine of RFC 9147 §5.8.1 (the
 * generated `dtls13-flight` chart) bound to a flight of messages `M`: it
 * buffers a flight, transmits it, retransmits the unacknowledged part when the
 * timer fires (1 s, then doubling up to 60 s), after a partial ACK, or when
 * the peer retransmits; and stops on ACKs or the peer's next flight.
 *
 * Once {@link settle}d (the handshake is over), the controller releases its
 * chart actor whenever it comes to rest (no flight outstanding, no timer)
 * and starts a new one in the same state when the next event comes: an
 * idle connection keeps only this object's few fields. With an `inspect`
 * callback it keeps its one actor, so the inspector sees it throughout.
 */
export class FlightController<M> {
  private readonly context: FlightContext<M>;
  private readonly inspect: ((event: InspectionEvent) => void) | undefined;
  private running: FlightActor | undefined;
  /** The chart state while the actor is released. */
  private resting: string | undefined;
  private stopped = false;
  private onRest: (() => void) | undefined;

  constructor(hooks: FlightHooks<M>, clock: ManualClock, config: FlightTimerConfig = {}, inspect?: (event: InspectionEvent) => void) {
    const initial = integerOption('initialTimeout', config.initialTimeout ?? 1000, 1, 600_000);
    const max = integerOption('maxTimeout', config.maxTimeout ?? 60_000, initial, 3_600_000);
    const maxRetransmissions = integerOption('maxRetransmissions', config.maxRetransmissions ?? 10, 0, 1000);
    if (max < initial) throw new ConfigError('maxTimeout', 'must not be below initialTimeout');
    this.context = {
      hooks,
      clock,
      initialTimeout: initial,
      maxTimeout: max,
      maxRetransmissions,
      flight: NONE,
      onAcked: undefined,
      onExhausted: undefined,
      sent: false,
      retransmitted: 0,
      acknowledged: undefined,
      timeout: initial,
      retransmissions: 0,
      sentAt: 0,
      pendingAck: NONE,
    };
    this.inspect = inspect;
    this.running = this.start(undefined);
  }

  /** The chart state (`idle`, `preparing`, `sending`, `waiting`, `acknowledged`, `finished`, `failed`). */
  get state(): string {
    return this.resting ?? this.actor().value;
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
    if (this.stopped) return false;
    if (this.resting !== undefined) return true; // every resting state takes flightReady
    const actor = this.actor();
    return actor.status === 'active' && actor.can(FLIGHT_READY);
  }

  /**
   * Our next flight is ready: buffer and send it. A flight the chart cannot
   * take now is a bug of the caller's, never silently dropped.
   *
   * `postHandshake`: the flight's timer starts at no less than the initial
   * timeout (1 s by default) and doubles from there, whatever round trip the
   * handshake measured (RFC 9147 §5.8.2: 1.5 times the RTT is kept between
   * flights of a burst, and the timer MAY go back to the initial value after
   * idleness). Post-handshake flights come after idleness, and a timer of
   * 1.5 loopback RTTs (11 ms) spent its ten retransmissions within 2 s, so a
   * short outage ended the session.
   */
  send(flight: readonly M[], options: FlightOptions<M> = {}): void {
    if (!this.acceptsFlight) throw new Error(`a new flight while the flight controller is ${this.state}`);
    const c = this.context;
    if (options.postHandshake === true) c.timeout = Math.max(c.timeout, c.initialTimeout);
    c.flight = [...flight];
    c.onAcked = options.onAcked;
    c.onExhausted = options.onExhausted;
    this.event(FLIGHT_READY);
  }

  /** The messages of the current flight the peer has not acknowledged yet (none when no flight is outstanding). */
  get outstanding(): readonly M[] {
    const state = this.state;
    return state === 'sending' || state === 'waiting' ? unacknowledged(this.context) : NONE;
  }

  /** Whether the current flight ends with a callback of its own (`onAcked`). */
  get ownsCompletion(): boolean {
    return this.context.onAcked !== undefined;
  }

  /**
   * The peer acknowledged messages `indexes` of the current flight (by
   * position). A complete acknowledgement stops retransmission (and ends the
   * handshake's flights when `last`); a partial one retransmits the rest now.
   */
  acknowledge(indexes: readonly number[], last = false): void {
    const before = this.context.acknowledged;
    const complete = this.context.flight.every((_, i) => before?.has(i) === true || indexes.includes(i));
    this.context.pendingAck = indexes;
    const onAcked = complete ? this.context.onAcked : undefined;
    this.event({ type: complete ? (last ? 'lastFlightAcknowledged' : 'flightAcknowledged') : 'partialAck' });
    const state = this.state;
    if (onAcked && (state === 'acknowledged' || state === 'finished')) {
      this.context.onAcked = this.context.onExhausted = undefined;
      onAcked();
    }
  }

  /** The peer sent (part of) its next flight; `last` when it is the handshake's final one. */
  peerFlight(last: boolean): void {
    this.event({ type: last ? 'lastFlightReceived' : 'nextFlightReceived' });
  }

  /** The peer retransmitted its previous flight: ours was probably lost. */
  peerRetransmitted(): void {
    this.event({ type: 'peerRetransmission' });
  }

  /**
   * The handshake is over: from now on the actor is released whenever the
   * controller rests, and `onRest` runs each time it comes to rest (e.g. to
   * drop the handshake epoch's write keys once the last flight that used
   * them is done). Runs `onRest` at once when resting already.
   */
  settle(onRest: () => void): void {
    if (this.onRest) return;
    this.onRest = onRest;
    this.rest();
  }

  stop(): void {
    this.stopped = true;
    this.running?.stop();
  }

  private event(e: Dtls13FlightEvent): void {
    if (this.stopped) return;
    this.actor().send(e);
    if (this.onRest) this.rest();
  }

  /** When settled and resting: releases the actor (unless inspected) and tells `onRest`. */
  private rest(): void {
    const actor = this.running;
    if (this.stopped) return;
    if (actor) {
      const value = actor.value;
      if (actor.status !== 'active' || !RESTING.has(value)) return;
      // Nothing is outstanding: no state a resting chart has needs the last flight again.
      this.context.flight = NONE;
      this.context.acknowledged = undefined;
      if (!this.inspect) {
        this.running = undefined;
        this.resting = value;
      }
    }
    this.onRest?.();
  }

  private actor(): FlightActor {
    return (this.running ??= this.start(this.resting));
  }

  /** A started actor: a new one at the chart's initial state, or one resumed in the resting state `value`. */
  private start(value: string | undefined): FlightActor {
    const input = dtls13FlightInput(IMPLEMENTATION as Dtls13FlightImplementation<FlightContext<M>>, this.context);
    const actor = runChart<Dtls13FlightEvent>(sharedDtls13FlightMachine(), dtls13FlightCompiled, input, this.context.clock, value, this.inspect);
    this.resting = undefined;
    return actor;
  }
}
