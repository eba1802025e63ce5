/** The errors of the node:dtls-shaped API, each with a `code` of {@link DtlsErrorCode}; system errors as Node's. */
import type { DtlsErrorCode, SessionErrorCode } from './error-codes.js';

export type { DtlsApplicationErrorCodes, DtlsErrorCode, SessionErrorCode, SystemErrorCode } from './error-codes.js';

/** `send()` was given more than one record can carry in one datagram of `mtu` bytes. */
export class MessageTooLargeError extends RangeError {
  override readonly name = 'MessageTooLargeError';
  readonly code = 'ERR_OUT_OF_RANGE';
  /** The bytes that were asked for. */
  readonly size: number;
  /** The most `send()` takes on this session (`session.maxMessageSize`). */
  readonly limit: number;
  constructor(size: number, limit: number, mtu: number) {
    super(`send: ${size} bytes do not fit one record in a ${mtu}-byte datagram (mtu); at most ${limit} bytes per send`);
    this.size = size;
    this.limit = limit;
  }
}

/** A bad argument of a session method, as Node's: TypeError `ERR_INVALID_ARG_TYPE` or RangeError `ERR_OUT_OF_RANGE`. */
export function argumentError(
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE',
  message: string,
): (TypeError | RangeError) & { readonly code: string } {
  return Object.assign(code === 'ERR_OUT_OF_RANGE' ? new RangeError(message) : new TypeError(message), { code });
}

/** A call the session's state does not allow: sending before `opened` resolved or after the session ended. */
export class SessionStateError extends Error {
  override readonly name = 'SessionStateError';
  readonly code = 'ERR_INVALID_STATE';
}

/** A session that ended in failure: `opened` and `closed` reject with this, and `onerror` receives it. */
export class DtlsSessionError extends Error {
  override readonly name = 'DtlsSessionError';
  readonly code: SessionErrorCode;
  /** The TLS alert that ended the session, when one did (`handshake_failure`, `unknown_ca`, ...). */
  readonly alert: string | undefined;
  constructor(code: SessionErrorCode, message: string, alert?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.alert = alert;
  }
}

/**
 * What `onerror` receives, and what `opened` and `closed` reject with: an Error with a `code` to branch on, and the TLS
 * `alert` where one ended the session.
 *
 * - {@link DtlsSessionError}: `ERR_DTLS_ALERT` (with `alert`), `ERR_DTLS_HANDSHAKE_TIMEOUT`, `ERR_DTLS_IDLE_TIMEOUT`,
 *   `ERR_DTLS_SESSION_REPLACED`, `ERR_DTLS_ENDPOINT_DESTROYED`.
 * - {@link SessionStateError}: `ERR_INVALID_STATE` (closed before the handshake completed).
 * - A system error, as Node raised it: `ENOTFOUND`, `EAI_AGAIN`, `ECONNREFUSED`, `EADDRINUSE`, ...
 * - What an application callback of yours threw, as it threw it (`code` `ERR_DTLS_CALLBACK` added when it had none);
 *   the session ended with internal_error.
 * - The error given to `destroy(error)` (`code` `ERR_DTLS_DESTROYED` added when it had none).
 *
 * An error of your own that has a `code` keeps it: name such codes in {@link DtlsApplicationErrorCodes} to compare
 * `code` with them.
 */
export interface DtlsError extends Error {
  /** One of {@link DtlsErrorCode}: a misspelled code does not compile. */
  readonly code: DtlsErrorCode;
  /** The TLS alert that ended the session (`handshake_failure`, `unknown_ca`, `internal_error`, ...), when one did. */
  readonly alert?: string | undefined;
}

/** The application's own error as `onerror` gets it, not wrapped (as node:dtls), `fallback` its `code` if none. */
export function withCode(error: Error, fallback: 'ERR_DTLS_CALLBACK' | 'ERR_DTLS_DESTROYED'): DtlsError {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    try {
      Object.defineProperty(error, 'code', { value: fallback, enumerable: false, configurable: true, writable: true });
    } catch {
      // a frozen error keeps what it has
    }
  }
  return error as DtlsError;
}

/** Told of a ClientHello the stateless cookie exchange refused with an alert, before any session existed. */
export type HandshakeErrorHandler = (
  error: DtlsError,
  remote: { readonly address: string; readonly port: number },
) => void;
