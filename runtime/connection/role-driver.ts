import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { sharedDtls13ClientMachine } from '../../generated/charts/dtls13-client-machine.js';
import { dtls13ClientCompiled } from '../../generated/charts/dtls13-client-transitions.js';
import { dtls13ClientChart, dtls13ClientInput, type Dtls13ClientEvent } from '../../generated/charts/dtls13-client.js';
import { sharedDtls13ServerMachine } from '../../generated/charts/dtls13-server-machine.js';
import { dtls13ServerCompiled } from '../../generated/charts/dtls13-server-transitions.js';
import { dtls13ServerChart, dtls13ServerInput, type Dtls13ServerEvent } from '../../generated/charts/dtls13-server.js';
import { handshakeTypeFromNumber } from '../../generated/wire/enums.js';
import type { Alert, KeyUpdate, NewConnectionId, RequestConnectionId, ReturnRoutabilityCheck } from '../../generated/wire/index.js';
import type { AlertDescription } from '../../generated/wire/enums.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { runChart, type RunningChart } from '../handshake/chart-runner.js';
import type { CompiledChart } from '../machine/compiled-chart.js';
import { ChartBinding } from './chart-binding.js';
import { ChartContext } from './chart-context.js';
import { chartHandles } from './chart-lookup.js';
import { CLIENT_IMPLEMENTATION } from './client-handshake.js';
import type { ClientState } from './client-states.js';
import type { ConnectionParts } from './connection-parts.js';
import type { HandshakeHandler } from './handler-table.js';
import type { Session } from './key-material.js';
import { SERVER_IMPLEMENTATION, ServerContext } from './server-handshake.js';
import type { ServerState } from './server-states.js';
import type { StatelessRetry } from './stateless-retry.js';

/** Events both charts take from the connection itself rather than from a message. */
export type ControlEvent =
  | { readonly type: 'close' }
  | { readonly type: 'closeNotify' }
  | { readonly type: 'updateKeys'; readonly payload: KeyUpdate }
  /** Server: ask the client for a certificate now (post-handshake authentication). */
  | { readonly type: 'requestCertificate' }
  | { readonly type: 'fail'; readonly payload: AlertDescription }
  | { readonly type: 'alertReceived'; readonly payload: Alert }
  /** Connection IDs (RFC 9147 §9): give the peer these CIDs; ask it for more. */
  | { readonly type: 'issueConnectionIds'; readonly payload: NewConnectionId }
  | { readonly type: 'requestConnectionIds'; readonly payload: RequestConnectionId }
  /** Return routability (RFC 9853 §4): the messages of a return_routability_check record. */
  | { readonly type: 'PathChallenge'; readonly payload: ReturnRoutabilityCheck }
  | { readonly type: 'PathResponse'; readonly payload: ReturnRoutabilityCheck }
  | { readonly type: 'PathDrop'; readonly payload: ReturnRoutabilityCheck };

/** One role's chart actor and typed state, behind what the connection needs of either. */
export interface RoleDriver {
  /** Client: the connect event. */
  connect(): void;
  /** A whole handshake message: decoded by its handler into its chart event, if the chart takes it now (else unexpected_message). */
  deliver(handler: HandshakeHandler, msgType: number, body: Uint8Array): void;
  control(event: ControlEvent): void;
  handles(eventType: string): boolean;
  session(): Session | undefined;
  /** The typed state's kind (`closed` once closed either way). */
  stateKind(): string;
  /** The chart's own state name, for the inspector and `DtlsConnection.state`. */
  chartState(): string;
}

export function roleDriver(
  parts: ConnectionParts,
  failMessage: () => string | undefined,
  inspect: ((event: InspectionEvent) => void) | undefined,
  statelessRetry: StatelessRetry | undefined,
): RoleDriver {
  if (parts.role === 'client') return new ClientDriver(parts, failMessage, inspect);
  const d = new ServerDriver(parts, failMessage, inspect, statelessRetry);
  if (statelessRetry) d.dispatch({ type: 'statelessRetryVerified' });
  return d;
}

/** The typed state both roles close to. */
const CLOSED = { kind: 'closed' } as const;

/** The chart state in which a connection sits idle between post-handshake events. */
const CONNECTED = 'connected';

/**
 * Drives one role's chart actor. Once connected (and without an `inspect`
 * callback), the actor and its context are let go after each
 * event, since `connected` has no timers, children or pending work: an idle
 * session keeps only its typed state. The next event resumes a new actor in
 * `connected` (a few µs; post-handshake messages are rare). The flight
 * controller is settled at the same point, so it too lets its actor go
 * when at rest, and the handshake epochs' write keys are dropped once the
 * last flight that used them is done.
 */
abstract class ChartDriver<S extends { readonly kind: string }, E extends { readonly type: string }> implements RoleDriver {
  protected readonly parts: ConnectionParts;
  protected readonly binding: ChartBinding<S, E>;
  protected readonly failMessage: () => string | undefined;
  private readonly inspect: ((event: InspectionEvent) => void) | undefined;
  private running: RunningChart<E> | undefined;

  constructor(
    parts: ConnectionParts,
    binding: ChartBinding<S, E>,
    failMessage: () => string | undefined,
    inspect: ((event: InspectionEvent) => void) | undefined,
  ) {
    this.parts = parts;
    this.binding = binding;
    this.failMessage = failMessage;
    this.inspect = inspect;
  }

