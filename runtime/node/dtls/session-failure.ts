/**
 * The error a session ends with, from how its endpoint ended: a deadline of
 * its connection (`handshakeTimeout`, `idleTimeout`), an alert, a restarted
 * client's new session; none for a graceful end.
 */
import type { Connection } from '../../connection/connection-api.js';
import { thrownError } from '../../handshake/callback-error.js';
import type { EndpointCloseReason, EndpointClosedError } from '../endpoint-ending.js';
import { DtlsSessionError } from './errors.js';

/**
 * The error a session ends with when a deadline of its connection's own
 * ended it (`handshakeTimeout`, `idleTimeout`: the connection keeps them,
 * the endpoint sleeps until them); undefined otherwise.
 */
export function deadlineFailure(connection: Connection): Error | undefined {
  const { handshakeTimeoutMs, idleTimeoutMs } = connection.deadlineOptions;
  if (connection.expired === 'handshake') return new DtlsSessionError('ERR_DTLS_HANDSHAKE_TIMEOUT', `timeout: no handshake within ${handshakeTimeoutMs} ms`);
  if (connection.expired === 'idle') return new DtlsSessionError('ERR_DTLS_IDLE_TIMEOUT', `idle timeout: nothing from the server for ${idleTimeoutMs} ms`);
  return undefined;
}

/** The error a session ends with for an endpoint's close reason; undefined for a graceful end. */
export function failureOf(reason: EndpointCloseReason, e: EndpointClosedError | undefined): Error | undefined {
  const message = e?.message ?? `session ended (${reason})`;
  switch (reason) {
    case 'close_notify':
    case 'local':
      return undefined;
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
