/**
 * DTLS 1.2's write form (RFC 6347 §4.1, RFC 9146 §4): the 13-byte header, or the tls12_cid one with the peer's CID and
 * the real content type inside, around the explicit nonce, the content and the tag (epoch-cipher12.ts lays it out).
 */
import { HEADER12, MAX_PLAINTEXT_12 } from './codec12.js';
import type { EpochCipher12 } from './epoch-cipher12.js';
import { RecordLayerError } from './record-writer.js';
import type { LaidRecord, WriteForm } from './write-form.js';

function check(length: number): void {
  if (length > MAX_PLAINTEXT_12)
    throw new RecordLayerError(`a DTLS 1.2 record carries at most ${MAX_PLAINTEXT_12} bytes, got ${length}`);
}

/** The header, explicit nonce and tag; with a CID, the CID and the inner content type (RFC 9146 §4). */
function overhead(cipher: EpochCipher12 | undefined): number {
  if (cipher === undefined) return HEADER12;
  const s = cipher.suite;
  const cid = cipher.cidLength;
  return HEADER12 + s.recordIvLength + s.tagLength + (cid > 0 ? cid + 1 : 0);
}

/** Where the record laid out last has its parts (WRITE12's `laid`). */
const laid: LaidRecord = { headerLength: 0, plaintextLength: 0, snOffset: 0, snBytes: 2 };

/** DTLS 1.2's records, as the one writer lays them out: the CID and its padding are the epoch cipher's. */
export const WRITE12: WriteForm<EpochCipher12> = {
  laid,
  layOut(cipher, seq, type, content) {
    check(content.length);
    const record = cipher.layOut(type, seq, content);
    // 1.2's seal reads what it needs of the header from the record itself: no header length or sequence number bits.
    laid.headerLength = 0;
    laid.plaintextLength = cipher.laidPlaintext;
    laid.snOffset = 0;
    laid.snBytes = 2;
    return record;
  },
  check: (_cipher, _type, length) => check(length),
  overhead,
  // What a flight's records are cut by: a tls12_cid record's padding policy is not counted.
  length: (cipher, _type, length) => overhead(cipher) + length,
};
