/** The DTLS 1.2 record header codec (RFC 6347 §4.1, RFC 9146 §4): the 13-byte and tls12_cid headers, read and written in place. */
import type { HandshakeType } from '../../generated/wire/enums.js';
import { encodeFragmentView } from '../handshake/fragmenter.js';
import { DTLS12_CONTENT_TYPES, TLS12_CID } from './datagram12.js';
import type { RecordCodec } from './record-codec.js';

/** The header of a record without a CID: type, version, epoch, 48-bit sequence number, length. */
export const HEADER12 = 13;
/** The largest fragment of a 1.2 record (RFC 5246 §6.2.3: 2^14 + 2048), as the record schemas bound it. */
export const MAX_FRAGMENT_12 = 18432;

/** Content types (RFC 5246 §6.2.1). */
export const CHANGE_CIPHER_SPEC = 20;
export const ALERT = 21;
export const HANDSHAKE = 22;
export const APPLICATION_DATA = 23;

/** DTLS 1.2's record version (RFC 6347 §4.1). */
export const DTLS12_VERSION = 0xfefd;
/** The largest plaintext fragment (RFC 5246 §6.2.1), and the largest DTLSInnerPlaintext (RFC 9146 §5). */
export const MAX_PLAINTEXT_12 = 16384;

/** Writes epoch (16 bits) and sequence number (48 bits) big-endian at `at`: the 64-bit seq_num of RFC 6347 §4.1.2.1. */
export function putSeqNum(out: Uint8Array, at: number, epoch: number, sequenceNumber: number): void {
  out[at] = epoch >>> 8;
  out[at + 1] = epoch & 0xff;
  const hi = Math.floor(sequenceNumber / 0x100000000);
  out[at + 2] = hi >>> 8;
  out[at + 3] = hi & 0xff;
  const lo = sequenceNumber >>> 0;
  out[at + 4] = lo >>> 24;
  out[at + 5] = (lo >>> 16) & 0xff;
  out[at + 6] = (lo >>> 8) & 0xff;
  out[at + 7] = lo & 0xff;
}

/**
 * Writes the header `h` describes at the start of `out` (codec12's write half): its type (25 for a tls12_cid record),
 * version 1.2, epoch, sequence number, `cid` if any, and fragment length; returns its length.
 */
export function writeHeader12(out: Uint8Array, h: Header12, cid: Uint8Array | undefined): number {
  const headerLength = HEADER12 + (cid?.length ?? 0);
  const fragmentLength = h.fragmentLength;
  out[0] = h.type;
  out[1] = DTLS12_VERSION >>> 8;
  out[2] = DTLS12_VERSION & 0xff;
  putSeqNum(out, 3, h.epoch, h.sequenceNumber);
  if (cid !== undefined) out.set(cid, 11);
  out[headerLength - 2] = fragmentLength >>> 8;
  out[headerLength - 1] = fragmentLength & 0xff;
  return headerLength;
}

/**
 * An epoch-0 record (RFC 6347 §4.1; 1.3's DTLSPlaintext, RFC 9147 §4, is the same): its 13-byte header, then
 * `fragment`; `dtls10`: record version 0xfeff (a 1.3 client's initial ClientHello).
 */
export function plainRecord12(type: number, sequenceNumber: number, fragment: Uint8Array, dtls10 = false): Uint8Array {
  const out = new Uint8Array(HEADER12 + fragment.length);
  const h = written;
  h.type = type;
  h.epoch = 0;
  h.sequenceNumber = sequenceNumber;
  h.fragmentLength = fragment.length;
  writeHeader12(out, h, undefined);
  if (dtls10) out[2] = 0xff;
  out.set(fragment, HEADER12);
  return out;
}

/**
 * A whole handshake message (fragment_offset 0) in one epoch-0 record numbered `recordSequence`, as a datagram: the
 * HelloVerifyRequest under the ClientHello's numbers (RFC 6347 §4.2.1), or a ClientHello a 1.3 state reassembled,
 * handed to the 1.2 state that reads it whole from one record (runtime/connection/hello-phase.ts).
 */
export function handshakeRecord12(
  msgType: HandshakeType,
  body: Uint8Array,
  messageSeq: number,
  recordSequence: number,
): Uint8Array {
  const message = { msgType, length: body.length, messageSeq, fragmentOffset: 0, fragment: body };
  return plainRecord12(HANDSHAKE, recordSequence, encodeFragmentView(message));
}

/** One record's header fields, read in place by {@link readHeader12}: one object reused per reader. */
export class Header12 {
  at = 0;
  /** The header's content type (25 for a tls12_cid record). */
  type = 0;
  /** The real content type: the header's, or once a tls12_cid record opened, its DTLSInnerPlaintext's. */
  contentType = 0;
  version = 0;
  epoch = 0;
  sequenceNumber = 0;
  /** The CID's length (0 but for a tls12_cid record); it starts at `at + 11`. */
  cidLength = 0;
  fragmentAt = 0;
  fragmentLength = 0;
  end = 0;
}

/** The header of the record being written here (writing is synchronous: one object serves every record). */
const written = new Header12();

/** Reads the header at `d[at..]` into `h`; false when it does not frame (the record schemas' checks). */
export function readHeader12(d: Uint8Array, at: number, cidLength: number, h: Header12): boolean {
  const type = d[at]!;
  if (!DTLS12_CONTENT_TYPES.has(type) || (type === TLS12_CID && cidLength === 0)) return false;
  const cid = type === TLS12_CID ? cidLength : 0;
  const fragmentAt = at + HEADER12 + cid;
  if (fragmentAt > d.length) return false;
  const length = (d[fragmentAt - 2]! << 8) | d[fragmentAt - 1]!;
  if (length > MAX_FRAGMENT_12 || fragmentAt + length > d.length) return false;
  h.at = at;
  h.type = h.contentType = type;
  h.version = (d[at + 1]! << 8) | d[at + 2]!;
  h.epoch = (d[at + 3]! << 8) | d[at + 4]!;
  h.sequenceNumber =
    ((d[at + 5]! << 8) | d[at + 6]!) * 0x100000000 +
    (((d[at + 7]! << 24) | (d[at + 8]! << 16) | (d[at + 9]! << 8) | d[at + 10]!) >>> 0);
  h.cidLength = cid;
  h.fragmentAt = fragmentAt;
  h.fragmentLength = length;
  h.end = fragmentAt + length;
  return true;
}

/** DTLS 1.2's framing as a {@link RecordCodec}: the 13-byte header, or the tls12_cid one, read and written in place. */
export const CODEC12: RecordCodec<Header12> = {
  version: 'DTLSv1.2',
  newHeader: () => new Header12(),
  read: readHeader12,
  write: writeHeader12,
};
