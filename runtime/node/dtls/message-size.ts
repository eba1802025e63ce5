import { CIPHER_SUITES, type SupportedCipherSuite } from '../../crypto/suites.js';
import { DTLS12_CIPHER_SUITES, type Dtls12CipherSuite } from '../../versions/suites12.js';

/** RFC 8446 §5.1: a record's plaintext is at most 2^14 bytes. */
export const MAX_RECORD_PLAINTEXT = 16384;

/** The unified header the connection writes for application data (RFC 9147 §4): flags byte, 16-bit sequence number, 16-bit length. */
const UNIFIED_HEADER = 1 + 2 + 2;
/** The content type byte of DTLSInnerPlaintext. */
const INNER_TYPE = 1;
/** The longest AEAD tag of the suites; used before the handshake settles the suite. */
const LONGEST_TAG = 16;

/**
 * The most application data one `send()` can carry: one record (DTLS never
 * fragments application data) in one datagram of `mtu` bytes, after the
 * record header, the connection ID when one is in use, the inner content
 * type and the suite's AEAD tag; and within the peer's record_size_limit
 * (RFC 8449: it counts the content and its type byte). Never above 2^14.
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

/** The DTLS 1.2 record header (RFC 6347 §4.1): type, version, epoch, 48-bit sequence number, length. */
const RECORD_HEADER_12 = 13;

/** The most application data one `send()` carries in DTLS 1.2: one record in one datagram of `mtu` bytes, after the header, the explicit nonce and the tag. */
export function maxMessageSize12(mtu: number, suite: Dtls12CipherSuite): number {
  const s = DTLS12_CIPHER_SUITES[suite];
  return Math.min(MAX_RECORD_PLAINTEXT, mtu - RECORD_HEADER_12 - s.recordIvLength - s.tagLength);
}
