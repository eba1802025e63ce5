import { ProtocolError } from '../handshake/protocol-error.js';

/** Post-handshake flights that may wait behind the outstanding one (a KeyUpdate waiting does not count). */
export const MAX_WAITING_FLIGHTS = 4;

/**
 * Post-handshake flights, one at a time (RFC 9147 §5.8): what waits for the outstanding flight to end. A KeyUpdate
 * asked for meanwhile waits first (one, its request_update flags merged); other flights (NewConnectionId,
 * RequestConnectionId, a CertificateRequest or its answer) wait in order, at most {@link MAX_WAITING_FLIGHTS}: a peer
 * that keeps asking gets unexpected_message rather than a growing queue. Allocated with the first flight that waits.
 */
export class PostHandshakeFlights {
  /** A KeyUpdate waiting for the outstanding flight, and whether it asks the peer to update too. */
  keyUpdateWaiting: boolean | undefined;
  private waiting: (() => void)[] | undefined;

  get waitingFlights(): number {
    return this.waiting?.length ?? 0;
  }

  /** Queues `send`, behind the outstanding flight; throws past the cap. */
  wait(send: () => void): void {
    const waiting = (this.waiting ??= []);
    if (waiting.length >= MAX_WAITING_FLIGHTS) {
      throw new ProtocolError(
        'unexpected_message',
        `more than ${MAX_WAITING_FLIGHTS} post-handshake requests waiting for an answer`,
      );
    }
    waiting.push(send);
  }

  /** The next flight that waits, taken off the queue. */
  next(): (() => void) | undefined {
    const send = this.waiting?.shift();
    if (this.waiting?.length === 0) this.waiting = undefined;
    return send;
  }
}
