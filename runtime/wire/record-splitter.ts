import { readDtlsCiphertextHeader, type DtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { readDtlsPlaintext, type DtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { DecodeError } from './errors.js';
import type { Reader } from './reader.js';

/** The one place a datagram is split into records (RFC 9147 §4.1): `decodeDatagram` and the record layer use it. */

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

/** Reads the record at `r.pos` (views), or undefined when no record starts there. @throws DecodeError. */
export function readRecord(r: Reader, cidLength: number): DtlsRecord | undefined {
  const first = r.buf[r.pos]!;
  if (startsPlaintext(first)) return { kind: 'plaintext', record: readDtlsPlaintext(r) };
  if (!startsCiphertext(first)) return undefined;
  const header = readDtlsCiphertextHeader(r, cidLength);
  const encryptedRecord = header.length === undefined ? r.rest() : r.bytes(header.length, 'encrypted_record');
  return { kind: 'ciphertext', header, encryptedRecord };
}

/** True when `e` is a record length above its maximum (2^14, or 2^14 + 256 for ciphertext) rather than a truncation. */
export function isLengthAboveMaximum(e: unknown): boolean {
  return e instanceof DecodeError && e.reason.includes('above the maximum');
}
