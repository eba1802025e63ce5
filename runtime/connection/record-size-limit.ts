import { ConfigError, integerOption } from '../config-error.js';
import { ProtocolError } from '../handshake/protocol-error.js';

/**
 * record_size_limit (RFC 8449) with TLS 1.3's meaning (RFC 8446 §5.4, RFC 9147 §4): the largest DTLSInnerPlaintext
 * (content, content type byte and padding) a protected record sent to the advertising side may carry.
 *
 * - What the peer advertises limits what we send: handshake fragments, application records and their padding, ACKs.
 *   Plaintext records (the hellos) are not subject to it.
 * - Our `recordSizeLimit` option is what we advertise; once the peer has seen it (the client's in ClientHello, the
 *   server's answer in EncryptedExtensions), a protected record above it ends the connection with record_overflow (RFC
 *   8449 §4 lets DTLS drop it instead; an authenticated oversize record is the peer's bug or malice, not noise).
 * - A client advertises only when configured. A server answers every client that advertises (its option, or 2^14 + 1
 *   for no limit), so the client knows its limit is respected.
 * - The MTU is separate (RFC 8449 §4): records are cut to fit both.
 */

/** The protocol maximum in TLS 1.3 / DTLS 1.3: 2^14 bytes of content plus the content type byte. */
export const MAX_RECORD_SIZE_LIMIT = 2 ** 14 + 1;
/** The smallest value an endpoint may advertise (RFC 8449 §4). */
export const MIN_RECORD_SIZE_LIMIT = 64;

/** The `recordSizeLimit` option, checked: an integer in 64..2^14+1, or undefined. */
export function recordSizeLimitOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw new ConfigError(
      'recordSizeLimit',
      `must be an integer in ${MIN_RECORD_SIZE_LIMIT}..${MAX_RECORD_SIZE_LIMIT}`,
    );
  return integerOption('recordSizeLimit', value, MIN_RECORD_SIZE_LIMIT, MAX_RECORD_SIZE_LIMIT);
}

/**
 * The limit a peer advertised, as we apply it. Below 64 is illegal_parameter on both sides. Above 2^14+1: a server must
 * not refuse it (a client may speak a future extension) and sends at most the protocol maximum; a client may refuse it,
 * and does, with illegal_parameter (RFC 8449 §4).
 */
export function peerRecordSizeLimit(advertised: number, from: 'client' | 'server'): number {
  if (advertised < MIN_RECORD_SIZE_LIMIT)
    throw new ProtocolError(
      'illegal_parameter',
      `record_size_limit of ${advertised} is below ${MIN_RECORD_SIZE_LIMIT} (RFC 8449 §4)`,
    );
  if (advertised > MAX_RECORD_SIZE_LIMIT) {
    if (from === 'server')
      throw new ProtocolError(
        'illegal_parameter',
        `the server's record_size_limit of ${advertised} is above DTLS 1.3's ${MAX_RECORD_SIZE_LIMIT} (RFC 8449 §4)`,
      );
    return MAX_RECORD_SIZE_LIMIT;
  }
  return advertised;
}

/** The most record numbers an ACK may list so that its record fits `limit` (2-byte list length, 16 bytes each, the type byte). */
export function ackEntriesWithin(limit: number): number {
  return Math.floor((limit - 1 - 2) / 16);
}
