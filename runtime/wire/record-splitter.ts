import { readDtlsCiphertextHeader, type DtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { readDtlsPlaintext, type DtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { DecodeError } from './errors.js';
import type { Reader } from './reader.js';

/**
 * The one place a datagram is split into records (RFC 9147 §4, §4.1): `decodeDatagram` and the record layer both step
 * through a datagram with {@link readRecord}.
 */

/** One record of a datagram: unprotected, or protected behind the unified header. */
export type DtlsRecord =
  | { readonly kind: 'plaintext'; readonly record: DtlsPlaintext }
  | { readonly kind: 'ciphertext'; readonly header: DtlsCiphertextHeader; readonly encryptedRecord: Uint8Array };

/** True for a first byte that starts a DTLSPlaintext: alert (21), handshake (22) or ack (26) (RFC 9147 §4.1). */
export function startsPlaintext(first: number): boolean {
  return first === 21 || first === 22 || first === 26;
}

/** True for a first byte that starts a unified header: 001xxxxx (RFC 9147 §4.1). */
export function startsCiphertext(first: number): boolean {
  return (first & 0xe0) === 0x20;
}

/**
 * Reads the record at `r.pos` (which must be before `r.end`): a DTLSPlaintext with its fragment, or a DTLSCiphertext's
 * unified header with its encrypted record — `length` bytes or, without a length, the rest up to `r.end`. Byte fields
 * are views into the reader's buffer. Returns undefined, without moving, when the first byte starts neither; then the
 * rest of the datagram cannot be split (RFC 9147 §4.1 demultiplexing).
 *
 * @param cidLength the length of the connection ID this endpoint receives (0 when none).
 * @throws DecodeError for a header cut short or a length above its maximum (see {@link isLengthAboveMaximum}).
 */
export function readRecord(r: Reader, cidLength: number): DtlsRecord | undefined {
  const first = r.buf[r.pos]!;
  if (startsPlaintext(first)) return { kind: 'plaintext', record: readDtlsPlaintext(r) };
  if (!startsCiphertext(first)) return undefined;
  const header = readDtlsCiphertextHeader(r, cidLength);
  const encryptedRecord = header.length === undefined ? r.rest() : r.bytes(header.length, 'encrypted_record');
  return { kind: 'ciphertext', header, encryptedRecord };
}

/** True when `e` is a record length above the maximum of RFC 8446 §5.1/§5.2 (2^14, or 2^14 + 256 for ciphertext), rather than a truncation. */
export function isLengthAboveMaximum(e: unknown): boolean {
  return e instanceof DecodeError && e.reason.includes('above the maximum');
}
