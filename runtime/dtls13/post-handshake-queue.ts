import { ProtocolError } from '../handshake/protocol-error.js';

/** Post-handshake flights that may wait behind the outstanding one (a KeyUpdate waiting does not count). */
export const MAX_WAITING_FLIGHTS = 4;

/**
 * Post-handshake flights waiting for the outstanding one (RFC 9147 §5.8): a KeyUpdate first (flags merged), others in
 * order, at most {@link MAX_WAITING_FLIGHTS}: a peer that keeps asking gets unexpected_message, not a growing queue.
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
