import type { Alert, KeyUpdate } from '../../generated/wire/index.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../keyschedule/derived-keys.js';
import type { ConnectionParts } from './connection-parts.js';
import type { Session } from './key-material.js';
import { sendKeyUpdate } from './post-handshake-flights.js';

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

export { MAX_WAITING_FLIGHTS, sendKeyUpdate, sendPendingFlights, sendPostHandshakeFlight } from './post-handshake-flights.js';

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
