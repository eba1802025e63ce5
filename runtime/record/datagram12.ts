/** A DTLS 1.2 datagram split into its records (RFC 6347 §4.1, RFC 9146 §4): the strict form for tools and tests. */
import {
  readDtls12CidRecord,
  writeDtls12CidRecord,
  type Dtls12CidRecord,
} from '../../generated/wire/dtls12-cid-record.js';
import { readDtls12Record, writeDtls12Record, type Dtls12Record } from '../../generated/wire/dtls12-record.js';
import { contentTypeToNumber } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { Reader } from '../wire/reader.js';
import { scratchWriter } from '../wire/scratch.js';

/** A record as it stands on the wire: plain 1.2 framing, or the CID framing of RFC 9146. */
export type Dtls12WireRecord =
  | { readonly kind: 'record'; readonly record: Dtls12Record }
  | { readonly kind: 'cid'; readonly record: Dtls12CidRecord };

/** The content types a DTLS 1.2 record header may carry (RFC 5246 §6.2.1, RFC 9146 §4); heartbeat (RFC 6520) is not supported. */
export const DTLS12_CONTENT_TYPES: ReadonlySet<number> = new Set([20, 21, 22, 23, 25]);
/** RFC 9146's content type of a record with a connection ID. */
export const TLS12_CID = 25;

export interface Datagram12Options {
  /** Length of the CID this endpoint receives (RFC 9146 §3); 0 (default): none negotiated, so a tls12_cid record is malformed. */
  readonly cidLength?: number;
}

/** Splits `datagram` into records (views). @throws DecodeError naming the record; ConfigError for a bad `cidLength`. */
export function decodeDatagram12(datagram: Uint8Array, options: Datagram12Options = {}): Dtls12WireRecord[] {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const r = new Reader(datagram, 'Datagram12');
  const out: Dtls12WireRecord[] = [];
  r.enter('records');
  for (let i = 0; r.pos < r.end; i++) {
    r.enter(i);
    const first = datagram[r.pos]!;
    if (!DTLS12_CONTENT_TYPES.has(first))
      throw r.error('type', `${first} is not a DTLS 1.2 content type (20..23, or 25 with a connection ID)`);
    if (first === TLS12_CID) {
      if (cidLength === 0)
        throw r.error('type', 'a tls12_cid record, but no connection ID was negotiated for receiving (RFC 9146 §4)');
      out.push({ kind: 'cid', record: readDtls12CidRecord(r, cidLength) });
    } else {
      out.push({ kind: 'record', record: readDtls12Record(r) });
    }
    r.leave();
  }
  return out;
}

/** Encodes records into one datagram; CIDs must be `cidLength` long. @throws EncodeError naming the record and field. */
export function encodeDatagram12(records: readonly Dtls12WireRecord[], options: Datagram12Options = {}): Uint8Array {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const w = scratchWriter('Datagram12');
  w.enter('records');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    w.enter(i);
    if (rec.kind === 'cid') {
      writeDtls12CidRecord(w, rec.record, cidLength);
    } else {
      const type = contentTypeToNumber(rec.record.type);
      if (!DTLS12_CONTENT_TYPES.has(type) || type === TLS12_CID)
        throw w.error('type', `${String(rec.record.type)} is not a content type of a DTLS 1.2 record without CID`);
      writeDtls12Record(w, rec.record);
    }
    w.leave();
  }
  return w.finish().slice();
}
