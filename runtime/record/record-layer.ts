import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import type { HibernatedRecords } from './hibernated-records.js';
import { RecordReader, type RecordReaderConfig } from './record-reader.js';
import { EpochCipher } from './epoch-cipher.js';
import { FIRST_APPLICATION_EPOCH } from './read-epochs.js';
import { RecordWriter, type RecordWriterConfig } from './record-writer.js';
import { WRITE13 } from './write-form13.js';

export type { RecordNumber, RecordNumberKey, SealedRecord } from './record-number.js';
export { recordNumberKey } from './record-number.js';

/** The options of a {@link RecordLayer}: those of its read half and of its write half. */
export interface RecordLayerConfig extends RecordReaderConfig, RecordWriterConfig {}

/**
 * The DTLS 1.3 record layer (RFC 9147 §4), sans-I/O: datagrams in, records out; bad records counted, never thrown. It
 * is two parts side by side, a {@link RecordReader} and a {@link RecordWriter} that know nothing of each other, and
 * what spans both (CIDs, size limits, parking, release, hibernation, usage). A caller reads (`reader.receive`,
 * `reader.read`) and stages or seals (`writer.stage`, `writer.seal`) through the two fields; the layer itself has only
 * what spans both, and `installWriteKeys`, which makes the 1.3 epoch cipher from the layer's provider and limits.
 */
export class RecordLayer {
  readonly reader: RecordReader;
  readonly writer: RecordWriter<EpochCipher>;
  private readonly config: RecordLayerConfig;

  /**
   * `reader`: a read half made on the same `config` that already read (a server's hello phase reads what comes before
   * its first ClientHello with it). @throws ConfigError for a `maxReadEpochs` that is not an integer of at least 2.
   */
  constructor(config: RecordLayerConfig, reader: RecordReader = new RecordReader(config)) {
    this.reader = reader;
    this.writer = new RecordWriter(WRITE13, config);
    this.config = config;
  }

  /** record_size_limit (RFC 8449): `send` caps our records; `receive` is checked from epoch 2 on. */
  setRecordSizeLimits(limits: { readonly send?: number | undefined; readonly receive?: number | undefined }): void {
    this.writer.setSendLimit(limits.send);
    this.reader.setReceiveInnerLimit(limits.receive);
  }

  /** Connection IDs (RFC 9146): the length and test of ours on records to us, and the peer's for our records. */
  setConnectionIds(
    receive:
      { readonly length: number; readonly ours: (cid: Uint8Array) => boolean; readonly optional?: boolean } | undefined,
    send: Uint8Array | undefined,
  ): void {
    this.reader.setConnectionIds(receive);
    this.writer.setSendConnectionId(send);
  }

  /** Frees the keys' OpenSSL contexts (about 1.2 KB per key and direction), keeping the keys: for a session gone quiet. */
  park(): void {
    this.reader.park();
    this.writer.park();
  }

  /** Frees every epoch's keys in both directions (the connection has ended): nothing opens or seals after. */
  releaseAll(): void {
    this.reader.release();
    this.writer.release();
  }

  /** What a session at rest keeps of this layer, or undefined while some state cannot rest. */
  hibernation(keep: (epoch: number) => boolean): HibernatedRecords | undefined {
    const write = this.writer.hibernation();
    if (write === undefined) return undefined;
    const read = this.reader.hibernation(keep);
    if (read === undefined) return undefined;
    return {
      write,
      reads: read.reads,
      highestDropped: read.highestDropped,
      newestAuthenticated: read.newestAuthenticated,
      sendLimit: this.writer.sendLimit,
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
    this.writer.restore(this.writeCipher(h.write.epoch, suite, writeKeys), h);
    this.reader.restore(h, suite, readKeys);
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch with its limit. */
  usage(): {
    write?: { epoch: number; used: number; limit: number };
    read: { epoch: number; used: number; failed: number; integrityLimit: number }[];
  } {
    const read = this.reader.usage();
    const write = this.writer.usage();
    return write ? { write, read } : { read };
  }

  /** Protects outgoing records with `epoch`'s keys; older epochs stay for `seal`'s `epoch` until retired. */
  installWriteKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    const writer = this.writer;
    writer.install(this.writeCipher(epoch, suite, keys));
    // A KeyUpdate is retransmitted in its own epoch: older application write epochs are never needed again.
    writer.retireFrom(FIRST_APPLICATION_EPOCH, writer.writeEpoch! - 1);
  }

  private writeCipher(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): EpochCipher {
    return new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits);
  }
}
