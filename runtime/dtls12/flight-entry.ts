/**
 * One entry of a DTLS 1.2 flight of ours, as the handshake steps build it (client.ts, server.ts, keys.ts), the
 * flight controller keeps it for retransmission (flights.ts) and the outbox cuts it into records
 * (runtime/shared/handshake-outbox.ts).
 */
import type { HandshakeMessage } from '../handshake/handshake-message.js';

/** One entry of a flight: a handshake message (with its message_seq, sent under `epoch`) or ChangeCipherSpec. */
export type Out12 =
  | (HandshakeMessage & {
      readonly kind: 'handshake';
      readonly epoch: 0 | 1;
      /** The datagrams holding it go out after the rest of the flight's (shared/handshake-outbox.ts). */
      readonly sentLast?: true;
    })
  | { readonly kind: 'changeCipherSpec' };
