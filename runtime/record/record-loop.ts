/** The one record loop of both versions: headers read in place, records opened and handed to the connection's sink. */
import type { DropReason } from './drops.js';
import { framed, HELD, type RecordCodec, type RecordHeader, type RecordReadState } from './record-codec.js';

export interface RecordSink<H extends RecordHeader> {
  /** An opened record of `d`: epoch, sequence number and type in `h` (reused). False once the connection ended: stop. */
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
  /** A datagram is taken whole or not at all (DTLS 1.2 once the hellos settled, RFC 6347 §4.1.2.7). */
  readonly wholeDatagrams: boolean;
  drop(reason: DropReason): void;
  /** A drop that ends the datagram (DTLS 1.3: a CID not ours; the records after it are not ours to parse either). */
  readonly endsDatagram: DropReason | undefined;
  /** A record the codec does not frame: where it ends, {@link OPEN_UNFRAMED} (header in `h`), or -1. */
  unframed(d: Uint8Array, at: number, now: number, sink: RecordSink<H>, h: H): number;
}

/** Reads at most `maxRecords` records of `d` into `sink`, `h` reused for each: opened, held or dropped by reason. */
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
