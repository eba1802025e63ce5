/**
 * The steps both 1.2 charts share: the root `fail` and `alertReceived` transitions and what `connected` does
 * (application data, renegotiation refused, the peer's retransmitted last flight, close_notify). Each keeps the state
 * it is given or returns the final state its transition ends in, with what the connection reports of it (outcome.ts).
 */
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { eventName12, type Event12 } from './event.js';
import { sendAlert12, switchReadEpoch12, type HandshakeParts12 } from './handshake-parts.js';
import type { Closed12, Failed12 } from './outcome.js';

type Alert = { readonly alert: AlertDescriptionName };

export const SESSION_STEPS12 = {
  /** The one fatal alert: the reason of the `fail` event, or the chart's alert for a message it refuses (a second HelloVerifyRequest). */
  sendFatalAlert(_c: HandshakeParts12, _s: unknown, e: Event12, p: Alert | undefined): Failed12 {
    const reason =
      e.type === 'fail'
        ? e.reason
        : {
            alert: p?.alert ?? 'internal_error',
            message: `${eventName12(e)} is refused here (spec/charts/dtls12-*.json)`,
          };
    return { kind: 'failed', reason, sent: true };
  },

  recordPeerAlert(_c: HandshakeParts12, _s: unknown, e: Event12): Failed12 {
    const description = e.type === 'alertReceived' ? e.description : 'internal_error';
    return {
      kind: 'failed',
      reason: { alert: description, message: `the peer sent a fatal ${description} alert` },
      sent: false,
    };
  },

  sendCloseNotify(_c: HandshakeParts12, _s: unknown, e: Event12): Closed12 {
    return { kind: 'closed', reason: e.type === 'close' ? 'local' : 'close_notify' };
  },

  /** RFC 5746 §4.2, §4.4: renegotiation refused with a warning, the session goes on. */
  sendWarningAlert<S>(c: HandshakeParts12, s: S, _e: unknown, p: Alert, _to: string): S {
    sendAlert12(c, 'warning', p.alert);
    return s;
  },

  /** The peer's ChangeCipherSpec: its epoch-1 keys read what follows (RFC 5246 §7.1); the state goes on as `to`. */
  installReadEpoch<S extends { readonly kind: string }, K extends string>(
    c: HandshakeParts12,
    s: S,
    _e: unknown,
    _p: undefined,
    to: K,
  ): Omit<S, 'kind'> & { readonly kind: K } {
    switchReadEpoch12(c);
    return { ...s, kind: to };
  },

  retransmitLastFlight<S>(c: HandshakeParts12, s: S, _e: unknown, _p: unknown, _to: string): S {
    c.flights.peerResent();
    return s;
  },
};
