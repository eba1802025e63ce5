import type { ChartInspectionEvent } from '../chart-inspection.js';
import { sharedDtls13FlightMachine } from '../../generated/charts/dtls13-flight-machine.js';
import { dtls13FlightStep, dtls13FlightTakes } from '../../generated/charts/dtls13-flight-transitions.js';
import { dtls13FlightInput, type Dtls13FlightAction } from '../../generated/charts/dtls13-flight.js';
import { InspectedChart } from '../machine/inspected-chart.js';
import type { ManualClock } from './manual-clock.js';
import {
  FLIGHT_GUARDS,
  FLIGHT_STEPS,
  NONE,
  plainFlightState,
  unacknowledged,
  type AnyFlightContext,
  type FlightContext,
  type FlightEvent,
  type FlightHooks,
  type FlightState,
  type RestingKind,
} from './flight-steps.js';

import { flightTimers, type FlightTimerConfig } from './flight-timer-config.js';

export type { FlightTimerConfig } from './flight-timer-config.js';
export type { FlightHooks, RestingKind } from './flight-steps.js';

/** What one flight does when it ends: `onAcked` once all of it is acknowledged, `onExhausted` when retries run out. */
export interface FlightOptions<M> {
  readonly postHandshake?: boolean;
  readonly onAcked?: (() => void) | undefined;
  readonly onExhausted?: ((flight: readonly M[]) => void) | undefined;
}

/** Told each time a settled controller comes to rest: an object, not a closure per connection. */
export interface FlightRestListener {
  handshakeFlightsDone(): void;
}

const FLIGHT_READY: FlightEvent = { type: 'flightReady' };
const TIMEOUT: FlightEvent = { type: 'timeout' };

/** The event XState's copy of the chart (the inspector's) takes for the machine's `timeout`: its own delayed event. */
const AFTER_EVENT = { type: 'xstate.after.retransmitTimeout.dtls13-flight.waiting' } as const;

/** Chart states with no flight outstanding and no timer: where a settled controller is at rest. */
const RESTING: ReadonlySet<string> = new Set(['idle', 'acknowledged', 'finished']);

/**
 * The flight and retransmission state machine of RFC 9147 §5.8.1 (the generated `dtls13-flight` chart) bound to
 * flights of `M`: it transmits a flight, retransmits the unacknowledged part on timeout (1 s doubling to 60 s), partial
 * ACK or peer retransmission, and stops on ACKs or the peer's next flight. The `waiting` state's deadline goes on the
 * connection's clock; events sent from a step wait for the current one; a step that throws leaves it in `error`. With
 * `inspect`, XState's actor of the same chart is fed each event first.
 */
export class FlightController<M> {
  private readonly context: FlightContext<M>;
  private readonly inspected: InspectedChart | undefined;
  /** The machine's state while working; released at rest once settled, unless inspected (then `resting` holds it). */
  private running: FlightState | undefined = plainFlightState('idle');
  private resting: RestingKind | undefined;
  /** `active`; `done` in the final state; `stopped`; `error` once a step threw. */
  private status: 'active' | 'done' | 'stopped' | 'error' = 'active';
  private timer: number | undefined;
  private busy = false;
  private queue: FlightEvent[] | undefined;
  private stopped = false;
  private onRest: FlightRestListener | undefined;

  constructor(
    hooks: FlightHooks<M>,
    clock: ManualClock,
    config: FlightTimerConfig = {},
    inspect?: (event: ChartInspectionEvent) => void,
  ) {
    const { initialTimeout: initial, maxTimeout: max, maxRetransmissions } = flightTimers(config);
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
    this.inspected = inspect
      ? new InspectedChart(
          sharedDtls13FlightMachine,
          dtls13FlightInput,
          Object.keys(FLIGHT_STEPS) satisfies string[] as Dtls13FlightAction[],
          FLIGHT_GUARDS,
          inspect,
          ['retransmitTimeout'],
        )
      : undefined;
  }

  get state(): string {
    return this.resting ?? this.current().kind;
  }

  /** Flights sent again since the start. */
  get retransmissions(): number {
    return this.context.retransmitted;
  }

  get timeout(): number {
    return this.context.timeout;
  }

  /** Whether a new flight can start now (no flight of ours is outstanding, and the controller has not failed). */
  get acceptsFlight(): boolean {
    if (this.stopped) return false;
    return this.status === 'active' && dtls13FlightTakes[this.state as FlightState['kind']].has(FLIGHT_READY.type);
  }

