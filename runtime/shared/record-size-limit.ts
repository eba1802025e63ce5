import { ConfigError, integerOption } from '../config-error.js';
import { ProtocolError } from '../handshake/protocol-error.js';

/**
 * record_size_limit (RFC 8449) as TLS 1.3 means it: the largest DTLSInnerPlaintext a protected record to the advertising
 * side may carry (plaintext records are not subject to it). A protected record above ours is record_overflow: RFC 8449
 * §4 lets DTLS drop it, but an authenticated oversize record is the peer's bug or malice, not noise. A server answers
 * every client that advertises (2^14 + 1: no limit), so the client knows its limit is respected.
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
 * The limit a peer advertised, as we apply it (RFC 8449 §4): below 64 is illegal_parameter; above 2^14+1 a server
 * takes it as the maximum (a future extension), a client refuses it.
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

/** The most record numbers an ACK may list within `limit` (2-byte list length, 16 bytes each, the type byte). */
export function ackEntriesWithin(limit: number): number {
  return Math.floor((limit - 1 - 2) / 16);
}
