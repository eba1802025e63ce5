/**
 * Messages that came before `onmessage` was set (or while a 1.3 client awaits confirmation), in order, at most
 * {@link WAITING_MESSAGES} and {@link WAITING_BYTES}; more are dropped and counted.
 */

import { Buffer } from 'node:buffer';
import { viewDetached } from '../wire/message-arena.js';

/**
 * Node's `Buffer.prototype.subarray`, called on a plain Uint8Array: a Buffer over the same bytes, made directly (`new
 * FastBuffer(buffer, byteOffset, length)`), where `Buffer.from(arrayBuffer, offset, length)` dispatches on its
 * arguments (generic property loads) at each call. Used only where it is seen to give a Buffer.
 */
const cut = Buffer.prototype.subarray as (this: Uint8Array, start: number, end: number) => Buffer;
const CUTS_VIEWS = cut.call(new Uint8Array(2), 1, 2) instanceof Buffer;

/**
 * `view` as the Buffer `onmessage` gets; undefined when the application detached its ArrayBuffer meanwhile
 * (`messageBuffers: 'batch'`, docs/security/buffers.md): dropped and counted, not thrown.
 */
export function handedOver(view: Uint8Array): Buffer | undefined {
  if (viewDetached(view)) return undefined;
  return CUTS_VIEWS ? cut.call(view, 0, view.length) : Buffer.from(view.buffer, view.byteOffset, view.byteLength);
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
