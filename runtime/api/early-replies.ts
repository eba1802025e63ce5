/**
 * A server's answers to 0-RTT data before the handshake completes: held in order (copies) and sent when `opened`
 * resolves, not as 0.5-RTT data (RFC 8446 §4.6.1 allows it): until the client's Finished verifies, a replayed 0-RTT
 * ClientHello is answered all the same. Held at most {@link MAX_HELD_SEND_BYTES} in {@link MAX_HELD_MESSAGES} messages.
 */
import { MAX_HELD_MESSAGES, MAX_HELD_SEND_BYTES } from '../dtls13/peer-confirmation.js';
import { MessageTooLargeError, SessionStateError } from './errors.js';

export { MAX_HELD_MESSAGES, MAX_HELD_SEND_BYTES };

type SendCallback = (error: Error | null) => void;

export interface HeldReply {
  readonly bytes: Uint8Array;
  readonly callback: SendCallback | undefined;
}

/** A server session's replies to early data, made when the first early message comes. */
export class EarlyReplies {
  private readonly held: HeldReply[] = [];
  private bytes = 0;

  /**
   * Keeps a copy of `bytes` to send once the handshake completes; returns its length, as `send` does.
   * @throws MessageTooLargeError above `limit` (the session's `maxMessageSize` now); SessionStateError past the caps.
   */
  hold(bytes: Uint8Array, limit: number, mtu: number, callback: SendCallback | undefined): number {
    if (bytes.length > limit) throw new MessageTooLargeError(bytes.length, limit, mtu);
    if (this.held.length >= MAX_HELD_MESSAGES || this.bytes + bytes.length > MAX_HELD_SEND_BYTES) {
      throw new SessionStateError(
        `send: before the handshake completes a session holds at most ${MAX_HELD_MESSAGES} messages and ${MAX_HELD_SEND_BYTES} bytes in answer to early data (await session.opened for more)`,
      );
    }
    this.held.push({ bytes: bytes.slice(), callback });
    this.bytes += bytes.length;
    return bytes.length;
  }

  /** The session opened: every held reply goes to `send`, oldest first; one refused goes to its callback. */
  sendAll(send: (bytes: Uint8Array, callback: SendCallback | undefined) => void): void {
    for (const { bytes, callback } of this.takeAll()) {
      try {
        send(bytes, callback);
      } catch (e) {
        const error = e instanceof Error ? e : new SessionStateError(String(e));
        if (callback) queueMicrotask(() => callback(error));
      }
    }
  }

  /** The session ended before it opened: each held reply's callback gets `error()` in a microtask of its own. */
  ended(error: (() => Error) | undefined): void {
    const unsent = this.takeAll();
    if (unsent.length === 0) return;
    const reason =
      error?.() ??
      new SessionStateError(
        'send: the session ended before its handshake completed; the reply to early data was not sent',
      );
    for (const { callback } of unsent) if (callback) queueMicrotask(() => callback(reason));
  }

  /** Every held reply, oldest first, taken out. */
  takeAll(): HeldReply[] {
    const all = this.held.splice(0);
    this.bytes = 0;
    return all;
  }
}
