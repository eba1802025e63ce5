/** The error a session ends with, from how its connection ended (a deadline, an alert, a restart); none if graceful. */
import type { Connection } from '../shared/connection-api.js';
import { thrownError } from '../handshake/callback-error.js';
import { DtlsSessionError } from './errors.js';
import type { SessionCloseReason } from './session-types.js';

/** How a session's connection ended, kept until an error is needed (most endings are a normal close nobody awaits). */
export interface SessionEnding {
  readonly reason: SessionCloseReason;
  /** The alert that failed the connection, if it failed (`internal_error` when the connection itself threw; the thrown error is `cause`). */
  readonly alert: string | undefined;
  readonly message: string;
  readonly cause: unknown;
  /** What an application callback threw (`sni`, `psk`, the anti-replay store, `onmessage`), when that ended the connection. */
  readonly callbackError?: unknown;
}

/** "alert: why", without repeating the alert when the reason already starts with it. */
export function describeFailure(f: { readonly alert: string; readonly message: string }): string {
  return f.message.startsWith(f.alert) ? f.message : `${f.alert}: ${f.message}`;
}

/**
 * How to make the error a session ends with (undefined: a graceful end), made only when read: an Error's stack costs,
 * and most of a server's sessions end by `idleTimeout` with nobody asking why.
 */
export function sessionFailure(connection: Connection, ending: SessionEnding): (() => Error) | undefined {
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
  const reason = ending.reason;
  if (reason === 'close_notify' || reason === 'local') return undefined;
  return () => failureOf(reason, ending);
}

/** The error a session ends with for a close reason other than a graceful one. */
function failureOf(reason: Exclude<SessionCloseReason, 'close_notify' | 'local'>, e: SessionEnding): Error {
  const message = e.message;
  switch (reason) {
    case 'failed':
      // An application callback's own exception is handed back as it was thrown (as node:dtls does), not wrapped.
      if (e.callbackError !== undefined) return thrownError(e.callbackError);
      return new DtlsSessionError('ERR_DTLS_ALERT', message, e.alert, e.cause);
    case 'timeout':
      return new DtlsSessionError('ERR_DTLS_HANDSHAKE_TIMEOUT', message, e.alert);
    case 'replaced':
      return new DtlsSessionError('ERR_DTLS_SESSION_REPLACED', message);
  }
}
