/**
 * What the one record writer (record-writer.ts) asks of a version: how a protected record of it is laid out (header
 * form, inner plaintext, room for the tag) under one of its write epochs' ciphers. DTLS 1.3's is write-form13.ts (the
 * unified header), DTLS 1.2's write-form12.ts (the 13-byte and tls12_cid headers); the writer holds one as a field.
 */
import type { RecordProtection } from '../crypto/provider.js';
import type { PaddingPolicy } from './inner-plaintext.js';
import type { AeadLimits } from './limits.js';

/**
 * What seals staged records, either version's: 1.3's RecordProtection (crypto/provider.ts), or 1.2's EpochCipher12
 * (epoch-cipher12.ts); `sealRecords`, a run in one call, where the keys have it (1.2's: the addon's keys only).
 */
export type StagedProtection = Pick<RecordProtection, 'sealRecord'> & {
  readonly sealRecords?: RecordProtection['sealRecords'] | undefined;
};

/** One write epoch's cipher as the writer drives it: its number, usage against its limits, what seals its records. */
export interface WriteCipher {
  readonly epoch: number;
  readonly limits: AeadLimits;
  /** Records numbered under this key (the confidentiality limit's count, RFC 9147 §4.5.3). */
  used: number;
  readonly protection: StagedProtection;
  park(): void;
  release(): void;
}

/** How our protected records look beyond their epoch: what the writer keeps and a form reads (1.2's CID is its cipher's). */
export interface RecordShape {
  /** The CID our records carry (the peer's), or undefined. */
  cid: Uint8Array | undefined;
  /** Padding of the inner plaintext (undefined: none). */
  readonly padding: PaddingPolicy | undefined;
  /** A 16-bit sequence number in the header, else 8 (1.3's unified header). */
  readonly seq16: boolean;
  /** Whether the header carries the record's length (1.3's unified header). */
  readonly withLength: boolean;
  /** The peer's record_size_limit (RFC 8449): the largest inner plaintext it takes, once negotiated. */
  sendInnerLimit: number | undefined;
}

/** Where a laid-out record's parts are, for its cipher's `sealRecord` (what a form leaves of the record it laid out). */
export interface LaidRecord {
  headerLength: number;
  plaintextLength: number;
  /** Where the header's sequence number starts, and its bytes (1.3 masks it; 1.2 reads none of these). */
  snOffset: number;
  snBytes: 1 | 2;
}

export interface WriteForm<K extends WriteCipher> {
  /**
   * The record of `content` (content type `type`) under `cipher`, numbered `seq`: header written, content in place,
   * room for the tag, in a view carved from the outgoing slab (wire/slab.ts); its layout left in {@link laid}.
   * @throws when `content` does not fit a record of this version and `shape` (as {@link check}).
   */
  layOut(cipher: K, seq: number, type: number, content: Uint8Array, shape: RecordShape): Uint8Array;
  /**
   * Where the parts of the record {@link layOut} laid out last are, read at once by the writer: laying out is
   * synchronous, so the form's one object serves every record of every writer (none made per record or connection).
   */
  readonly laid: LaidRecord;
  /** Throws, naming the limit, when `length` bytes of content do not fit one record. */
  check(cipher: K, type: number, length: number, shape: RecordShape): void;
  /** Bytes a protected record adds to its content under `cipher` (undefined: the form's largest). */
  overhead(cipher: K | undefined, shape: RecordShape): number;
  /** The bytes of the record `length` bytes of content of the type numbered `type` make under `cipher`. */
  length(cipher: K, type: number, length: number, shape: RecordShape): number;
}
