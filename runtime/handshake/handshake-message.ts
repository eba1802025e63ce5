import type { HandshakeType } from '../../generated/wire/enums.js';

/** A whole handshake message (type, message_seq, body): the transcript and wire forms derive from it. */
export interface HandshakeMessage {
  readonly msgType: HandshakeType;
  /** uint16; 0 for the first message each side sends, +1 per new message, reused on retransmission. */
  readonly messageSeq: number;
  /** The body: `length` on the wire is `body.length` (at most 2^24-1). */
  readonly body: Uint8Array;
}

/** Bytes of the DTLS handshake header before each fragment (RFC 9147 §5.2). */
export const DTLS_HANDSHAKE_HEADER_LENGTH = 12;

/** The largest uint24: the bound on `length`, `fragment_offset` and `fragment_length` (RFC 9147 §5.2). */
export const MAX_UINT24 = 0xffffff;

/** The largest uint16: the bound on `message_seq` (RFC 9147 §5.2). */
export const MAX_MESSAGE_SEQ = 0xffff;
