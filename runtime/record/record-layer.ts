import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import type { HibernatedRecords } from './hibernated-records.js';
import type { RecordReaderConfig } from './record-reader.js';
import { RecordWriter, type RecordWriterConfig } from './record-writer.js';

export type { RecordNumber, RecordNumberKey, SealedRecord } from './record-number.js';
export { recordNumberKey } from './record-number.js';

/** The options of a {@link RecordLayer}: those of its read half and of its write half. */
export interface RecordLayerConfig extends RecordReaderConfig, RecordWriterConfig {}

/** The DTLS 1.3 record layer (RFC 9147 §4), sans-I/O: datagrams in, records out; bad records counted, never thrown. */
export class RecordLayer extends RecordWriter {
  /** @throws ConfigError for a `maxReadEpochs` that is not an integer of at least 2. */
  constructor(config: RecordLayerConfig) {
    super(config); // the options by the layer's own name (what sans-io exports)
  }

  /** record_size_limit (RFC 8449): `send` caps our records; `receive` is checked from epoch 2 on. */
  setRecordSizeLimits(limits: { readonly send?: number | undefined; readonly receive?: number | undefined }): void {
    this.setSendInnerLimit(limits.send);
    this.setReceiveInnerLimit(limits.receive);
  }

  /** Connection IDs (RFC 9146): the length and test of ours on records to us, and the peer's for our records. */
  setConnectionIds(
    receive:
      { readonly length: number; readonly ours: (cid: Uint8Array) => boolean; readonly optional?: boolean } | undefined,
    send: Uint8Array | undefined,
  ): void {
    this.setReceiveConnectionIds(receive);
    this.setSendConnectionId(send);
  }

  /** Frees the keys' OpenSSL contexts (about 1.2 KB per key and direction), keeping the keys: for a session gone quiet. */
  park(): void {
    this.parkReads();
    this.parkWrites();
  }

  /** Frees every epoch's keys in both directions (the connection has ended): nothing opens or seals after. */
  releaseAll(): void {
    this.releaseReads();
    this.releaseWrites();
  }

  /** What a session at rest keeps of this layer, or undefined while some state cannot rest. */
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

  /** @internal A hibernated session's layer again, on a new one. */
  restore(
    h: HibernatedRecords,
    suite: SupportedCipherSuite,
    writeKeys: TrafficKeys,
    readKeys: (epoch: number) => TrafficKeys,
  ): void {
    this.restoreWrites(h, suite, writeKeys);
    this.restoreReads(h, suite, readKeys);
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch with its limit. */
  usage(): {
    write?: { epoch: number; used: number; limit: number };
    read: { epoch: number; used: number; failed: number; integrityLimit: number }[];
  } {
    const read = this.readUsage();
    const write = this.writeUsage();
    return write ? { write, read } : { read };
  }
}
