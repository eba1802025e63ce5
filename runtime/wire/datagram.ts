import { readDtlsCiphertextHeader, writeDtlsCiphertextHeader, type DtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { readDtlsPlaintext, writeDtlsPlaintext, type DtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { contentTypeToNumber } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { Reader } from './reader.js';
import { scratchWriter } from './scratch.js';

/** One record of a datagram: unprotected, or protected behind the unified header. */
export type DtlsRecord =
  | { readonly kind: 'plaintext'; readonly record: DtlsPlaintext }
  | { readonly kind: 'ciphertext'; readonly header: DtlsCiphertextHeader; readonly encryptedRecord: Uint8Array };

/** Options for {@link decodeDatagram} and {@link encodeDatagram}. */
export interface DecodeDatagramOptions {
  /** Length of the connection ID this endpoint receives (RFC 9146); 0 (default) when none was negotiated. */
  readonly cidLength?: number;
}

/** Content types that mark a DTLSPlaintext record (RFC 9147 §4.1). */
const PLAINTEXT_TYPES = new Set([21, 22, 26]);

/**
 * Splits a datagram into its records and decodes their headers (RFC 9147
 * §4.1): a first byte of alert, handshake or ack starts a DTLSPlaintext; a
 * first byte 001xxxxx starts a DTLSCiphertext, whose encrypted record is
 * `length` bytes long or, without a length, the rest of the datagram.
 * Encrypted records and fragments are views into `datagram`.
 *
 * @throws DecodeError naming the record (`Datagram.records[1].len_fragment`) and offset;
 *   ConfigError for a `cidLength` that is not an integer in 0..255.
 */
export function decodeDatagram(datagram: Uint8Array, options: DecodeDatagramOptions = {}): DtlsRecord[] {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const r = new Reader(datagram, 'Datagram');
  const records: DtlsRecord[] = [];
  r.enter('records');
  for (let i = 0; r.pos < r.end; i++) {
    r.enter(i);
    const first = datagram[r.pos]!;
    if (PLAINTEXT_TYPES.has(first)) {
      records.push({ kind: 'plaintext', record: readDtlsPlaintext(r) });
    } else if ((first & 0xe0) === 0x20) {
      const header = readDtlsCiphertextHeader(r, cidLength);
      const encryptedRecord = header.length === undefined ? r.rest() : r.bytes(header.length, 'encrypted_record');
      records.push({ kind: 'ciphertext', header, encryptedRecord });
    } else {
      throw r.error('type', `first byte 0x${first.toString(16).padStart(2, '0')} is neither alert, handshake or ack nor a unified header (001xxxxx)`);
    }
    r.leave();
  }
  return records;
}

/**
 * Encodes records into one datagram. DTLSPlaintext records carry alert,
 * handshake or ack; a DTLSCiphertext whose header has no length must be the
 * last record, one with a length must carry exactly that many encrypted
 * bytes, and connection IDs must be `cidLength` long.
 *
 * @throws EncodeError naming the record and field.
 */
export function encodeDatagram(records: readonly DtlsRecord[], options: DecodeDatagramOptions = {}): Uint8Array {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const w = scratchWriter('Datagram');
  w.enter('records');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    w.enter(i);
    if (rec.kind === 'plaintext') {
      if (!PLAINTEXT_TYPES.has(contentTypeToNumber(rec.record.type))) {
        throw w.error('type', `a DTLSPlaintext record carries alert, handshake or ack, not ${String(rec.record.type)} (RFC 9147 §4.1)`);
      }
      writeDtlsPlaintext(w, rec.record);
    }
    else {
      const len = rec.header.length;
      if (len === undefined && i !== records.length - 1) throw w.error('length', 'only the last record of a datagram may omit its length');
      if (len !== undefined && len !== rec.encryptedRecord.length) {
        throw w.error('length', `is ${len}, but the encrypted record has ${rec.encryptedRecord.length} bytes`);
      }
      writeDtlsCiphertextHeader(w, rec.header, cidLength);
      w.bytes(rec.encryptedRecord);
    }
    w.leave();
  }
  return w.finish().slice();
}
