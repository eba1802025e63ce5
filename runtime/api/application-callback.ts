/**
 * Application callbacks: a session's throw ends the session (`DtlsSession.callHandler`), but not `onkeylog`'s; an
 * endpoint's (`onhandshakeerror`, `onworkerexit`) throw is dropped.
 */

/** The session's callbacks whose exceptions end it. */
export type SessionCallbackName = 'onmessage' | 'onhandshake' | 'onticket' | 'onmigrate' | 'onclientcertificate';

/** Whether an application callback returned a promise (or any thenable): its rejection ends the session too. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Calls `onkeylog` or `onerror`: a throw is thrown again in a microtask, as from any Node event handler. */
export function callUnguarded(call: () => void): void {
  try {
    call();
  } catch (e) {
    queueMicrotask(() => {
      throw e;
    });
  }
}

/** Calls an endpoint's handler, if set; what it throws is dropped (it must not end the endpoint or the process). */
export function tell<A extends unknown[]>(handler: ((...args: A) => void) | null, ...args: A): void {
  try {
    handler?.(...args);
  } catch {
    // the application's handler failed; nothing is left to tell
  }
}
