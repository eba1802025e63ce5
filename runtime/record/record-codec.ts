/** A version's record codec: a record's header read in place into one reused object, and written in place from one. */
import type { DropReason } from './drops.js';

/** Where a record read by a {@link RecordCodec} starts and ends in its datagram; each codec's header adds its fields. */
export interface RecordHeader {
  at: number;
  end: number;
}

/** What a {@link RecordReadState} answers for a record it holds (or has the caller keep) until its epoch's keys arrive. */
export const HELD = 'held';

/** A version's read side: a record whose header its codec read, opened: its content, {@link HELD}, or why dropped. */
export interface RecordReadState<H extends RecordHeader> {
  open(d: Uint8Array, h: H, now: number): Uint8Array | DropReason | typeof HELD;
}

export interface RecordCodec<H extends RecordHeader> {
  readonly version: 'DTLSv1.3' | 'DTLSv1.2';
  /** A header object for {@link read} to fill (one per reader, reused for every record). */
  newHeader(): H;
  /** Reads the header at `d[at..]` into `h` (our CIDs `cidLength` bytes); false, `h` untouched, when it does not frame. */
  read(d: Uint8Array, at: number, cidLength: number, h: H): boolean;
  /** Writes the header `h` describes at the start of `out`, carrying `cid` (undefined: none); returns its length. */
  write(out: Uint8Array, h: H, cid: Uint8Array | undefined): number;
}

/** Where the first `count` records of `d` end when all of `d` is whole `codec` records, unopened (RFC 6347 §4.1.2.7). */
export function framed<H extends RecordHeader>(
  codec: RecordCodec<H>,
  d: Uint8Array,
  cidLength: number,
  count: number,
  h: H,
): number | undefined {
  let end = d.length;
  for (let n = 0, at = 0; at < d.length; n++) {
    if (n === count) end = at;
    if (!codec.read(d, at, cidLength, h)) return undefined;
    at = h.end;
  }
  return end;
}
