/**
 * The 1.2 side of a connection doing both versions, as its 1.3 state sees it (installed by runtime/dtls: this folder
 * never imports runtime/dtls12): where a first ClientHello or first answer choosing DTLS 1.2 goes (role-driver.ts).
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';

/**
 * The longest ClientHello body a 1.2 state takes over: one record of 2^14 bytes (RFC 6347 §4.1) less the handshake
 * header. A longer one (only 1.3 reassembly makes one) stays with the 1.3 state, which refuses it.
 */
export const LONGEST_CLIENT_HELLO_12 = 16_384 - 12;

export interface FallBack12 {
  /** A first ClientHello as 1.2 reads it (one without extensions decodes too). @throws DecodeError */
  decode(body: Uint8Array): ClientHello;
  /** The ClientHello chose DTLS 1.2: a 1.2 state takes it, decoded, and speaks for the connection from then on. */
  takeOver(
    known: { readonly body: Uint8Array; readonly hello: ClientHello },
    messageSeq: number,
    recordSequence: number,
  ): void;
}

/** Our first ClientHello as the 1.3 client sent it: what a 1.2 state takes over from. */
export interface SentOffer {
  /** The ClientHello's body exactly as sent (its transcript starts with it). */
  readonly body: Uint8Array;
  readonly messageSeq: number;
  /** The next epoch-0 record sequence number (after every record the ClientHello went in, retransmissions included). */
  readonly nextRecordSequenceNumber: number;
}

/** Client offering both versions: where its 1.3 state hands the server's first answer when that answer is DTLS 1.2. */
export interface Answered12 {
  /**
   * The server answered our first ClientHello in DTLS 1.2: a 1.2 state takes over from the offer and reads `datagram`.
   * After a HelloVerifyRequest (authenticated by nothing) the 1.3 state is kept until the 1.2 state takes a ServerHello:
   * a 1.3 answer meanwhile takes the connection back.
   */
  takeOver(offer: SentOffer, datagram: Uint8Array, path: string | undefined, helloVerifyRequest: boolean): void;
}
