/**
 * The one record loop (issue 57 step 3): both versions' connections hand a datagram to {@link readRecords} with their
 * version's read side (its codec and read state: read-state13.ts, read-state12.ts). For each record: its header read in place (codec13.ts or codec12.ts), then opened
 * by the read state (read-state13.ts or read-state12.ts: the epoch resolved, the sequence number, the nonce and
 * additional data, the replay window checked and moved, the opening call), then handed to the connection's sink, which
 * applies its record rule. There is no array of records per datagram and no second road for application data: the
 * application data of a one-record datagram takes this loop like every other record, in both versions.
 *
 * What is dropped is counted by reason (`DropReason`, drops.ts) through the version's `drop`; nothing a peer sends
 * throws here. The per-datagram bounds stay: at most `maxRecords` records are read (the rest counted once as
 * `records-per-datagram`), and the failure budgets sit in the read states.
 */
import type { DropReason } from './drops.js';
import { framed, HELD, type RecordCodec, type RecordHeader, type RecordReadState } from './record-codec.js';

/** Where a connection takes the records the loop opened. */
export interface RecordSink<H extends RecordHeader> {
  /**
   * An opened record of datagram `d`: `content`, its epoch, sequence number and content type in `h` (reused: read what
   * is needed before returning). False once the connection has ended: the loop stops.
   */
  take(d: Uint8Array, h: H, content: Uint8Array): boolean;
  /** A record its read state answered {@link HELD} for (waiting for its epoch's keys): the sink keeps a copy or not. */
  held(d: Uint8Array, h: H): void;
}

/** What {@link LoopVersion.unframed} answers when it read the record's header into the loop's header object: open it. */
export const OPEN_UNFRAMED = -2;

/** What the loop needs of a version: its codec, and its read state's `open` (the version's read side is both). */
export interface LoopVersion<H extends RecordHeader> extends RecordReadState<H> {
  readonly codec: RecordCodec<H>;
  /** The length of the CIDs on records to us now (0: none); read per record (a DTLS 1.2 ServerHello may set it). */
  readonly cidLength: number;
  /**
   * A datagram is taken whole or not at all (DTLS 1.2 once the hellos settled, RFC 6347 §4.1.2.7): unless its first
   * record is all of it, all of it must frame, or it is dropped as `malformed` before any record is read.
   */
  readonly wholeDatagrams: boolean;
  /** Counts a record dropped, by reason. */
  drop(reason: DropReason): void;
  /** A drop that ends the datagram (DTLS 1.3: a CID not ours; the records after it are not ours to parse either). */
  readonly endsDatagram: DropReason | undefined;
  /**
   * The record at `d[at..]` that the codec does not frame, handled another way (DTLS 1.3: the generic decoder, with its
   * drop reasons): where it ends, {@link OPEN_UNFRAMED} when it read the record's header into `h`, or -1 when
   * the rest of the datagram goes (counted there).
   */
  unframed(d: Uint8Array, at: number, now: number, sink: RecordSink<H>, h: H): number;
}

/**
 * Reads the records of `d` at `now` in order into `sink`, `h` the one header object reused for each, at most
 * `maxRecords` of them: each header read in place, opened by the version's read state, then handed on, held or
 * dropped by reason.
 */
export function readRecords<H extends RecordHeader>(
  v: LoopVersion<H>,
  d: Uint8Array,
  h: H,
  now: number,
  maxRecords: number,
  sink: RecordSink<H>,
): void {
  const codec = v.codec;
  // Whether `h` already holds the first record's header: a datagram that is one record, read by the check below.
  let first = false;
  if (v.wholeDatagrams) {
    first = codec.read(d, 0, v.cidLength, h) && h.end === d.length;
    if (!first && framed(codec, d, v.cidLength, -1, h) === undefined) return v.drop('malformed');
  }
  for (let n = 0, at = 0; at < d.length; n++) {
    if (n === maxRecords) return v.drop('records-per-datagram');
    if (first) first = false;
    else if (!codec.read(d, at, v.cidLength, h)) {
      const next = v.unframed(d, at, now, sink, h);
      if (next === -1) return;
      if (next !== OPEN_UNFRAMED) {
        at = next;
        continue;
      }
    }
    at = h.end;
    const content = v.open(d, h, now);
    if (typeof content !== 'string') {
      if (!sink.take(d, h, content)) return;
    } else if (content === HELD) sink.held(d, h);
    else {
      v.drop(content);
      if (content === v.endsDatagram) {
        if (at < d.length) v.drop('datagram-remainder');
        return;
      }
    }
  }
}
