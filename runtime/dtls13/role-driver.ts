import type { AnyStateMachine } from 'xstate';
import type { ChartInspectionEvent } from '../chart-inspection.js';
import { sharedDtls13ClientMachine } from '../../generated/charts/dtls13-client-machine.js';
import { dtls13ClientInput } from '../../generated/charts/dtls13-client.js';
import { sharedDtls13ServerMachine } from '../../generated/charts/dtls13-server-machine.js';
import { dtls13ServerInput } from '../../generated/charts/dtls13-server.js';
import { HandshakeType, handshakeTypeFromNumber } from '../../generated/wire/enums.js';
import type {
  Alert,
  ClientHello,
  KeyUpdate,
  NewConnectionId,
  RequestConnectionId,
  ReturnRoutabilityCheck,
} from '../../generated/wire/index.js';
import type { AlertDescription } from '../../generated/wire/enums.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { bytesEqual } from '../wire/bytes.js';
import { InspectedChart, type GuardTable } from '../machine/inspected-chart.js';
import { Machine, type ChartBinding } from '../machine/machine.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import { CLIENT_GUARDS, CLIENT_STEPS } from './client-handshake.js';
import type { ClientEvent, ClientState, InboundMessage } from './client-states.js';
import type { HandshakeHandler } from './handler-table.js';
import { planClientHello } from './hello-plan.js';
import type { Session } from '../shared/key-material.js';
import { Exporter13 } from './exporter.js';
import type { ClientContext, MachineContext, ServerContext } from './machine-context.js';
import { SERVER_GUARDS, SERVER_STEPS } from './server-handshake.js';
import type { ServerEvent, ServerState } from './server-states.js';
import type { StatelessRetry } from '../shared/stateless-retry.js';

/** Events both charts take from the connection itself rather than from a message. */
export type ControlEvent =
  | { readonly type: 'close' }
  | { readonly type: 'closeNotify' }
  | { readonly type: 'updateKeys'; readonly payload: KeyUpdate }
  /** Server: ask the client for a certificate now (post-handshake authentication). */
  | { readonly type: 'requestCertificate' }
  | { readonly type: 'alertReceived'; readonly payload: Alert }
  /** Connection IDs (RFC 9147 §9): give the peer these CIDs; ask it for more. */
  | { readonly type: 'issueConnectionIds'; readonly payload: NewConnectionId }
  | { readonly type: 'requestConnectionIds'; readonly payload: RequestConnectionId }
  /** Return routability (RFC 9853 §4): the messages of a return_routability_check record. */
  | { readonly type: 'PathChallenge'; readonly payload: ReturnRoutabilityCheck }
  | { readonly type: 'PathResponse'; readonly payload: ReturnRoutabilityCheck }
  | { readonly type: 'PathDrop'; readonly payload: ReturnRoutabilityCheck };

/** One role's handshake machine, behind what the connection needs of either. */
export interface RoleDriver {
  /** Client: the connect event. */
  connect(): void;
  /** A whole handshake message, decoded into its chart event if the state takes it now (else unexpected_message). */
  deliver(handler: HandshakeHandler, msgType: number, body: Uint8Array): void;
  control(event: ControlEvent): void;
  /** Server: the ClientHello about to come, decoded where its version was chosen: when these are its bytes, not decoded again. */
  expect?(known: { readonly body: Uint8Array; readonly hello: ClientHello }): void;
  /** Client: the connection went on in DTLS 1.2: the offer's key shares are released. */
  releaseOffer?(): void;
  /** Client: waiting for the server's first answer (our first ClientHello sent, no HelloRetryRequest taken). */
  readonly awaitsFirstAnswer?: boolean;
  /** The fatal path: the chart's `fail` transition, whose step sends the alert once; nothing in a final state. */
  fail(reason: FatalReason): void;
  handles(eventType: string): boolean;
  /** The `connected` state's session, else undefined. */
  readonly session: Session | undefined;
  /** A hibernated session thawed: the machine starts connected with `session`. */
  resumeConnected(session: Session): void;
  /** The chart state (`start`, …, `connected`, `closed`, `failed`). */
  readonly kind: string;
}

