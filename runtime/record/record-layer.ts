import type { ContentType } from '../../generated/wire/enums.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import type { DropCounters } from './drops.js';
import type { HibernatedRecords } from './hibernated-records.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
import type { SealedRecord } from './record-number.js';
import { RecordReader, type DuplicateObserver, type RecordReaderConfig } from './record-reader.js';
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
 * `reader.read`) and stages (`writer.stage`, `writer.sealBatch`) through the two fields; the few members below named
 * for one half are those the 1.3 state and runtime/cid call on the layer.
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

  // ── the read half's (record-reader.ts) ─────────────────────────────────

  /** Accepts records of `epoch`; older epochs retire as records authenticate. */
  installReadKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, now?: number): void {
    this.reader.installReadKeys(epoch, suite, keys, now);
  }

  dropReadEpoch(epoch: number): void {
    this.reader.dropReadEpoch(epoch);
  }

  get drops(): Readonly<DropCounters> {
    return this.reader.drops;
  }

  get integrity(): IntegrityMonitor {
    return this.reader.integrity;
  }

  get onDuplicate(): DuplicateObserver | undefined {
    return this.reader.onDuplicate;
  }

  set onDuplicate(observer: DuplicateObserver | undefined) {
    this.reader.onDuplicate = observer;
  }

  // ── the write half's (record-writer.ts) ────────────────────────────────

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

  retireWriteEpoch(epoch: number): void {
    this.writer.retireWriteEpoch(epoch);
  }

  /** A DTLSPlaintext record (epoch 0). */
  sealPlaintext(contentType: ContentType, fragment: Uint8Array, legacyVersion?: 'dtls1_2' | 'dtls1_0'): SealedRecord {
    return this.writer.sealPlaintext(contentType, fragment, legacyVersion);
  }

  /** A DTLSCiphertext record of `content`, in the write epoch or `options.epoch`. @throws RecordLayerError. */
  seal(
    contentType: ContentType,
    content: Uint8Array,
    options?: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number },
  ): SealedRecord {
    return this.writer.seal(contentType, content, options);
  }

  /** Changes the CID our records carry. */
  setSendConnectionId(cid: Uint8Array | undefined): void {
    this.writer.setSendConnectionId(cid);
  }

  /** Bytes a protected record adds to its content. */
  protectedOverhead(): number {
    return this.writer.protectedOverhead();
  }

  get writeEpoch(): number | undefined {
    return this.writer.writeEpoch;
  }

  get maxProtectedContent(): number {
    return this.writer.maxProtectedContent;
  }
}
