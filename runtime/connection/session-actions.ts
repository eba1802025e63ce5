import type { Alert, KeyUpdate } from '../../generated/wire/index.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../keyschedule/derived-keys.js';
import type { ConnectionParts } from './connection-parts.js';
import type { Session } from './key-material.js';
import { keyUpdateBody } from './messages.js';

/** The events both charts share for these actions (a subset of each chart's event union). */
export type SharedEvent =
  | { readonly type: 'KeyUpdate'; readonly payload: KeyUpdate }
  | { readonly type: 'updateKeys'; readonly payload: KeyUpdate }
  | { readonly type: 'fail'; readonly payload: unknown }
  | { readonly type: 'alertReceived'; readonly payload: Alert }
  | { readonly type: string };

/** What the shared actions need of a role's binding. */
export interface SessionAccess<E> {
  /** The session, when the state is connected. */
  session(): Session | undefined;
  /** Moves the state to closed. */
  close(): void;
  effect<P>(fn: (event: SharedEvent, params: P) => void): (args: { readonly event: E }, params: P) => void;
}

function connected<E>(access: SessionAccess<E>): Session {
  const s = access.session();
  if (!s) throw new Error('a connected-state action ran outside the connected state');
  return s;
}

function keyUpdateOf(event: SharedEvent): KeyUpdate {
  if ((event.type === 'KeyUpdate' || event.type === 'updateKeys') && 'payload' in event) return event.payload as KeyUpdate;
  throw new Error(`expected a KeyUpdate, got ${event.type}`);
}

/**
 * Sends our KeyUpdate as a post-handshake flight (RFC 9147 §8): it is
 * retransmitted by the flight controller until ACKed, and our write keys
 * move only then. One at a time.
 */
export function sendKeyUpdate(parts: ConnectionParts, session: Session, requestPeer: boolean): void {
  if (session.keyUpdateInFlight) return;
  if (!parts.flight.acceptsFlight) {
    // The client's final flight is still unacknowledged: the KeyUpdate waits for it (a new flight would replace it).
    session.keyUpdatePending = (session.keyUpdatePending ?? false) || requestPeer;
    return;
  }
  session.keyUpdatePending = undefined;
  session.keyUpdateInFlight = true;
  parts.queue(session.write.epoch, 'key_update', keyUpdateBody(requestPeer));
  parts.sendFlight({ acknowledgesPeer: false });
}

/** Sends what waited for an outstanding flight (a KeyUpdate first), one flight at a time, once the flight controller can take it. */
export function sendPendingFlights(parts: ConnectionParts, session: Session): void {
  const requestPeer = session.keyUpdatePending;
  if (requestPeer !== undefined && parts.flight.acceptsFlight) sendKeyUpdate(parts, session, requestPeer);
  const next = parts.flight.acceptsFlight ? session.waitingFlights.shift() : undefined;
  if (next) next();
}

/** Post-handshake flights that may wait behind the outstanding one. */
export const MAX_WAITING_FLIGHTS = 4;

/** Builds (`queue` its messages) and sends a post-handshake flight now, or when the outstanding flight ends. */
export function sendPostHandshakeFlight(parts: ConnectionParts, session: Session, queue: () => void): void {
  const send = (): void => {
    queue();
    parts.sendFlight({ acknowledgesPeer: false });
  };
  if (parts.flight.acceptsFlight && session.waitingFlights.length === 0) return send();
  // A peer that keeps asking (post-handshake CertificateRequests) must not grow the queue without bound.
  if (session.waitingFlights.length >= MAX_WAITING_FLIGHTS) {
    throw new ProtocolError('unexpected_message', `more than ${MAX_WAITING_FLIGHTS} post-handshake requests waiting for an answer`);
  }
  session.waitingFlights.push(send);
}

