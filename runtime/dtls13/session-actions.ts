import type { Alert, KeyUpdate } from '../../generated/wire/index.js';
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import {
  answerRequestConnectionId,
  applyNewConnectionId,
  applyReturnRoutabilityCheck,
  sendNewConnectionId,
  sendRequestConnectionId,
} from './cid-actions.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { nextApplicationTrafficSecret, trafficKeys } from '../keyschedule/derived-keys.js';
import type { Session } from '../shared/key-material.js';
import type { MachineContext } from './machine-context.js';
import { sendKeyUpdate } from './post-handshake-flights.js';

/** An event as the steps both charts share read it (each chart's own events are narrower). */
export interface SharedEvent {
  readonly type: string;
  readonly payload?: unknown;
}

export { MAX_WAITING_FLIGHTS } from './post-handshake-flights.js';

/** The `connected` variant of either role's state. */
export interface Connected {
  readonly kind: 'connected';
  readonly session: Session;
}

/**
 * A step in `connected` that leaves the state as it is: `act` on the session, the event's payload and the event (the
 * post-handshake exchanges, which both charts and each role's own take without a change of state). `E` is inferred
 * from `act` alone (NoInfer), not from the step table the step is placed in.
 */
export function inSession<C, P, E>(
  act: (c: C, session: Session, payload: P, event: E) => void,
): <S extends Connected>(c: C, s: S, event: NoInfer<E> & { readonly payload: P }) => S {
  return (c, s, event) => {
    act(c, s.session, event.payload, event);
    return s;
  };
}

const CLOSED = { kind: 'closed' } as const;
const FAILED = { kind: 'failed' } as const;

/** The steps both charts name alike: post-handshake KeyUpdate, closing, and the fatal path. */
export const SESSION_STEPS = {
  applyKeyUpdate: inSession((c: MachineContext, session, update: KeyUpdate) => {
    if (update.requestUpdate !== 'update_requested' && update.requestUpdate !== 'update_not_requested') {
      throw new ProtocolError(
        'illegal_parameter',
        `KeyUpdate request_update ${String(update.requestUpdate)} (RFC 8446 §4.6.3)`,
      );
    }
    const suite = session.parameters.cipherSuite;
    const secret = nextApplicationTrafficSecret(session.schedule, session.read.secret);
    session.read = { epoch: session.read.epoch + 1, secret };
    c.records.reader.installReadKeys(
      session.read.epoch,
      suite,
      trafficKeys(session.schedule, secret, suite),
      c.clock.now,
    );
    if (update.requestUpdate === 'update_requested') sendKeyUpdate(c, session, false);
  }),
  sendKeyUpdate: inSession((c: MachineContext, session, update: KeyUpdate) =>
    sendKeyUpdate(c, session, update.requestUpdate === 'update_requested'),
  ),
  sendCloseNotify(c: MachineContext, _s: Connected): typeof CLOSED {
    c.sendAlert('warning', 'close_notify');
    c.stopTimers();
    c.events.push({ type: 'closed', reason: 'local' });
    return CLOSED;
  },
  // RFC 8446 §6.1: the peer closed its write side; we answer with our own close_notify and stop.
  reportClosed(c: MachineContext, _s: Connected): typeof CLOSED {
    c.sendAlert('warning', 'close_notify');
    c.stopTimers();
    c.events.push({ type: 'closed', reason: 'close_notify' });
    return CLOSED;
  },
  /** The one fatal path: the alert the chart names, else the `fail` event's; the reason `DtlsConnection.fail` was given, if it was. */
  sendFatalAlert(
    c: MachineContext,
    _s: unknown,
    event: SharedEvent,
    params: { readonly alert: AlertDescriptionName } | undefined,
  ): typeof FAILED {
    const fromEvent =
      event.type === 'fail' && typeof event.payload === 'string'
        ? (event.payload as AlertDescriptionName)
        : 'internal_error';
    const alert = params?.alert ?? fromEvent;
    const reason = c.failing;
    c.failWith(alert, reason?.message ?? `the handshake chart answered with ${alert}`, reason?.callbackError);
    return FAILED;
  },
  recordPeerAlert(c: MachineContext, _s: unknown, event: { readonly payload: Alert }): typeof FAILED {
    c.peerFailed(event.payload.description, event.payload.level);
    return FAILED;
  },
};

/** The CID steps (RFC 9147 §9, RFC 9853), the same for both roles, each in `connected`. */
export const CID_STEPS = {
  applyNewConnectionId: inSession(applyNewConnectionId),
  answerRequestConnectionId: inSession(answerRequestConnectionId),
  sendNewConnectionId: inSession(sendNewConnectionId),
  sendRequestConnectionId: inSession(sendRequestConnectionId),
  /** PathChallenge. */
  answerPathChallenge: inSession(applyReturnRoutabilityCheck),
  /** PathResponse and PathDrop. */
  applyPathResponse: inSession(applyReturnRoutabilityCheck),
};