  protected abstract readonly machine: AnyStateMachine;
  protected abstract readonly chart: typeof dtls13ClientChart | typeof dtls13ServerChart;
  /** The same chart compiled: what runs it (the XState machine runs it only for an inspector). */
  protected abstract readonly compiled: CompiledChart;
  /** The actor's input: the role's implementation (one for every connection) and a context for this connection (made again when the actor is resumed). */
  protected abstract input(): { readonly context: object; readonly implementation: object };
  /** The chart event a handler decodes `body` into, for this role. */
  protected abstract decode(handler: HandshakeHandler, body: Uint8Array): E | undefined;
  /** The chart event for a control event, when this role's chart has it. */
  protected abstract own(event: ControlEvent): E | undefined;
  /** Connected: what only the handshake needed goes. */
  protected forgetHandshake(): void {}

  /** Creates and starts the actor at the chart's initial state (from the subclass constructor, once its fields exist). */
  protected start(): void {
    this.running = runChart<E>(this.machine, this.compiled, this.input(), this.parts.clock, undefined, this.inspect);
  }

  connect(): void {
    throw new Error('only a client connects');
  }

  deliver(handler: HandshakeHandler, msgType: number, body: Uint8Array): void {
    let taken = false;
    for (const t of handler.events) if ((taken = this.handles(t))) break;
    if (!taken) throw this.unexpected(msgType);
    const event = this.decode(handler, body);
    if (event === undefined || !this.handles(event.type)) throw this.unexpected(msgType);
    this.dispatch(event, { msgType, body });
  }

  private unexpected(msgType: number): ProtocolError {
    return new ProtocolError('unexpected_message', `${String(handshakeTypeFromNumber(msgType))} is not expected in state ${this.chartState()}`);
  }

  control(event: ControlEvent): void {
    const e = this.own(event);
    if (e && this.handles(e.type)) this.dispatch(e);
  }

  handles(type: string): boolean {
    if (this.running && this.running.status !== 'active') return false;
    return chartHandles(this.chart, this.chartState(), type);
  }

  session(): Session | undefined {
    const s: { readonly kind: string; readonly session?: Session } = this.binding.state;
    return s.kind === 'connected' ? s.session : undefined;
  }

  stateKind(): string {
    return this.binding.state.kind;
  }

  chartState(): string {
    return this.running ? this.running.value : CONNECTED;
  }

  /** Sends `event` (with the message it came from) to the actor, resuming it first if it was let go; then lets it go again if connected. */
  dispatch(event: E, inbound?: { readonly msgType: number; readonly body: Uint8Array }): void {
    const actor = (this.running ??= this.resume());
    try {
      this.binding.dispatch(actor, event, inbound);
    } finally {
      this.settle(actor);
    }
  }

  private settle(actor: RunningChart<E>): void {
    if (this.binding.state.kind !== 'connected') return;
    if (actor.status !== 'active' || actor.value !== CONNECTED) return;
    const parts = this.parts;
    parts.flight.settle(() => parts.handshakeFlightsDone());
    this.forgetHandshake();
    if (!this.inspect) this.running = undefined;
  }

  /** A new actor in `connected`, with a new context for this connection. */
  private resume(): RunningChart<E> {
    return runChart<E>(this.machine, this.compiled, this.input(), this.parts.clock, CONNECTED, undefined);
  }
}

class ClientDriver extends ChartDriver<ClientState, Dtls13ClientEvent> {
  protected readonly machine = sharedDtls13ClientMachine();
  protected readonly chart = dtls13ClientChart;
  protected readonly compiled = dtls13ClientCompiled;

  constructor(parts: ConnectionParts, failMessage: () => string | undefined, inspect: ((event: InspectionEvent) => void) | undefined) {
    super(parts, new ChartBinding<ClientState, Dtls13ClientEvent>({ kind: 'start' }), failMessage, inspect);
    this.start();
  }

  override connect(): void {
    this.dispatch({ type: 'connect' });
  }

  protected input(): { readonly context: object; readonly implementation: object } {
    return dtls13ClientInput(CLIENT_IMPLEMENTATION, new ChartContext(this.parts, this.binding, this.failMessage, CLOSED));
  }

  protected decode(handler: HandshakeHandler, body: Uint8Array): Dtls13ClientEvent | undefined {
    return handler.client?.(body);
  }

  protected own(event: ControlEvent): Dtls13ClientEvent | undefined {
    return event.type === 'requestCertificate' ? undefined : event; // a server's request only
  }
}

class ServerDriver extends ChartDriver<ServerState, Dtls13ServerEvent> {
  protected readonly machine = sharedDtls13ServerMachine();
  protected readonly chart = dtls13ServerChart;
  protected readonly compiled = dtls13ServerCompiled;
  /** The cookie exchange this connection started from: read once, by restoreFromCookie. */
  private statelessRetry: StatelessRetry | undefined;

  constructor(
    parts: ConnectionParts,
    failMessage: () => string | undefined,
    inspect: ((event: InspectionEvent) => void) | undefined,
    statelessRetry: StatelessRetry | undefined,
  ) {
    super(parts, new ChartBinding<ServerState, Dtls13ServerEvent>({ kind: 'waitClientHello' }), failMessage, inspect);
    this.statelessRetry = statelessRetry;
    this.start();
  }

  protected input(): { readonly context: object; readonly implementation: object } {
    return dtls13ServerInput(SERVER_IMPLEMENTATION, new ServerContext(this.parts, this.binding, this.failMessage, this.statelessRetry));
  }

  protected decode(handler: HandshakeHandler, body: Uint8Array): Dtls13ServerEvent | undefined {
    return handler.server?.(body);
  }

  protected own(event: ControlEvent): Dtls13ServerEvent | undefined {
    return event;
  }

  protected override forgetHandshake(): void {
    this.statelessRetry = undefined;
  }
}