  /**
   * Our next flight is ready: buffer and send it (a flight the chart cannot take now is the caller's bug: it throws).
   * `postHandshake`: the timer starts at no less than the initial timeout, whatever RTT the handshake measured (RFC 9147
   * §5.8.2 allows the reset after idleness): at 1.5 loopback RTTs ten retransmissions took 2 s, so short outages ended
   * sessions.
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

  get ownsCompletion(): boolean {
    return this.context.onAcked !== undefined;
  }

  /** The peer acknowledged messages `indexes` (by position): complete stops retransmission; partial resends the rest. */
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

  peerFlight(last: boolean): void {
    this.event({ type: last ? 'lastFlightReceived' : 'nextFlightReceived' });
  }

  peerRetransmitted(): void {
    this.event({ type: 'peerRetransmission' });
  }

  /** The handshake is over: at every rest the actor is released and `onRest` told (at once if resting already). */
  settle(onRest: FlightRestListener): void {
    if (this.onRest) return;
    this.onRest = onRest;
    this.rest();
  }

  /** At rest with nothing outstanding, as a hibernated session keeps it; undefined when not at rest. */
  get atRest(): { readonly state: RestingKind; readonly retransmitted: number; readonly timeout: number } | undefined {
    const state = this.state;
    if (this.status !== 'active' || this.busy || !RESTING.has(state) || this.timer !== undefined) return undefined;
    return { state: state as RestingKind, retransmitted: this.context.retransmitted, timeout: this.context.timeout };
  }

  /** A new controller takes up where a hibernated session's {@link atRest} left off (before {@link settle}). */
  restoreAtRest(at: { readonly state: RestingKind; readonly retransmitted: number; readonly timeout: number }): void {
    this.running = plainFlightState(at.state);
    this.resting = undefined;
    this.context.retransmitted = at.retransmitted;
    this.context.timeout = at.timeout;
  }

  /** Off the clock: the timer is cancelled, the flight kept (a 1.3 offer while a 1.2 HelloVerifyRequest is answered). */
  pause(): void {
    this.cancelTimer();
  }

  /** Back on the clock after {@link pause}: a flight still waiting for its answer is timed again from now. */
  resume(): void {
    const c = this.context;
    if (this.status === 'active' && this.running?.kind === 'waiting' && this.timer === undefined)
      this.timer = c.clock.setTimeout(() => this.fire(), c.timeout);
  }

  stop(): void {
    this.stopped = true;
    if (this.status !== 'active') return;
    this.status = 'stopped';
    this.cancelTimer();
    this.queue = undefined;
  }

  private event(e: FlightEvent): void {
    if (this.stopped) return;
    this.process(e);
    if (this.onRest) this.rest();
  }

  /** Runs `e` (and events steps sent meanwhile) through the machine, then puts the new state's deadline on the clock. */
  private process(e: FlightEvent): void {
    if (this.busy) {
      if (this.status === 'active') (this.queue ??= []).push(e);
      return;
    }
    if (this.status !== 'active') return;
    this.busy = true;
    const c = this.context as AnyFlightContext;
    try {
      for (let event: FlightEvent | undefined = e; event; event = this.queue?.shift()) {
        if (this.status !== 'active') break;
        const before = this.current();
        if (this.inspected && dtls13FlightTakes[before.kind].has(event.type))
          this.inspected.took(event.type === 'timeout' ? AFTER_EVENT : event, before, c);
        const next = dtls13FlightStep(c, before, event);
        if (next === undefined || next === before) continue;
        // The state was left (and maybe re-entered): its timer goes, the new state's comes.
        this.running = next;
        this.cancelTimer();
        if (next.kind === 'failed') {
          if (this.status === 'active') this.status = 'done';
        } else if (next.kind === 'waiting' && this.status === 'active') {
          // A closure per armed timer, not one held for the connection's life.
          this.timer = c.clock.setTimeout(() => this.fire(), next.deadline - c.clock.now);
        }
      }
    } catch (error) {
      this.status = 'error';
      this.cancelTimer();
      throw error;
    } finally {
      this.queue = undefined;
      this.busy = false;
    }
  }

  private fire(): void {
    this.timer = undefined;
    this.process(TIMEOUT);
  }

  private rest(): void {
    if (this.stopped) return;
    const kind = this.state;
    if (this.status !== 'active' || !RESTING.has(kind)) return;
    // Nothing is outstanding: no state a resting chart has needs the last flight again.
    this.context.flight = NONE;
    this.context.acknowledged = undefined;
    // Nor its callbacks: a flight acknowledged without an `onAcked` of its own (a NewSessionTicket) kept its `onExhausted`.
    this.context.onAcked = this.context.onExhausted = undefined;
    if (!this.inspected) {
      this.running = undefined;
      this.resting = kind as RestingKind;
    }
    this.onRest?.handshakeFlightsDone();
  }

  private current(): FlightState {
    if (this.running === undefined) {
      this.running = plainFlightState(this.resting ?? 'idle');
      this.resting = undefined;
    }
    return this.running;
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.context.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
