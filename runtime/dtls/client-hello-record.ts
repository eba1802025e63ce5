/**
 * A ClientHello made one DTLSPlaintext record again (RFC 6347 §4.1, §4.2.2: whole, fragment_offset 0), for the 1.2 state
 * of a server doing both versions that takes over a ClientHello its 1.3 state reassembled and decoded (connection.ts):
 * the 1.2 state reads its first ClientHello whole from one record, and hashes the message as if sent unfragmented.
 */
import { plainRecord12 } from '../record/codec12.js';

const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const HANDSHAKE_HEADER = 12;

/** `body` (message_seq `messageSeq`) in a handshake record numbered `recordSequence`, as a datagram. */
export function clientHelloRecord(body: Uint8Array, messageSeq: number, recordSequence: number): Uint8Array {
  const message = new Uint8Array(HANDSHAKE_HEADER + body.length);
  const n = body.length;
  message[0] = CLIENT_HELLO;
  message[1] = message[9] = (n >>> 16) & 0xff;
  message[2] = message[10] = (n >>> 8) & 0xff;
  message[3] = message[11] = n & 0xff;
  message[4] = messageSeq >>> 8;
  message[5] = messageSeq & 0xff;
  message.set(body, HANDSHAKE_HEADER);
  return plainRecord12(HANDSHAKE, recordSequence, message);
}
