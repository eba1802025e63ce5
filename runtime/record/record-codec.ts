/**
 * What a version's record codec offers the record loops (issue 57 step 3): a record's header read in place, at any
 * offset of a datagram, into one header object the reader reuses. DTLS 1.3's is codec13.ts (unified headers), DTLS
 * 1.2's codec12.ts (the 13-byte header, or the tls12_cid one).
 */

/** Where a record read by a {@link RecordCodec} starts and ends in its datagram; each codec's header adds its fields. */
export interface RecordHeader {
  at: number;
  end: number;
}

/** A version's record framing. */
export interface RecordCodec<H extends RecordHeader> {
  readonly version: 'DTLSv1.3' | 'DTLSv1.2';
  /** A header object for {@link read} to fill (one per reader, reused for every record). */
  newHeader(): H;
  /**
   * Reads the header of the record at `d[at..]` into `h`, CIDs in records to us being `cidLength` bytes long (0: none
   * negotiated); false, `h` untouched, when it does not frame in this version.
   */
  read(d: Uint8Array, at: number, cidLength: number, h: H): boolean;
}

/**
 * Where the first `count` records of `d` end when all of `d` is whole records of `codec` (undefined when it is not),
 * without opening them: a datagram taken whole or not at all (DTLS 1.2's rule, RFC 6347 §4.1.2.7).
 */
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