/** Our KeyUpdate was acknowledged: write with the next epoch's keys (RFC 9147 §8). */
export function keyUpdateAcknowledged(parts: ConnectionParts, session: Session): void {
  if (!session.keyUpdateInFlight) return;
  const suite = session.parameters.cipherSuite;
  const secret = nextApplicationTrafficSecret(session.schedule, session.write.secret);
  const old = session.write.epoch;
  session.write = { epoch: old + 1, secret };
  parts.records.installWriteKeys(old + 1, suite, trafficKeys(session.schedule, secret, suite));
  parts.records.retireWriteEpoch(old);
  session.keyUpdateInFlight = false;
}

/**
 * An actor's context, as the actions every connection shares read it: the
 * connection's parts, the failure message, the session access, and the
 * role's binding to run an action under (so what it throws is held).
 */
export interface SessionActionContext<E> extends SessionAccess<E> {
  readonly parts: ConnectionParts;
  readonly failMessage: () => string | undefined;
  readonly binding: { run<A, P>(fn: (a: A, event: E, params: P) => void, a: A, event: E, params: P): void };
}

type SharedAction<E, P> = (args: { readonly context: SessionActionContext<E>; readonly event: E }, params: P) => void;

/** An action for every connection: `fn` gets the actor's context, run under its binding. */
function shared<E extends SharedEvent, P = undefined>(fn: (c: SessionActionContext<E>, event: SharedEvent, params: P) => void): SharedAction<E, P> {
  return ({ context, event }, params) => context.binding.run(fn, context, event, params);
}

/** The actions both charts name alike: post-handshake KeyUpdate, closing, and the fatal path; one table per role, shared by every connection. */
export function sessionActions<E extends SharedEvent>() {
  return {
    applyKeyUpdate: shared<E>((c, event) => {
      const update = keyUpdateOf(event);
      const session = connected(c);
      if (update.requestUpdate !== 'update_requested' && update.requestUpdate !== 'update_not_requested') {
        throw new ProtocolError('illegal_parameter', `KeyUpdate request_update ${String(update.requestUpdate)} (RFC 8446 §4.6.3)`);
      }
      const suite = session.parameters.cipherSuite;
      const secret = nextApplicationTrafficSecret(session.schedule, session.read.secret);
      session.read = { epoch: session.read.epoch + 1, secret };
      c.parts.records.installReadKeys(session.read.epoch, suite, trafficKeys(session.schedule, secret, suite), c.parts.clock.now);
      if (update.requestUpdate === 'update_requested') sendKeyUpdate(c.parts, session, false);
    }),
    sendKeyUpdate: shared<E>((c, event) => sendKeyUpdate(c.parts, connected(c), keyUpdateOf(event).requestUpdate === 'update_requested')),
    sendCloseNotify: shared<E>((c) => {
      c.parts.sendAlert('warning', 'close_notify');
      c.parts.flight.stop();
      c.close();
      c.parts.events.push({ type: 'closed', reason: 'local' });
    }),
    // RFC 8446 §6.1: the peer closed its write side; we answer with our own close_notify and stop.
    reportClosed: shared<E>((c) => {
      c.parts.sendAlert('warning', 'close_notify');
      c.parts.flight.stop();
      c.close();
      c.parts.events.push({ type: 'closed', reason: 'close_notify' });
    }),
    sendFatalAlert: shared<E, { readonly alert: AlertDescriptionName } | undefined>((c, event, params) => {
      const fromEvent =
        event.type === 'fail' && 'payload' in event && typeof event.payload === 'string' ? (event.payload as AlertDescriptionName) : 'internal_error';
      const alert = params?.alert ?? fromEvent;
      c.parts.failWith(alert, c.failMessage() ?? `the handshake chart answered with ${alert}`);
    }),
    recordPeerAlert: shared<E>((c, event) => {
      if (event.type === 'alertReceived' && 'payload' in event) {
        const alert = event.payload as Alert;
        c.parts.peerFailed(alert.description, alert.level);
      }
    }),
  };
}
