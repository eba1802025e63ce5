/**
 * The 1.2 side of a server doing both versions, as its 1.3 state sees it: runtime/dtls (which may see both versions'
 * folders) installs it in the connection's `SharedState`, and the 1.3 server's ClientHello step (role-driver.ts) hands
 * it a first ClientHello that chooses DTLS 1.2 (offered-versions.ts). runtime/connection never imports runtime/dtls12.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';

/**
 * The longest ClientHello body a 1.2 state takes over: it reads its first ClientHello whole from one record, of at most
 * 2^14 bytes (RFC 6347 §4.1, RFC 5246 §6.2.1), the 12-byte handshake header included. A longer one (only a 1.3
 * reassembly makes one) stays with the 1.3 state, which refuses it.
 */
export const LONGEST_CLIENT_HELLO_12 = 16_384 - 12;

export interface FallBack12 {
  /** A first ClientHello as 1.2 reads it (one without extensions decodes too). @throws DecodeError */
  decode(body: Uint8Array): ClientHello;
  /**
   * The ClientHello chose DTLS 1.2: a 1.2 state takes it, decoded (whole, message_seq `messageSeq`, its last fragment
   * in the record numbered `recordSequence`), and speaks for the connection from then on.
   */
  takeOver(
    known: { readonly body: Uint8Array; readonly hello: ClientHello },
    messageSeq: number,
    recordSequence: number,
  ): void;
}
