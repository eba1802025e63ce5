import type { Dtls13FlightGuardTable, Dtls13FlightStepTable } from '../../generated/charts/dtls13-flight.js';
import type { Dtls13FlightEvent } from '../../generated/charts/dtls13-flight.js';
import type { ManualClock } from './manual-clock.js';

export interface FlightHooks<M> {
  /** Put these messages on the wire (again), as new records. */
  transmit(messages: readonly M[]): void;
  /** Re-send the ACK for the peer's final flight (FINISHED state). */
  retransmitAck(): void;
  /** The retransmission limit was reached for `flight`: the handshake (or a post-handshake flight's session) fails. */
  timedOut(flight: readonly M[]): void;
  /** Whether a flight may be dropped when its retries run out instead of failing the connection (default: never). */
  optional?(messages: readonly M[]): boolean;
  /**
   * Whether our last transmission still waits in the outbound queue (the anti-amplification limit holds it,
   * runtime/shared/amplification-limit.ts): a retransmission now would only queue a copy behind it, so it is not
   * made nor counted (the timer backs off as after one).
   */
  held?(): boolean;
}

export interface FlightContext<M> {
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

/** The context as the generated machine sees it (the messages' type does not matter to the steps). */
export type AnyFlightContext = FlightContext<unknown>;

/** The dtls13-flight chart's states (RFC 9147 §5.8.1): only `waiting` holds data, its retransmit deadline. */
export type FlightState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'preparing' }
  | { readonly kind: 'sending' }
  | { readonly kind: 'waiting'; readonly deadline: number }
  | { readonly kind: 'acknowledged' }
  | { readonly kind: 'finished' }
  | { readonly kind: 'failed' };

export type FlightEvent = Dtls13FlightEvent | { readonly type: 'timeout' };

type Plain = Exclude<FlightState['kind'], 'waiting'>;
type At<K extends FlightState['kind']> = Extract<FlightState, { readonly kind: K }>;

const PLAIN: { readonly [K in Plain]: At<K> } = {
  idle: { kind: 'idle' },
  preparing: { kind: 'preparing' },
  sending: { kind: 'sending' },
  acknowledged: { kind: 'acknowledged' },
  finished: { kind: 'finished' },
  failed: { kind: 'failed' },
};

/** Chart states with no flight outstanding and no timer, where a settled controller rests. */
export type RestingKind = 'idle' | 'acknowledged' | 'finished';

/** The state a chart state starts as (the controller's start, or one it resumes in). */
export const plainFlightState = <K extends Plain>(kind: K): At<K> => PLAIN[kind];

export function moveFlight<K extends Plain>(_c: AnyFlightContext, _state: FlightState, to: K): At<K> {
  return PLAIN[to];
}

/** The generated machine enters `to`, a state with a timer of `ms`: its deadline is `ms` from the clock's now. */
export function armFlight(c: AnyFlightContext, _state: FlightState, ms: number, to: 'waiting'): At<'waiting'> {
  return { kind: to, deadline: c.clock.now + ms };
}

/** What an idle controller holds as its flight and pending acknowledgement. */
export const NONE: readonly never[] = [];

export const unacknowledged = <M>(c: FlightContext<M>): readonly M[] =>
  c.acknowledged ? c.flight.filter((_, i) => !c.acknowledged!.has(i)) : c.flight;

/** A step that works on the context alone and leaves the state as it is (the machine moves it). */
const step =
  (f: (c: AnyFlightContext) => void) =>
  <S extends FlightState>(c: AnyFlightContext, state: S, _event?: unknown, _params?: unknown, _target?: string): S => {
    f(c);
    return state;
  };

/** The chart's actions, once for every controller: each works on the context it is given. */
export const FLIGHT_STEPS = {
  bufferFlight: step((c) => {
    c.acknowledged = undefined;
    c.retransmissions = 0;
    c.sent = false;
  }),
  transmitFlight: step((c) => {
    if (c.sent && c.hooks.held?.() === true) return;
    c.sentAt = c.clock.now;
    if (c.sent) c.retransmitted++;
    c.sent = true;
    c.hooks.transmit(unacknowledged(c));
  }),
  backOffTimer: step((c) => {
    c.retransmissions++;
    c.timeout = Math.min(c.timeout * 2, c.maxTimeout);
  }),
  reportTimeout: step((c) => {
    const exhausted = c.onExhausted;
    c.onAcked = c.onExhausted = undefined;
    if (exhausted) exhausted(c.flight);
    else c.hooks.timedOut(c.flight);
  }),
  dropAcknowledged: step((c) => {
    if (c.pendingAck.length > 0) {
      const acknowledged = (c.acknowledged ??= new Set());
      for (const i of c.pendingAck) acknowledged.add(i);
    }
    c.pendingAck = NONE;
  }),
  measureRoundTrip: step((c) => {
    // §5.8.2: once a flight is acknowledged without a retransmission, use 1.5 times the measured RTT.
    if (c.retransmissions === 0)
      c.timeout = Math.min(c.maxTimeout, Math.max(1, Math.round(1.5 * (c.clock.now - c.sentAt))));
  }),
  discardFlight: step((c) => {
    c.flight = NONE;
    c.acknowledged = undefined;
    c.onAcked = c.onExhausted = undefined;
  }),
  retransmitAck: step((c) => c.hooks.retransmitAck()),
} as const satisfies Dtls13FlightStepTable;

/** The chart's guards: they read the context's counters and the connection's verdict on the flight. */
export const FLIGHT_GUARDS = {
  retransmissionsLeft: (_state: FlightState, _event: FlightEvent, c: AnyFlightContext): boolean =>
    c.retransmissions < c.maxRetransmissions,
  flightOptional: (_state: FlightState, _event: FlightEvent, c: AnyFlightContext): boolean =>
    c.hooks.optional?.(c.flight) ?? false,
} as const satisfies Dtls13FlightGuardTable;

/** The chart's delays: the current retransmit timeout (RFC 9147 §5.8.2). */
export const FLIGHT_DELAYS = {
  retransmitTimeout: (c: AnyFlightContext, _state: FlightState): number => c.timeout,
} as const;
