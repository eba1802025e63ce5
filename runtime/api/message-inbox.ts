/**
 * Messages that came before `onmessage` was set (or while a 1.3 client awaits confirmation), in order, at most
 * {@link WAITING_MESSAGES} and {@link WAITING_BYTES}; more are dropped and counted.
 */

import { Buffer } from 'node:buffer';
import { viewDetached } from '../wire/message-arena.js';

/** The ArrayBuffer the last message handed over lies in; the one before that had more, and a Buffer over all of it. */
let seen: ArrayBufferLike | undefined;
let wholeOf: ArrayBufferLike | undefined;
let whole: Buffer = Buffer.alloc(0);

/**
 * `view` as the Buffer `onmessage` gets; undefined when the application detached its ArrayBuffer meanwhile
 * (`messageBuffers: 'batch'`, docs/security/buffers.md): dropped and counted, not thrown. From the second message of one
 * ArrayBuffer on (a 'batch' arena), each is cut from one Buffer over all of it (`subarray` makes a Buffer directly,
 * where `Buffer.from` dispatches on its arguments at each call).
 */
export function handedOver(view: Uint8Array): Buffer | undefined {
  if (viewDetached(view)) return undefined;
  const buffer = view.buffer;
  const at = view.byteOffset;
  if (buffer !== wholeOf) {
    if (buffer !== seen) {
      seen = buffer;
      return Buffer.from(buffer, at, view.byteLength);
    }
    whole = Buffer.from(buffer);
    wholeOf = buffer;
  }
  return whole.subarray(at, at + view.byteLength);
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
