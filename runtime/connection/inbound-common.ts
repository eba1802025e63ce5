import { ProtocolError } from '../handshake/protocol-error.js';
import { DecodeError } from '../wire/errors.js';

/** Decodes a message body; malformed bytes become decode_error (RFC 8446 §6.2). */
export function decodeOrFail<T>(decode: (b: Uint8Array) => T, body: Uint8Array): T {
  try {
    return decode(body);
  } catch (e) {
    if (e instanceof DecodeError) throw new ProtocolError('decode_error', e.message);
    throw e;
  }
}

/**
 * Handshake messages belong to one epoch: the hellos to 0, the rest of the
 * handshake to 2, post-handshake messages to 3 and later. Anything else is
 * the record-epoch misuse RFC 9147 forbids: unexpected_message.
 */
export function requireEpoch(epoch: number, expected: number, what: string, orLater = false): void {
  if (orLater ? epoch < expected : epoch !== expected) {
    throw new ProtocolError('unexpected_message', `${what} arrived in epoch ${epoch}, expected ${orLater ? `${expected} or later` : expected}`);
  }
}
