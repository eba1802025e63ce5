/**
 * Messages of a session that came before `onmessage` was set, or while a DTLS 1.3 client waits for the server to
 * confirm its handshake: kept in order, at most {@link WAITING_MESSAGES} and {@link WAITING_BYTES} (a peer sending
 * large records must not make a session hold 16 MiB); more are dropped and counted by the session. Made with the first
 * message kept.
 */

import { viewDetached } from '../../wire/message-arena.js';

/**
 * `view`, a message's bytes, as the Buffer `onmessage` gets; undefined when its ArrayBuffer was detached before it was
 * handed over (`messageBuffers: 'batch'`: the application transferred a message's buffer in a callback meanwhile, and
 * this one lay in it). The connection keeps that from happening in `onmessage` (docs/security/buffers.md); should it
 * happen in another callback, the message is counted as dropped instead of throwing out of the library.
 */
export function handedOver(view: Uint8Array): Buffer | undefined {
  return viewDetached(view) ? undefined : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Messages kept for an `onmessage` that is not set yet; more are dropped and counted. */
export const WAITING_MESSAGES = 1024;
/** ... and at most this many bytes of them. */
export const WAITING_BYTES = 1 << 20;

export interface WaitingMessage {
  readonly data: Buffer;
  readonly early: boolean;
}

export class MessageInbox {
  private readonly messages: WaitingMessage[] = [];
  private bytes = 0;

  get empty(): boolean {
    return this.messages.length === 0;
  }

  /**
   * Keeps a message; false when the inbox is full (the message is the caller's to drop and count). A message whose
   * ArrayBuffer holds more than it (a `messageBuffers: 'batch'` batch, or a record's padding) is kept as a copy, so
   * that what waits is what WAITING_BYTES counts.
   */
  hold(data: Buffer, early: boolean): boolean {
    if (this.messages.length >= WAITING_MESSAGES || this.bytes + data.length > WAITING_BYTES) return false;
    this.messages.push({ data: data.buffer.byteLength > data.length ? exactCopy(data) : data, early });
    this.bytes += data.length;
    return true;
  }

  /** The oldest message, taken out; undefined when none waits. */
  take(): WaitingMessage | undefined {
    const m = this.messages.shift();
    if (m !== undefined) this.bytes -= m.data.length;
    return m;
  }
}

/** `data` in an ArrayBuffer of exactly its length (Buffer.from(data) would take small copies from Node's shared pool). */
function exactCopy(data: Buffer): Buffer {
  const copy = new Uint8Array(data);
  return Buffer.from(copy.buffer, 0, copy.length);
}
