import { writeDtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { writeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { contentTypeToNumber } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { Reader } from './reader.js';
import { readRecord, startsPlaintext, type DtlsRecord } from './record-splitter.js';
import { scratchWriter } from './scratch.js';

export type { DtlsRecord } from './record-splitter.js';

/** Options for {@link decodeDatagram} and {@link encodeDatagram}. */
export interface DecodeDatagramOptions {
  /** Length of the connection ID this endpoint receives (RFC 9146); 0 (default) when none was negotiated. */
  readonly cidLength?: number;
}

/** Splits a datagram into records and decodes their headers (RFC 9147 §4.1), strictly. @throws DecodeError. */
export function decodeDatagram(datagram: Uint8Array, options: DecodeDatagramOptions = {}): DtlsRecord[] {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const r = new Reader(datagram, 'Datagram');
  const records: DtlsRecord[] = [];
  r.enter('records');
  for (let i = 0; r.pos < r.end; i++) {
    r.enter(i);
    const record = readRecord(r, cidLength);
    if (record === undefined) {
      const first = datagram[r.pos]!;
      throw r.error(
        'type',
        `first byte 0x${first.toString(16).padStart(2, '0')} is neither alert, handshake or ack nor a unified header (001xxxxx)`,
      );
    }
    records.push(record);
    r.leave();
  }
  return records;
}

/** Encodes records into one datagram. @throws EncodeError naming the record and field. */
export function encodeDatagram(records: readonly DtlsRecord[], options: DecodeDatagramOptions = {}): Uint8Array {
  const cidLength = integerOption('cidLength', options.cidLength ?? 0, 0, 255);
  const w = scratchWriter('Datagram');
  w.enter('records');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i]!;
    w.enter(i);
    if (rec.kind === 'plaintext') {
      if (!startsPlaintext(contentTypeToNumber(rec.record.type))) {
        throw w.error(
          'type',
          `a DTLSPlaintext record carries alert, handshake or ack, not ${String(rec.record.type)} (RFC 9147 §4.1)`,
        );
      }
      writeDtlsPlaintext(w, rec.record);
    } else {
      const len = rec.header.length;
      if (len === undefined && i !== records.length - 1)
        throw w.error('length', 'only the last record of a datagram may omit its length');
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
