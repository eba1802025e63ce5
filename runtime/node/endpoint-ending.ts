import type { ConnectionEvent } from '../connection/events.js';

/**
 * Why an endpoint ended: the connection's own reasons, or `replaced` — a server dropped it because a new handshake from
 * the same address and port completed (the client restarted, RFC 9147 §5.11).
 */
export type EndpointCloseReason = Extract<ConnectionEvent, { type: 'closed' }>['reason'] | 'replaced';

/** Raised to awaiting callers when a connection ends before what they waited for. */
export class EndpointClosedError extends Error {
  override readonly name = 'EndpointClosedError';
  readonly reason: EndpointCloseReason;
  /** The alert that failed the connection, if it failed (`internal_error` when the connection itself threw; the thrown error is `cause`). */
  readonly alert: string | undefined;
  /** What an application callback threw (`sni`, `psk`, the anti-replay store, `onmessage`), when that ended the connection with internal_error. */
  readonly callbackError: unknown;
  constructor(
    reason: EndpointCloseReason,
    alert: string | undefined,
    message: string,
    cause?: unknown,
    callbackError?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.reason = reason;
    this.alert = alert;
    this.callbackError = callbackError;
  }
}

/** What an {@link EndpointClosedError} is made of, kept until one is needed (most endings are a normal close nobody awaits). */
export interface EndpointEnding {
  readonly reason: EndpointCloseReason;
  readonly alert: string | undefined;
  readonly message: string;
  readonly cause: unknown;
  readonly callbackError?: unknown;
}

/** "alert: why", without repeating the alert when the reason already starts with it. */
export function describeFailure(f: { readonly alert: string; readonly message: string }): string {
  return f.message.startsWith(f.alert) ? f.message : `${f.alert}: ${f.message}`;
}
