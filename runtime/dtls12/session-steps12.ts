/**
 * The steps both 1.2 charts share: the root `fail` and `alertReceived` transitions and what `connected` does
 * (application data, renegotiation refused, the peer's retransmitted last flight, close_notify). Each keeps the state
 * it is given or returns the final state its transition ends in.
 */
import type { AlertDescriptionName } from '../../generated/wire/enums.js';
import { eventName12, type Event12 } from './event12.js';
import type { Io12 } from './io12.js';

type Alert = { readonly alert: AlertDescriptionName };

export const SESSION_STEPS12 = {
  /** The one fatal alert: the reason of the `fail` event, or the chart's alert for a message it refuses (a second HelloVerifyRequest). */
  sendFatalAlert(io: Io12, _s: unknown, e: Event12, p: Alert | undefined): { readonly kind: 'failed' } {
    io.fatal(
      e.type === 'fail'
        ? e.reason
        : {
            alert: p?.alert ?? 'internal_error',
            message: `${eventName12(e)} is refused here (spec/charts/dtls12-*.json)`,
          },
    );
    return { kind: 'failed' };
  },

  recordPeerAlert(io: Io12, _s: unknown, e: Event12): { readonly kind: 'failed' } {
    io.peerAlert(e.type === 'alertReceived' ? e.description : 'internal_error');
    return { kind: 'failed' };
  },

  sendCloseNotify(io: Io12, _s: unknown, e: Event12): { readonly kind: 'closed' } {
    io.closeNotify(e.type === 'close' ? 'local' : 'close_notify');
    return { kind: 'closed' };
  },

  deliverApplicationData<S>(io: Io12, s: S, e: Event12, _p: unknown, _to: string): S {
    if (e.type === 'ApplicationData') io.deliver(e.data);
    return s;
  },

  /** RFC 5746 §4.2, §4.4: renegotiation refused with a warning, the session goes on. */
  sendWarningAlert<S>(io: Io12, s: S, _e: unknown, p: Alert, _to: string): S {
    io.warning(p.alert);
    return s;
  },

  retransmitLastFlight<S>(io: Io12, s: S, _e: unknown, _p: unknown, _to: string): S {
    io.retransmit();
    return s;
  },
};
