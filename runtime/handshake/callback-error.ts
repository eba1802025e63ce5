import { ProtocolError } from './protocol-error.js';

/** The application callbacks whose exceptions end a connection: the connection's own and the node API's. */
export type CallbackName =
  | 'sni'
  | 'psk'
  | 'antiReplay'
  | 'onsession'
  | 'onhandshake'
  | 'onmessage'
  | 'onticket'
  | 'onmigrate'
  | 'onclientcertificate';

/** An application callback threw during a handshake: internal_error (RFC 8446 §6.2), `cause` what it threw. */
export class CallbackError extends ProtocolError {
  readonly callback: CallbackName;
  /** What it threw, as it threw it. */
  override readonly cause: unknown;

  constructor(callback: CallbackName, cause: unknown) {
    super(
      'internal_error',
      `the ${callback} callback threw: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.callback = callback;
    this.cause = cause;
  }
}

/** Calls an application callback; what it throws comes out as a {@link CallbackError} naming it. */
export function callApplication<T>(callback: CallbackName, call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw new CallbackError(callback, e);
  }
}

/** The error to hand the application for a callback's failure: what it threw when that is an Error, else one wrapping it. */
export function thrownError(cause: unknown): Error {
  return cause instanceof Error ? cause : new Error(`a callback threw ${String(cause)}`, { cause });
}
