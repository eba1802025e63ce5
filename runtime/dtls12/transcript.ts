/**
 * The DTLS 1.2 handshake hash (RFC 5246 §7.4.9 as RFC 6347 §4.2.6 amends it): every handshake message from the
 * ClientHello that carries the cookie on, each with its 12-byte DTLS header as if it had been sent in one fragment
 * (fragment_offset 0, fragment_length = length). The first ClientHello and the HelloVerifyRequest are not in it. The
 * hash is the PRF's, known once ServerHello chose the suite, so messages are kept until then. The extended master
 * secret's session_hash (RFC 7627 §3) is this hash up to and including ClientKeyExchange. handshake-log.ts keeps it;
 * here are the bytes it and the ServerKeyExchange signature cover.
 */

/** Writes the 12-byte DTLS handshake header of a whole message at out[at..]. */
export function putWholeMessageHeader(
  out: Uint8Array,
  at: number,
  msgType: number,
  messageSeq: number,
  length: number,
): void {
  if (length > 0xffffff) throw new RangeError(`a handshake message is at most 2^24 - 1 bytes, got ${length}`);
  out[at] = msgType;
  out[at + 1] = out[at + 9] = length >>> 16;
  out[at + 2] = out[at + 10] = (length >>> 8) & 0xff;
  out[at + 3] = out[at + 11] = length & 0xff;
  out[at + 4] = messageSeq >>> 8;
  out[at + 5] = messageSeq & 0xff;
  out[at + 6] = out[at + 7] = out[at + 8] = 0;
}

/** The 12-byte DTLS handshake header of a whole message. */
export function wholeMessageHeader(msgType: number, messageSeq: number, length: number): Uint8Array {
  const header = new Uint8Array(12);
  putWholeMessageHeader(header, 0, msgType, messageSeq, length);
  return header;
}

/**
 * What the server's signature in an ECDHE ServerKeyExchange covers: ClientHello.random + ServerHello.random + the
 * encoded ServerECDHParams (RFC 8422 §5.4; RFC 5246 §7.4.3). The signature algorithm hashes it.
 */
export function serverKeyExchangeSignedData(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  encodedParams: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(64 + encodedParams.length);
  out.set(clientRandom, 0);
  out.set(serverRandom, 32);
  out.set(encodedParams, 64);
  return out;
}
