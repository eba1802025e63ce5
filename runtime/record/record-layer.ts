import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import type { HibernatedRecords } from './hibernated-records.js';
import type { RecordReaderConfig } from './record-reader.js';
import { RecordWriter, type RecordWriterConfig } from './record-writer.js';

export type { RecordNumber, RecordNumberKey, SealedRecord } from './record-number.js';
export { recordNumberKey } from './record-number.js';

/** The options of a {@link RecordLayer}: those of its read half (record-reader.ts) and of its write half (record-writer.ts). */
export interface RecordLayerConfig extends RecordReaderConfig, RecordWriterConfig {}

/**
 * The DTLS 1.3 record layer (RFC 9147 §4), sans-I/O: datagrams and `now` in, records out. Protects outgoing records in
 * the current write epoch, and deprotects incoming ones with per-epoch keys, record number decryption, sequence number
 * reconstruction and anti-replay. Invalid records are dropped and counted by reason (`drops`), never thrown (§4.5.2).
 *
 * One class over two halves that share nothing but the connection's keys, each a class of its own file, one built on
 * the other so that no member of either is passed along: `RecordReader` (record-reader.ts: datagram in, records
 * out, the read epochs) and {@link RecordWriter} over it (record-writer.ts: records sealed, sequence numbers, the write
 * epochs). The members here are those that span both halves.
 */
export class RecordLayer extends RecordWriter {
  /** @throws ConfigError for a `maxReadEpochs` that is not an integer of at least 2. */
  constructor(config: RecordLayerConfig) {
    super(config); // the options by the layer's own name (what sans-io exports)
  }

  /**
   * record_size_limit (RFC 8449, TLS 1.3's meaning: content, type byte and padding): `send` caps the records we protect
   * (padding is cut to fit, content over it throws); `receive` is checked on records of epoch 2 and later (0-RTT
   * records were sent before the peer knew it).
   */
  setRecordSizeLimits(limits: { readonly send?: number | undefined; readonly receive?: number | undefined }): void {
    this.setSendInnerLimit(limits.send);
    this.setReceiveInnerLimit(limits.receive);
  }

  /**
   * Connection IDs (RFC 9146, RFC 9147 §9), from the keys after the hellos on: records to us carry a CID of `length`
   * bytes that `ours` accepts (length 0: none, and a record with one is dropped; `optional`: records without one are
   * taken too); `send` is the peer's CID our records carry (undefined or empty: none).
   */
  setConnectionIds(
    receive:
      { readonly length: number; readonly ours: (cid: Uint8Array) => boolean; readonly optional?: boolean } | undefined,
    send: Uint8Array | undefined,
  ): void {
    this.setReceiveConnectionIds(receive);
    this.setSendConnectionId(send);
  }

  /**
   * Frees what every epoch's keys cost beyond themselves (the native provider's OpenSSL contexts: about 1.2 KB per key
   * and direction) and keeps the keys: the next record in or out makes its context again. For a session gone quiet.
   */
  park(): void {
    this.parkReads();
    this.parkWrites();
  }

  /** Frees every epoch's keys in both directions (the connection has ended): nothing opens or seals after. */
  releaseAll(): void {
    this.releaseReads();
    this.releaseWrites();
  }

  /**
   * What a session at rest keeps of this layer, for hibernation: one write epoch and the read epochs `keep` names (the
   * others are let go, as dropped: the peer's older application epochs, which a quiet session no longer needs for
   * reordered records), with no plaintext, nothing failed since the last verdict and no kept epoch's retention running
   * (its CIDs are the CID context's to keep and set again). Undefined when the layer is not so.
   */
  hibernation(keep: (epoch: number) => boolean): HibernatedRecords | undefined {
    const write = this.writeHibernation();
    if (write === undefined) return undefined;
    const read = this.readHibernation(keep);
    if (read === undefined) return undefined;
    return {
      write,
      reads: read.reads,
      highestDropped: read.highestDropped,
      newestAuthenticated: read.newestAuthenticated,
      sendLimit: this.sendLimit,
      receiveLimit: read.receiveLimit,
      drops: read.drops,
    };
  }

  /**
   * @internal
   * A hibernated session's layer again, on a new one: its epochs installed
   * from `writeKeys` and `readKeys` (by epoch) with their sequence numbers, replay windows and
   * usage, plaintext refused, its limits and drop counts back.
   */
  restore(
    h: HibernatedRecords,
    suite: SupportedCipherSuite,
    writeKeys: TrafficKeys,
    readKeys: (epoch: number) => TrafficKeys,
  ): void {
    this.restoreWrites(h, suite, writeKeys);
    this.restoreReads(h, suite, readKeys);
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch (with its integrity limit). */
  usage(): {
    write?: { epoch: number; used: number; limit: number };
    read: { epoch: number; used: number; failed: number; integrityLimit: number }[];
  } {
    const read = this.readUsage();
    const write = this.writeUsage();
    return write ? { write, read } : { read };
  }
}
