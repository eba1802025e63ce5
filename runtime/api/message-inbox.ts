/**
 * Messages that came before `onmessage` was set (or while a 1.3 client awaits confirmation), in order, at most
 * {@link WAITING_MESSAGES} and {@link WAITING_BYTES}; more are dropped and counted.
 */

import { viewDetached } from '../wire/message-arena.js';

/**
 * A Buffer over memory that exists already, made as node:buffer makes its own (a Uint8Array whose prototype chain
 * holds Buffer.prototype, `constructor` Buffer): `Buffer.isBuffer`, `instanceof Buffer`, every Buffer method and
 * `util.inspect` treat it as one. `Buffer.from(arrayBuffer, offset, length)` gives the same object but goes through
 * Buffer.from's dispatch on its argument's type, which the application's own calls make megamorphic: in a receiving
 * server it cost more per message than the rest of the message's hand-over (tests/api/message-buffer.test.ts).
 */
class MessageBuffer extends Uint8Array {}
Object.setPrototypeOf(MessageBuffer.prototype, Buffer.prototype);
Object.defineProperty(MessageBuffer.prototype, 'constructor', { value: Buffer, writable: true, configurable: true });

/**
 * `view` as the Buffer `onmessage` gets; undefined when the application detached its ArrayBuffer meanwhile
 * (`messageBuffers: 'batch'`, docs/security/buffers.md): dropped and counted, not thrown.
 */
export function handedOver(view: Uint8Array): Buffer | undefined {
  return viewDetached(view)
    ? undefined
    : (new MessageBuffer(view.buffer, view.byteOffset, view.byteLength) as unknown as Buffer);
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

  /** Keeps a message (a copy when its ArrayBuffer holds more, so WAITING_BYTES counts true); false when full. */
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
