/**
 * The error a session ends with, from how its endpoint ended: a deadline of its connection (`handshakeTimeout`,
 * `idleTimeout`), an alert, a restarted client's new session; none for a graceful end.
 */
import type { Connection } from '../../connection/connection-api.js';
import { thrownError } from '../../handshake/callback-error.js';
import type { EndpointCloseReason, EndpointClosedError } from '../endpoint-ending.js';
import { DtlsSessionError } from './errors.js';

/**
 * How to make the error a session ends with, from how its endpoint ended (`reason`; `endError` makes the endpoint's own
 * error); undefined for a graceful end. The error is made only when something reads it (`opened`, `closed`, `onerror`,
 * a held send): an Error's stack costs, and most of a server's sessions end by `idleTimeout` with nobody asking why.
 */
export function sessionFailure(
  connection: Connection,
  reason: EndpointCloseReason,
  endError: () => EndpointClosedError | undefined,
): (() => Error) | undefined {
  const expired = connection.expired;
  if (expired !== undefined) {
    const { handshakeTimeoutMs, idleTimeoutMs } = connection.deadlineOptions;
    return expired === 'handshake'
      ? () =>
          new DtlsSessionError('ERR_DTLS_HANDSHAKE_TIMEOUT', `timeout: no handshake within ${handshakeTimeoutMs} ms`)
      : () =>
          new DtlsSessionError(
            'ERR_DTLS_IDLE_TIMEOUT',
            `idle timeout: nothing from the server for ${idleTimeoutMs} ms`,
          );
  }
  if (reason === 'close_notify' || reason === 'local') return undefined;
  return () => failureOf(reason, endError());
}

/** The error a session ends with for an endpoint's close reason other than a graceful one. */
function failureOf(
  reason: Exclude<EndpointCloseReason, 'close_notify' | 'local'>,
  e: EndpointClosedError | undefined,
): Error {
  const message = e?.message ?? `session ended (${reason})`;
  switch (reason) {
    case 'failed':
      // An application callback's own exception is handed back as it was thrown (as node:dtls does), not wrapped.
      if (e?.callbackError !== undefined) return thrownError(e.callbackError);
      return new DtlsSessionError('ERR_DTLS_ALERT', message, e?.alert, e?.cause);
    case 'timeout':
      return new DtlsSessionError('ERR_DTLS_HANDSHAKE_TIMEOUT', message, e?.alert);
    case 'replaced':
      return new DtlsSessionError('ERR_DTLS_SESSION_REPLACED', message);
  }
}
