/**
 * RFC 9147 §5.1's anti-amplification rule (QUIC's, RFC 9000 §8.1): until a server has seen that the peer receives its
 * datagrams at the address they come from, it sends at most {@link AMPLIFICATION_FACTOR} times the bytes it received
 * from there, retransmissions and alerts included. DtlsConnection counts every datagram in and every datagram out; what
 * does not fit waits in the outbound queue (not dropped: it goes as the peer's next datagram raises the budget, or at
 * once when the address is validated). The version state says when it is: a ClientHello with a valid cookie (the
 * stateless exchange, 1.3's HelloRetryRequest or 1.2's HelloVerifyRequest), or a record that authenticated under keys
 * only a peer that read our flight has (1.3: the handshake epoch, from our ServerHello's key share, not 0-RTT's, which
 * a replay carries; 1.2: epoch 1).
 */
import { AMPLIFICATION_FACTOR } from '../cid/path-validation.js';

export { AMPLIFICATION_FACTOR };

export class AmplificationLimit {
  private limited = false;
  private received = 0;
  private sent = 0;

  /** A new server connection: limited from now until {@link validate}. */
  limit(): void {
    this.limited = true;
  }

  /** The peer's address is validated: nothing is held from now on. */
  validate(): void {
    this.limited = false;
  }

  /** Whether anything is held for the budget: until then every datagram may go ({@link admit} is always true). */
  get limiting(): boolean {
    return this.limited;
  }

  /** A datagram of `bytes` came from the peer. */
  took(bytes: number): void {
    if (this.limited) this.received += bytes;
  }

  /**
   * Whether the head of `queue` may go now; it is counted as sent when it may. While limited, the queue goes whole or not
   * at all: what it holds then is one transmission of a flight (or one answer), and part of a flight is worse than
   * none, since a client that has our ServerHello waits for the rest and no longer retransmits the ClientHello that
   * would raise the budget.
   */
  admit(queue: readonly Uint8Array[]): boolean {
    if (!this.limited) return true;
    const head = queue[0];
    if (head === undefined || this.over(queue)) return false;
    this.sent += head.length;
    return true;
  }

  /**
   * Whether a transmission of ours still waits in `queue` (while limited, whatever is queued waits until the driver
   * polls, and may wait for budget): a retransmission now would only queue a copy behind it.
   */
  holds(queue: readonly Uint8Array[]): boolean {
    return this.limited && queue.length > 0;
  }

  /** Whether `queue` as a whole does not fit the budget. */
  private over(queue: readonly Uint8Array[]): boolean {
    let bytes = this.sent;
    for (const d of queue) bytes += d.length;
    return bytes > AMPLIFICATION_FACTOR * this.received;
  }
}