/** The 1.3 charts bound to their generated step functions (runtime/connection/role-drivers.ts binds them, beside 1.2's). */
export interface Charts13 {
  readonly client: ChartBinding<ClientContext, ClientState, ClientEvent>;
  readonly server: ChartBinding<ServerContext, ServerState, ServerEvent>;
}

export function roleDriver(
  context: ClientContext | ServerContext,
  charts: Charts13,
  inspect: ((event: ChartInspectionEvent) => void) | undefined,
  statelessRetry: StatelessRetry | undefined,
): RoleDriver {
  if (context.role === 'client') return new ClientMachine(context, charts.client, inspect);
  const m = new ServerMachine(context, charts.server, inspect, statelessRetry?.clientHello);
  if (statelessRetry) m.dispatch({ type: 'statelessRetryVerified', retry: statelessRetry });
  return m;
}

/** One role's 1.3 machine: how a handshake message and a control event become its chart event. */
abstract class Machine13<
  C extends MachineContext,
  S extends { readonly kind: string },
  E extends { readonly type: string },
>
  extends Machine<C, S, E>
  implements RoleDriver
{
  private settled = false;
  /** The chart state's kind, kept by {@link took}: read per record and per poll, so a field rather than a call. */
  kind: string = this.state.kind;
  /** The `connected` state's session, kept by {@link took}. */
  session: Session | undefined;

  /** The chart event for a handshake message, with its input step run (the server's ClientHello plan). */
  protected abstract decode(handler: HandshakeHandler, message: InboundMessage): E | undefined;
  /** The chart event for a control event, when this role's chart has it. */
  protected abstract own(event: ControlEvent): E | undefined;
  protected abstract failEvent(alert: AlertDescription): E;
  /** The role's `connected` state with `session`. */
  protected abstract connectedWith(session: Session): S;

  connect(): void {
    throw new Error('only a client connects');
  }

  deliver(handler: HandshakeHandler, msgType: number, body: Uint8Array): void {
    let taken = false;
    for (const t of handler.events) if ((taken = this.handles(t))) break;
    if (!taken) throw this.unexpected(msgType);
    const event = this.decode(handler, { msgType, body });
    if (event === undefined || !this.handles(event.type)) throw this.unexpected(msgType);
    this.dispatch(event);
  }

  private unexpected(msgType: number): ProtocolError {
    return new ProtocolError(
      'unexpected_message',
      `${String(handshakeTypeFromNumber(msgType))} is not expected in state ${this.state.kind}`,
    );
  }

  control(event: ControlEvent): void {
    const e = this.own(event);
    if (e && this.handles(e.type)) this.dispatch(e);
  }

  fail(reason: FatalReason): void {
    this.context.failing = reason;
    this.dispatch(this.failEvent(reason.alert));
  }

  /** The kind and session kept, and written as facts: the chart state, and the exporter while connected. */
  protected override took(_before: S, _event: E, next: S): void {
    const facts = this.context.facts;
    facts.state = this.kind = next.kind;
    // A connection doing both versions reports none until its version is chosen: a 1.3 state that moved on from waiting
    // for the first hello (a server's first ClientHello taken, a client's ServerHello, or the end) speaks 1.3.
    if (facts.protocolVersion === undefined && next.kind !== 'waitServerHello') facts.protocolVersion = 'DTLSv1.3';
    const s: { readonly kind: string; readonly session?: Session } = next;
    const session = s.kind === 'connected' ? s.session : undefined;
    if (session === this.session) return;
    this.session = session;
    facts.exporter = session && new Exporter13(session);
  }

  resumeConnected(session: Session): void {
    this.state = this.connectedWith(session);
    const facts = this.context.facts;
    facts.state = this.kind = 'connected';
    this.session = session;
    facts.exporter = new Exporter13(session);
    this.settled = true;
    this.context.flight.settle(this.context);
  }

  /** Once connected, lets go of what only the handshake needed. */
  protected override settle(): void {
    if (this.settled || this.state.kind !== 'connected') return;
    this.settled = true;
    const c = this.context;
    c.flight.settle(c);
  }
}

