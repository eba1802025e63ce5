import type { EndpointCloseReason } from './endpoint-ending.js';

/**
 * An endpoint's `handshake` and `closed` promises. Made when one is first
 * asked for (most server sessions never ask), each settled at once if its
 * outcome is known by then, else when it comes; `handshake` never rejects
 * unhandled (callers that never await it see nothing).
 */
export class EndpointOutcome<P> {
  private handshakePromise: Promise<P> | undefined;
  private settleHandshake: { resolve: (p: P) => void; reject: (e: Error) => void } | undefined;
  private closedPromise: Promise<EndpointCloseReason> | undefined;
  private settleClosed: ((reason: EndpointCloseReason) => void) | undefined;

  /** `negotiated`: the handshake's outcome if it completed; `failed`: the end's error if it ended first. */
  handshake(negotiated: P | undefined, failed: Error | undefined): Promise<P> {
    if (this.handshakePromise) return this.handshakePromise;
    let promise: Promise<P>;
    if (negotiated !== undefined) promise = Promise.resolve(negotiated);
    else if (failed !== undefined) promise = Promise.reject(failed);
    else promise = new Promise<P>((resolve, reject) => (this.settleHandshake = { resolve, reject }));
    promise.catch(() => {}); // callers that never await it must not see an unhandled rejection
    return (this.handshakePromise = promise);
  }

  /** `reason`: why the endpoint ended, if it has. */
  closed(reason: EndpointCloseReason | undefined): Promise<EndpointCloseReason> {
    if (this.closedPromise) return this.closedPromise;
    return (this.closedPromise =
      reason !== undefined ? Promise.resolve(reason) : new Promise((resolve) => (this.settleClosed = resolve)));
  }

  /** The handshake completed. */
  completed(negotiated: P): void {
    this.settleHandshake?.resolve(negotiated);
    this.settleHandshake = undefined;
  }

  /** The endpoint ended before the handshake completed, if it had not (`error`: made only if a handshake promise waits). */
  handshakeFailed(error: () => Error): void {
    this.settleHandshake?.reject(error());
    this.settleHandshake = undefined;
  }

  /** The endpoint ended. */
  ended(reason: EndpointCloseReason): void {
    this.settleClosed?.(reason);
    this.settleClosed = undefined;
  }
}
