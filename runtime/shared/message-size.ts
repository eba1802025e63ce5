/** The largest `send()` that fits one record in one datagram (DTLS 1.3's rule; DTLS 1.2's is runtime/dtls12/version-facts.ts). */
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';

/** RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes. */
export const MAX_RECORD_PLAINTEXT = 16384;

/** The unified header the connection writes for application data (RFC 9147 §4): flags byte, 16-bit sequence number, 16-bit length. */
const UNIFIED_HEADER = 1 + 2 + 2;
/** The content type byte of DTLSInnerPlaintext. */
const INNER_TYPE = 1;
/** The longest AEAD tag of the suites; used before the handshake settles the suite. */
const LONGEST_TAG = 16;

/**
 * The most application data one `send()` can carry: one record in one datagram of `mtu` bytes less the record's
 * overhead, within the peer's record_size_limit (RFC 8449), never above 2^14.
 */
export function maxMessageSize(
  mtu: number,
  suite: SupportedCipherSuite | undefined,
  connectionIdLength = 0,
  recordSizeLimit?: number,
): number {
  const tag = suite === undefined ? LONGEST_TAG : CIPHER_SUITES[suite].tagLength;
  const byLimit = recordSizeLimit === undefined ? MAX_RECORD_PLAINTEXT : recordSizeLimit - INNER_TYPE;
  return Math.min(MAX_RECORD_PLAINTEXT, byLimit, mtu - UNIFIED_HEADER - connectionIdLength - INNER_TYPE - tag);
}