function inspected(
  machine: () => AnyStateMachine,
  bind: (implementation: never, context: never) => object,
  steps: object,
  guards: GuardTable,
  inspect: ((event: ChartInspectionEvent) => void) | undefined,
): InspectedChart | undefined {
  return inspect && new InspectedChart(machine, bind, Object.keys(steps), guards, inspect);
}

class ClientMachine extends Machine13<ClientContext, ClientState, ClientEvent> {
  constructor(
    context: ClientContext,
    chart: Charts13['client'],
    inspect: ((event: ChartInspectionEvent) => void) | undefined,
  ) {
    super(
      { kind: 'start' },
      context,
      chart,
      inspected(sharedDtls13ClientMachine, dtls13ClientInput, CLIENT_STEPS, CLIENT_GUARDS, inspect),
    );
  }

  get awaitsFirstAnswer(): boolean {
    const s = this.state;
    return s.kind === 'waitServerHello' && s.offer.retry === undefined;
  }

  releaseOffer(): void {
    const s = this.state;
    if (s.kind === 'waitServerHello') for (const k of s.offer.keyShares) k.release();
  }

  override connect(): void {
    this.dispatch({ type: 'connect' });
  }

  protected decode(handler: HandshakeHandler, message: InboundMessage): ClientEvent | undefined {
    return handler.client?.(message);
  }

  protected own(event: ControlEvent): ClientEvent | undefined {
    return event.type === 'requestCertificate' ? undefined : event; // a server's request only
  }

  protected failEvent(alert: AlertDescription): ClientEvent {
    return { type: 'fail', payload: alert };
  }

  protected connectedWith(session: Session): ClientState {
    return { kind: 'connected', session };
  }
}

class ServerMachine extends Machine13<ServerContext, ServerState, ServerEvent> {
  /** A ClientHello decoded already (by the cookie check, or where its version was chosen), until a ClientHello comes. */
  private known: { readonly body: Uint8Array; readonly hello: ClientHello } | undefined;

  constructor(
    context: ServerContext,
    chart: Charts13['server'],
    inspect: ((event: ChartInspectionEvent) => void) | undefined,
    known: { readonly body: Uint8Array; readonly hello: ClientHello } | undefined,
  ) {
    super(
      { kind: 'waitClientHello' },
      context,
      chart,
      inspected(sharedDtls13ServerMachine, dtls13ServerInput, SERVER_STEPS, SERVER_GUARDS, inspect),
    );
    this.known = known;
  }

  expect(known: { readonly body: Uint8Array; readonly hello: ClientHello }): void {
    this.known = known;
  }

  /** A ClientHello's plan (hello-plan.ts) is made here and travels in the event. */
  protected decode(handler: HandshakeHandler, message: InboundMessage): ServerEvent | undefined {
    const known = this.known;
    if (known !== undefined && message.msgType === HandshakeType.client_hello) this.known = undefined;
    // The ClientHello the cookie check decoded, when these are its bytes: not decoded twice.
    const e =
      known !== undefined && message.msgType === HandshakeType.client_hello && bytesEqual(known.body, message.body)
        ? { type: 'ClientHello' as const, payload: known.hello, message }
        : handler.server?.(message);
    if (e?.type !== 'ClientHello') return e;
    const s = this.state;
    if (s.kind !== 'waitClientHello' && s.kind !== 'waitSecondClientHello') return undefined; // not taken here: unexpected_message
    return { ...e, plan: planClientHello(this.context, s, e.payload, message) };
  }

  protected own(event: ControlEvent): ServerEvent | undefined {
    return event;
  }

  protected failEvent(alert: AlertDescription): ServerEvent {
    return { type: 'fail', payload: alert };
  }

  protected connectedWith(session: Session): ServerState {
    return { kind: 'connected', session };
  }
}
