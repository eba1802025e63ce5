/**
 * The listener's stateless DTLS 1.2 cookie exchange (RFC 6347 §4.2.1), before any connection exists: a ClientHello
 * without a valid cookie is answered with a HelloVerifyRequest made from the datagram alone (the HMAC of cookie.ts
 * over the client's address and hello, decoded once by the listener) and nothing is kept; one with a valid cookie is let
 * in. Also the stateless
 * protocol_version alert for a ClientHello offering no enabled version. Pure and total: a datagram in, an outcome out;
 * nothing a peer sends throws.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { encodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { cookieValid12, makeCookie12 } from './cookie.js';
import { ALERT, HEADER12, handshakeRecord12, plainRecord12 } from '../record/codec12.js';
import { toHex } from '../wire/bytes.js';

export type HelloVerify12Outcome =
  /** Send `datagram` back (a HelloVerifyRequest); keep nothing. */
  | { readonly kind: 'reply'; readonly datagram: Uint8Array }
  /** The cookie is valid: start the connection; `random` is ClientHello.random in hex. */
  | { readonly kind: 'accept'; readonly random: string; readonly cookie: Uint8Array }
  /** A ClientHello the cookie cannot be made over: drop it. */
  | { readonly kind: 'drop' };

/** A first ClientHello as the listener read it (runtime/connection/version-negotiation.ts): decoded once, before any connection. */
export interface FirstClientHello12 {
  readonly hello: ClientHello;
  /** Its message_seq and its record's sequence number, which the HelloVerifyRequest repeats. */
  readonly messageSeq: number;
  readonly recordSequence: number;
}

/** The cookie exchange for `first`, a whole ClientHello from `peer` (the transport address the cookie binds), under `secret`. */
export function helloVerify12(
  first: FirstClientHello12,
  provider: CryptoProvider,
  secret: Uint8Array,
  peer: string,
): HelloVerify12Outcome {
  const ch = first.hello;
  try {
    if (cookieValid12(provider, secret, peer, ch))
      return { kind: 'accept', random: toHex(ch.random), cookie: ch.legacyCookie };
    // RFC 6347 §4.2.1: server_version DTLS 1.0 whatever will be negotiated; the ClientHello's message_seq and record number.
    const body = encodeHelloVerifyRequest({
      serverVersion: 'dtls1_0',
      cookie: makeCookie12(provider, secret, peer, ch),
    });
    const datagram = handshakeRecord12('hello_verify_request', body, first.messageSeq, first.recordSequence);
    return { kind: 'reply', datagram };
  } catch {
    return { kind: 'drop' };
  }
}

/** A fatal protocol_version alert (RFC 5246 §7.2.2: 70) answering the record numbered `sequenceNumber`, as a datagram. */
export function protocolVersionAlert(sequenceNumber: number): Uint8Array {
  return plainRecord12(ALERT, sequenceNumber, Uint8Array.of(2, 70));
}

/** The record sequence number of the datagram's first DTLS 1.2-style record, or 0. */
export function firstRecordNumber(datagram: Uint8Array): number {
  if (datagram.length < HEADER12) return 0;
  return (
    ((datagram[5]! << 8) | datagram[6]!) * 0x100000000 +
    ((datagram[7]! << 24) >>> 0) +
    (datagram[8]! << 16) +
    (datagram[9]! << 8) +
    datagram[10]!
  );
}
