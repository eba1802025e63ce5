/**
 * A session's call of an application callback (`onmessage`, `onhandshake`,
 * ...): what it throws, or a promise it returns rejects with, goes to
 * `failed` (the session ends with internal_error, `closed` rejects with the
 * error and `onerror` receives it), never to the process or the caller.
 */

/** The session's callbacks whose exceptions end it. */
export type SessionCallbackName = 'onmessage' | 'onhandshake' | 'onticket' | 'onmigrate' | 'onclientcertificate';

export function callApplication<A extends unknown[]>(
  self: object,
  handler: (...args: A) => unknown,
  args: A,
  failed: (thrown: unknown) => void,
): void {
  try {
    const result = handler.apply(self, args);
    if (isThenable(result)) result.then(undefined, failed);
  } catch (e) {
    failed(e);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls an application handler whose exception must not end the session
 * (`onkeylog`, `onerror`): what it throws is thrown again in a microtask,
 * as from any Node event handler, never into the caller.
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
