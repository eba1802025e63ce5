/**
 * Every `code` an error handed to the application can carry, as one closed union, {@link DtlsErrorCode} (a misspelled
 * comparison does not compile), with every libuv and node:dns code (tests/api/error-codes.test.ts checks them).
 */
import type { ConfigErrorCode } from '../config-error.js';

/** Why a session failed, as a `code` (DtlsSessionError's). */
export type SessionErrorCode =
  /** The handshake or the connection failed with a TLS alert (`alert` names it). */
  | 'ERR_DTLS_ALERT'
  /** The handshake did not complete within `handshakeTimeout`. */
  | 'ERR_DTLS_HANDSHAKE_TIMEOUT'
  /** Nothing authenticated came from the peer within `idleTimeout`. */
  | 'ERR_DTLS_IDLE_TIMEOUT'
  /** Server: the same client address and port completed a new handshake, which took this session's place (RFC 9147 §5.11). */
  | 'ERR_DTLS_SESSION_REPLACED'
  /** The listener carrying the session was destroyed. */
  | 'ERR_DTLS_ENDPOINT_DESTROYED';

/** libuv's error names (Node's system errors: sockets, DNS through getaddrinfo), filled to the line width. */
// prettier-ignore
export const LIBUV_ERROR_CODES = [
  'E2BIG', 'EACCES', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EAGAIN', 'EAI_ADDRFAMILY', 'EAI_AGAIN',
  'EAI_BADFLAGS', 'EAI_BADHINTS', 'EAI_CANCELED', 'EAI_FAIL', 'EAI_FAMILY', 'EAI_MEMORY', 'EAI_NODATA', 'EAI_NONAME',
  'EAI_OVERFLOW', 'EAI_PROTOCOL', 'EAI_SERVICE', 'EAI_SOCKTYPE', 'EALREADY', 'EBADF', 'EBUSY', 'ECANCELED',
  'ECHARSET', 'ECONNABORTED', 'ECONNREFUSED', 'ECONNRESET', 'EDESTADDRREQ', 'EEXIST', 'EFAULT', 'EFBIG', 'EFTYPE',
  'EHOSTDOWN', 'EHOSTUNREACH', 'EILSEQ', 'EINTR', 'EINVAL', 'EIO', 'EISCONN', 'EISDIR', 'ELOOP', 'EMFILE', 'EMLINK',
  'EMSGSIZE', 'ENAMETOOLONG', 'ENETDOWN', 'ENETUNREACH', 'ENFILE', 'ENOBUFS', 'ENODATA', 'ENODEV', 'ENOENT',
  'ENOMEM', 'ENONET', 'ENOPROTOOPT', 'ENOSPC', 'ENOSYS', 'ENOTCONN', 'ENOTDIR', 'ENOTEMPTY', 'ENOTSOCK', 'ENOTSUP',
  'ENOTTY', 'ENXIO', 'EOF', 'EOVERFLOW', 'EPERM', 'EPIPE', 'EPROTO', 'EPROTONOSUPPORT', 'EPROTOTYPE', 'ERANGE',
  'EREMOTEIO', 'EROFS', 'ESHUTDOWN', 'ESOCKTNOSUPPORT', 'ESPIPE', 'ESRCH', 'ETIMEDOUT', 'ETXTBSY', 'EUNATCH',
  'EXDEV', 'UNKNOWN',
] as const;

/** The codes of `node:dns`'s errors (`dns.NOTFOUND` is `'ENOTFOUND'`, ...). */
// prettier-ignore
export const DNS_ERROR_CODES = [
  'EADDRGETNETWORKPARAMS', 'EBADFAMILY', 'EBADFLAGS', 'EBADHINTS', 'EBADNAME', 'EBADQUERY', 'EBADRESP', 'EBADSTR',
  'ECANCELLED', 'ECONNREFUSED', 'EDESTRUCTION', 'EFILE', 'EFORMERR', 'ELOADIPHLPAPI', 'ENODATA', 'ENOMEM', 'ENONAME',
  'ENOTFOUND', 'ENOTIMP', 'ENOTINITIALIZED', 'EOF', 'EREFUSED', 'ESERVFAIL', 'ETIMEOUT',
] as const;

/** A Node system error's `code`: libuv's names and node:dns's. */
export type SystemErrorCode = (typeof LIBUV_ERROR_CODES)[number] | (typeof DNS_ERROR_CODES)[number];

/**
 * The codes of your own errors that reach `onerror` (they keep their `code`): add them by declaration merging; each key
 * becomes a member of {@link DtlsErrorCode}.
 *
 * ```ts
 * declare module 'dtls13' {
 *   interface DtlsApplicationErrorCodes {
 *     E_QUOTA: true;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the application's declaration merging
export interface DtlsApplicationErrorCodes {}

/** Every `code` of an error handed over: ours, ConfigError's, Node's, and {@link DtlsApplicationErrorCodes}. */
export type DtlsErrorCode =
  | SessionErrorCode
  /** `close()` or `destroy()` before the handshake completed (`opened` rejects with a SessionStateError). */
  | 'ERR_INVALID_STATE'
  /** An exception of your own callback ended the session (internal_error); added when your error had no `code`. */
  | 'ERR_DTLS_CALLBACK'
  /** `destroy(error)`: added to your error when it had no `code`. */
  | 'ERR_DTLS_DESTROYED'
  /** A worker listener's ticketKeyFile rewritten with bad contents (`onhandshakeerror` gets the ConfigError; the old keys stay). */
  | ConfigErrorCode
  | SystemErrorCode
  | Extract<keyof DtlsApplicationErrorCodes, string>;
