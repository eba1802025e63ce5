/**
 * DTLS 1.3's write form (RFC 9147 §4): a DTLSCiphertext with the unified header (codec13.ts's write half) around a
 * DTLSInnerPlaintext of content, content type and padding, padded at least to what the sequence number mask samples.
 */
import { allocate } from '../wire/slab.js';
import type { EpochCipher } from './epoch-cipher.js';
import { Header13, writeHeader13 } from './codec13.js';
import { RecordLayerError } from './record-writer.js';
import type { LaidRecord, RecordShape, WriteForm } from './write-form.js';

/** Largest DTLSInnerPlaintext content (RFC 8446 §5.1). */
export const MAX_PLAINTEXT = 16384;
/** Largest DTLSInnerPlaintext a record may carry here: content, type, and up to 255 + 16 bytes of padding. */
const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1 + 255 + 16;

/** Padding for `length` content bytes: the policy's, at least what the mask's sample needs, within the peer's limit. */
function paddingFor(length: number, type: number, tag: number, shape: RecordShape): number {
  const limit = shape.sendInnerLimit;
  if (length > MAX_PLAINTEXT || (limit !== undefined && length > limit - 1)) {
    throw new RecordLayerError(
      limit === undefined
        ? `record content of ${length} bytes exceeds 2^14`
        : `record content of ${length} bytes exceeds the peer's record_size_limit (${limit} bytes with the content type)`,
    );
  }
  const policy = shape.padding;
  const wanted = policy === undefined ? 0 : policy(length, type);
  const allowed = limit === undefined ? wanted : Math.min(wanted, limit - length - 1);
  const padding = Math.max(allowed, 16 - tag - length - 1, 0);
  if (length + 1 + padding > MAX_INNER_PLAINTEXT)
    throw new RecordLayerError(`padding of ${padding} bytes does not fit a record`);
  return padding;
}

/**
 * DTLS 1.3's records, as the one writer lays them out. One form serves every writer: laying out is synchronous, so its
 * header scratch and its `laid` are written and read before the next record is.
 */
class WriteForm13 implements WriteForm<EpochCipher> {
  /** Where the record laid out last has its parts. */
  readonly laid: LaidRecord = { headerLength: 0, plaintextLength: 0, snOffset: 0, snBytes: 2 };
  /** The header of the record being laid out. */
  private readonly header = new Header13();

  layOut(cipher: EpochCipher, seq: number, type: number, content: Uint8Array, shape: RecordShape): Uint8Array {
    const tag = cipher.suite.tagLength;
    const innerLength = content.length + 1 + paddingFor(content.length, type, tag, shape);
    const { seq16, withLength, cid } = shape;
    const headerLength = 1 + (cid?.length ?? 0) + (seq16 ? 2 : 1) + (withLength ? 2 : 0); // the unified header
    // Header, then the DTLSInnerPlaintext, sealed in place: the content is copied once, into the record itself.
    const record = allocate(headerLength + innerLength + tag);
    const h = this.header;
    h.epoch = cipher.epoch;
    h.sequenceNumber = seq;
    h.seq16 = seq16;
    h.hasLength = withLength;
    h.length = innerLength + tag;
    writeHeader13(record, h, cid);
    record.set(content, headerLength);
    record[headerLength + content.length] = type;
    const padFrom = headerLength + content.length + 1;
    if (padFrom < headerLength + innerLength) record.fill(0, padFrom, headerLength + innerLength); // padding, if any
    const out = this.laid;
    out.headerLength = headerLength;
    out.plaintextLength = innerLength;
    out.snOffset = 1 + (cid?.length ?? 0);
    out.snBytes = seq16 ? 2 : 1;
    return record;
  }

  check(cipher: EpochCipher, type: number, length: number, shape: RecordShape): void {
    paddingFor(length, type, cipher.suite.tagLength, shape);
  }

  length(cipher: EpochCipher, type: number, length: number, shape: RecordShape): number {
    const tag = cipher.suite.tagLength;
    const header = 1 + (shape.cid?.length ?? 0) + (shape.seq16 ? 2 : 1) + (shape.withLength ? 2 : 0);
    return header + length + 1 + paddingFor(length, type, tag, shape) + tag;
  }

  /** Unified header with CID, 16-bit sequence number and length; the content type; the tag. */
  overhead(cipher: EpochCipher | undefined, shape: RecordShape): number {
    return 1 + (shape.cid?.length ?? 0) + 2 + 2 + 1 + (cipher?.suite.tagLength ?? 16);
  }
}

export const WRITE13: WriteForm<EpochCipher> = new WriteForm13();
