/** DTLS 1.3's record codec (RFC 9147 §4): unified headers read in place and written. Peer input never throws here. */
import type { RecordCodec } from './record-codec.js';

/** The largest DTLSCiphertext.encrypted_record (RFC 8446 §5.2: 2^14 + 256). */
export const MAX_CIPHERTEXT_13 = 16384 + 256;

/** One unified header's fields, read in place by {@link readHeader13}: one object reused per reader. */
export class Header13 {
  at = 0;
  epochBits = 0;
  /** Whether the header carries a CID (the C bit); it starts at `at + 1`, {@link cidLength} bytes. */
  hasCid = false;
  /** The CID's length: the length the connection's CIDs have when {@link hasCid}, else 0. */
  cidLength = 0;
  /** Whether the sequence number field is 16 bits (the S bit), else 8; it follows the CID. */
  seq16 = false;
  /** Whether the header carries the record's length (the L bit); without, the record ends its datagram. */
  hasLength = false;
  /** The header's length (flags, CID, sequence number, length when present). */
  headerLength = 0;
  /** The encrypted record's length: the header's length field, or the rest of the datagram without one. */
  length = 0;
  end = 0;
  /** Once the record opened (read-state13.ts): its full epoch, sequence number and DTLSInnerPlaintext content type. */
  epoch = 0;
  sequenceNumber = 0;
  contentType = 0;
}

/** Reads the unified header at `d[at..]` into `h`; false when it does not frame. */
export function readHeader13(d: Uint8Array, at: number, cidLength: number, h: Header13): boolean {
  const b0 = d[at]!;
  if ((b0 & 0xe0) !== 0x20) return false;
  const hasCid = (b0 & 0x10) !== 0;
  const seq16 = (b0 & 0x08) !== 0;
  const hasLength = (b0 & 0x04) !== 0;
  const cid = hasCid ? cidLength : 0;
  const headerLength = 1 + cid + (seq16 ? 2 : 1) + (hasLength ? 2 : 0);
  if (at + headerLength > d.length) return false;
  let length: number;
  if (hasLength) {
    length = (d[at + headerLength - 2]! << 8) | d[at + headerLength - 1]!;
    if (length > MAX_CIPHERTEXT_13 || at + headerLength + length > d.length) return false;
  } else length = d.length - at - headerLength;
  h.at = at;
  h.epochBits = b0 & 3;
  h.hasCid = hasCid;
  h.cidLength = cid;
  h.seq16 = seq16;
  h.hasLength = hasLength;
  h.headerLength = headerLength;
  h.length = length;
  h.end = at + headerLength + length;
  return true;
}

/**
 * Writes the unified header of a record at the start of `out`: `h`'s epoch (its low bits), sequence number (its low
 * bits, in clear: the mask goes on when sealed), S and L bits and length, and `cid`; returns its length.
 */
export function writeHeader13(out: Uint8Array, h: Header13, cid: Uint8Array | undefined): number {
  const seq16 = h.seq16;
  const withLength = h.hasLength;
  const seq = h.sequenceNumber;
  const length = h.length;
  out[0] = 0x20 | (cid !== undefined ? 0x10 : 0) | (seq16 ? 0x08 : 0) | (withLength ? 0x04 : 0) | (h.epoch & 3);
  let at = 1;
  if (cid !== undefined) {
    out.set(cid, 1);
    at += cid.length;
  }
  if (seq16) out[at++] = (seq >>> 8) & 0xff;
  out[at++] = seq & 0xff;
  if (withLength) {
    out[at++] = (length >>> 8) & 0xff;
    out[at++] = length & 0xff;
  }
  return at;
}

/** DTLS 1.3's framing as a {@link RecordCodec}: unified headers, read and written in place. */
export const CODEC13: RecordCodec<Header13> = {
  version: 'DTLSv1.3',
  newHeader: () => new Header13(),
  read: readHeader13,
  write: writeHeader13,
};
