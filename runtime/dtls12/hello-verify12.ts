/**
 * The listener's stateless DTLS 1.2 cookie exchange (RFC 6347 §4.2.1), before any connection exists: a ClientHello
 * without a valid cookie is answered with a HelloVerifyRequest made from the datagram alone (the HMAC of cookie12.ts
 * over the client's address and hello) and nothing is kept; one with a valid cookie is let in. Also the stateless
 * protocol_version alert for a ClientHello offering no enabled version. Pure and total: a datagram in, an outcome out;
 * nothing a peer sends throws.
 */
import { decodeClientHello12 } from './client-hello-body12.js';
import { readDtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { encodeHelloVerifyRequest } from '../../generated/wire/hello-verify-request.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { Reader } from '../wire/reader.js';
import { cookieValid12, makeCookie12 } from './cookie12.js';
import { decodeDatagram12 } from '../record/datagram12.js';
import { plainRecord12 } from '../record/codec12.js';

const HANDSHAKE = 22;
const ALERT = 21;
const HELLO_VERIFY_REQUEST = 3;
const RECORD_HEADER = 13;
const HANDSHAKE_HEADER = 12;

export type HelloVerify12Outcome =
  /** Send `datagram` back (a HelloVerifyRequest); keep nothing. */
  | { readonly kind: 'reply'; readonly datagram: Uint8Array }
  /** The cookie is valid: start the connection; `random` is ClientHello.random in hex. */
  | { readonly kind: 'accept'; readonly random: string; readonly cookie: Uint8Array }
  /** Not one whole ClientHello in the first record: drop it. */
  | { readonly kind: 'drop' };

/**
 * The cookie exchange for the ClientHello in `datagram` from `peer` (the transport address the cookie binds), under
 * `secret`.
 */
export function helloVerify12(
  datagram: Uint8Array,
  provider: CryptoProvider,
  secret: Uint8Array,
  peer: string,
): HelloVerify12Outcome {
  try {
    const first = decodeDatagram12(datagram)[0];
    if (first === undefined || first.kind !== 'record' || first.record.epoch !== 0 || first.record.type !== 'handshake')
      return { kind: 'drop' };
    const f = readDtlsHandshake(new Reader(first.record.fragment, 'Handshake'));
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length)
      return { kind: 'drop' };
    const ch = decodeClientHello12(f.fragment);
    if (cookieValid12(provider, secret, peer, ch))
      return { kind: 'accept', random: Buffer.from(ch.random).toString('hex'), cookie: ch.legacyCookie };
    // RFC 6347 §4.2.1: server_version DTLS 1.0 whatever will be negotiated; the ClientHello's message_seq and record number.
    const body = encodeHelloVerifyRequest({
      serverVersion: 'dtls1_0',
      cookie: makeCookie12(provider, secret, peer, ch),
    });
    const message = new Uint8Array(HANDSHAKE_HEADER + body.length);
    message[0] = HELLO_VERIFY_REQUEST;
    message[3] = body.length;
    message[4] = f.messageSeq >>> 8;
    message[5] = f.messageSeq & 0xff;
    message[11] = body.length;
    message.set(body, HANDSHAKE_HEADER);
    return { kind: 'reply', datagram: plainRecord12(HANDSHAKE, first.record.sequenceNumber, message) };
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
  if (datagram.length < RECORD_HEADER) return 0;
  return (
    ((datagram[5]! << 8) | datagram[6]!) * 0x100000000 +
    ((datagram[7]! << 24) >>> 0) +
    (datagram[8]! << 16) +
    (datagram[9]! << 8) +
    datagram[10]!
  );
}
