/**
 * A session's application callbacks (`onmessage`, `onhandshake`, ...): what one throws, or a promise it returns rejects
 * with, ends the session with internal_error (`DtlsSession.callHandler`, which calls them itself so the receive stack
 * stays short); `onkeylog` and `onerror` never end it.
 */

/** The session's callbacks whose exceptions end it. */
export type SessionCallbackName = 'onmessage' | 'onhandshake' | 'onticket' | 'onmigrate' | 'onclientcertificate';

/** Whether an application callback returned a promise (or any thenable): its rejection ends the session too. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls an application handler whose exception must not end the session (`onkeylog`, `onerror`): what it throws is
 * thrown again in a microtask, as from any Node event handler, never into the caller.
 */
export function callUnguarded(call: () => void): void {
  try {
    call();
  } catch (e) {
    queueMicrotask(() => {
      throw e;
    });
  }
}
