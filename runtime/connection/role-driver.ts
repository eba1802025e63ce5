import { createActor, type AnyActorRef, type InspectionEvent } from 'xstate';
import { sharedDtls13ClientMachine } from '../../generated/charts/dtls13-client-machine.js';
import { dtls13ClientChart, dtls13ClientInput, type Dtls13ClientEvent } from '../../generated/charts/dtls13-client.js';
import { sharedDtls13ServerMachine } from '../../generated/charts/dtls13-server-machine.js';
import { dtls13ServerChart, dtls13ServerInput, type Dtls13ServerEvent } from '../../generated/charts/dtls13-server.js';
import { handshakeTypeFromNumber } from '../../generated/wire/enums.js';
import type { Alert, KeyUpdate, NewConnectionId, RequestConnectionId, ReturnRoutabilityCheck } from '../../generated/wire/index.js';
import type { AlertDescription } from '../../generated/wire/enums.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { ChartBinding } from './chart-binding.js';
import { chartHandles } from './chart-lookup.js';
import { clientImplementation } from './client-handshake.js';
import type { ClientState } from './client-states.js';
import type { ConnectionParts } from './connection-parts.js';
import type { HandshakeHandler } from './handler-table.js';
import type { Session } from './key-material.js';
import { serverImplementation } from './server-handshake.js';
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
  const options = inspect ? { inspect } : {};
  if (parts.role === 'client') {
    const binding = new ChartBinding<ClientState, Dtls13ClientEvent>({ kind: 'start' });
    const actor = createActor(sharedDtls13ClientMachine(), {
      input: dtls13ClientInput(clientImplementation(parts, binding, failMessage), binding),
      clock: parts.clock,
      ...options,
    });
    actor.start();
    return driver(
      actor,
      dtls13ClientChart,
      binding,
      (h, body) => h.client?.(body),
      (e) => (e.type === 'requestCertificate' ? undefined : e), // a server's request only
      () => binding.dispatch((e) => actor.send(e), { type: 'connect' }),
    );
  }
  const binding = new ChartBinding<ServerState, Dtls13ServerEvent>({ kind: 'waitClientHello' });
  const actor = createActor(sharedDtls13ServerMachine(), {
    input: dtls13ServerInput(serverImplementation(parts, binding, failMessage, statelessRetry), binding),
    clock: parts.clock,
    ...options,
  });
  actor.start();
  const d = driver(
    actor,
    dtls13ServerChart,
    binding,
    (h, body) => h.server?.(body),
    (e) => e,
  );
  if (statelessRetry) binding.dispatch((e) => actor.send(e), { type: 'statelessRetryVerified' });
  return d;
}

function driver<S extends { readonly kind: string }, E extends { readonly type: string }>(
  actor: AnyActorRef,
  chart: typeof dtls13ClientChart | typeof dtls13ServerChart,
  binding: ChartBinding<S, E>,
  decode: (handler: HandshakeHandler, body: Uint8Array) => E | undefined,
  own: (event: ControlEvent) => E | undefined,
  connect: () => void = () => {
    throw new Error('only a client connects');
  },
): RoleDriver {
  const send = (e: E): void => actor.send(e);
  const chartState = (): string => String(actor.getSnapshot().value);
  const handles = (type: string): boolean => actor.getSnapshot().status === 'active' && chartHandles(chart, chartState(), type);
  return {
    connect,
    deliver: (handler, msgType, body) => {
      const unexpected = (): ProtocolError =>
        new ProtocolError('unexpected_message', `${String(handshakeTypeFromNumber(msgType))} is not expected in state ${chartState()}`);
      if (!handler.events.some(handles)) throw unexpected();
      const event = decode(handler, body);
      if (event === undefined || !handles(event.type)) throw unexpected();
      binding.dispatch(send, event, { msgType, body });
    },
    control: (event) => {
      const e = own(event);
      if (e && handles(e.type)) binding.dispatch(send, e);
    },
    handles,
    session: () => {
      const s: { readonly kind: string; readonly session?: Session } = binding.state;
      return s.kind === 'connected' ? s.session : undefined;
    },
    stateKind: () => binding.state.kind,
    chartState,
  };
}
