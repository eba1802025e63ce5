import type { ContentType } from '../../generated/wire/enums.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import type { HibernatedRecords } from './hibernated-records.js';
import { RecordReader, type RecordReaderConfig } from './record-reader.js';
import type { SealedRecord } from './record-number.js';
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
 * One object over two halves that share nothing but the connection's keys: it is the read half, {@link RecordReader}
 * (record-reader.ts: datagram in, records out; the connection's per-datagram calls, `read`, `readKeyGeneration`,
 * `recordOverflow`, `nextTimeout` and `handleTimeout`, are its own members, not passed along), and holds the write
 * half, {@link RecordWriter} (record-writer.ts: records sealed, sequence numbers), which the members below hand on to.
 */
export class RecordLayer extends RecordReader {
  private readonly writer: RecordWriter;

  /** @throws ConfigError for a `maxReadEpochs` that is not an integer of at least 2. */
  constructor(config: RecordLayerConfig) {
    super(config);
    this.writer = new RecordWriter(config);
  }

  /**
   * record_size_limit (RFC 8449, TLS 1.3's meaning: content, type byte and padding): `send` caps the records we protect
   * (padding is cut to fit, content over it throws); `receive` is checked on records of epoch 2 and later (0-RTT
   * records were sent before the peer knew it).
   */
  setRecordSizeLimits(limits: { readonly send?: number | undefined; readonly receive?: number | undefined }): void {
    this.writer.setSendInnerLimit(limits.send);
    this.setReceiveInnerLimit(limits.receive);
  }

  /** The most content one protected record to the peer may carry: 2^14, or its record_size_limit less the content type byte. */
  get maxProtectedContent(): number {
    return this.writer.maxProtectedContent;
  }

  /** Our epoch-0 records continue from `next` (never backwards): used after a stateless HelloRetryRequest took a sequence number this layer never saw. */
  continuePlaintextFrom(next: number): void {
    this.writer.continuePlaintextFrom(next);
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
    this.writer.setSendConnectionId(send);
  }

  /** Changes the CID our records carry (a NewConnectionId's, or a spare on a new path). */
  setSendConnectionId(cid: Uint8Array | undefined): void {
    this.writer.setSendConnectionId(cid);
  }

  /** Bytes a protected record adds to its content here: unified header with CID, length and 16-bit sequence number, type byte, tag. */
  protectedOverhead(): number {
    return this.writer.protectedOverhead();
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /**
   * Starts protecting outgoing records with `epoch`'s keys (sequence numbers start at 0). Older write epochs stay
   * usable through `seal`'s `epoch` option, for retransmitting a flight of the previous epoch, until
   * {@link retireWriteEpoch}; application epochs (3 and up) older than the one before the newest are retired here, so
   * KeyUpdates cannot pile up write keys.
   */
  installWriteKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.writer.installWriteKeys(epoch, suite, keys);
  }

  /** Drops the keys of an old write epoch. */
  retireWriteEpoch(epoch: number): void {
    this.writer.retireWriteEpoch(epoch);
  }

  /**
   * Frees what every epoch's keys cost beyond themselves (the native provider's OpenSSL contexts: about 1.2 KB per key
   * and direction) and keeps the keys: the next record in or out makes its context again. For a session gone quiet.
   */
  park(): void {
    this.parkReads();
    this.writer.park();
  }

  /** Frees every epoch's keys in both directions (the connection has ended): nothing opens or seals after. */
  releaseAll(): void {
    this.releaseReads();
    this.writer.releaseAll();
  }

  /**
   * What a session at rest keeps of this layer, for hibernation: one write epoch and the read epochs `keep` names (the
   * others are let go, as dropped: the peer's older application epochs, which a quiet session no longer needs for
   * reordered records), with no plaintext, nothing failed since the last verdict and no kept epoch's retention running
   * (its CIDs are the CID context's to keep and set again). Undefined when the layer is not so.
   */
  hibernation(keep: (epoch: number) => boolean): HibernatedRecords | undefined {
    const write = this.writer.hibernation();
    if (write === undefined) return undefined;
    const read = this.readHibernation(keep);
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
    this.writer.restore(h, suite, writeKeys);
    this.restoreReads(h, suite, readKeys);
  }

  /** Current write epoch, or undefined before keys exist. */
  get writeEpoch(): number | undefined {
    return this.writer.writeEpoch;
  }

  /** True when the write key is near its usage limit and a KeyUpdate should start (RFC 9147 §4.5.3). */
  get keyUpdateDue(): boolean {
    return this.writer.keyUpdateDue;
  }

  /** True once the write key may protect no more records (its confidentiality limit): until a KeyUpdate installs the next, application data must wait. */
  get writeKeyExhausted(): boolean {
    return this.writer.writeKeyExhausted;
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch (with its integrity limit). */
  usage(): {
    write?: { epoch: number; used: number; limit: number };
    read: { epoch: number; used: number; failed: number; integrityLimit: number }[];
  } {
    const read = this.readUsage();
    const write = this.writer.usage();
    return write ? { write, read } : { read };
  }

  // ── sending ───────────────────────────────────────────────────────────

  /** A DTLSPlaintext record (epoch 0). `legacyVersion` is 0xfefd except for an initial ClientHello (RFC 9147 §4). */
  sealPlaintext(
    contentType: ContentType,
    fragment: Uint8Array,
    legacyVersion: 'dtls1_2' | 'dtls1_0' = 'dtls1_2',
  ): SealedRecord {
    return this.writer.sealPlaintext(contentType, fragment, legacyVersion);
  }

  /**
   * A DTLSCiphertext record of `content`, in the current write epoch or in `options.epoch` (an older one kept for
   * retransmission).
   *
   * @throws RecordLayerError without keys for the epoch, at the key's usage limit, or for content over 2^14.
   */
  seal(
    contentType: ContentType,
    content: Uint8Array,
    options?: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number },
  ): SealedRecord {
    return this.writer.seal(contentType, content, options);
  }

  /**
   * A DTLSCiphertext record of `content` in the current write epoch, numbered now and protected later together with the
   * records staged after it (one call where the provider has a record path): by {@link sealStaged}, or before any other
   * record is sealed or the write keys change; then it is appended to `sink`. Its sequence number counts against the
   * key's usage at once ({@link keyUpdateDue}); the content is copied now.
   *
   * @throws RecordLayerError as {@link seal} does, and nothing is staged then.
   */
  stage(contentType: ContentType, content: Uint8Array, sink: Uint8Array[]): void {
    this.writer.stage(contentType, content, sink);
  }

  /** Seals every staged record and appends each to its queue, in the order they were staged. */
  sealStaged(): void {
    this.writer.sealStaged();
  }

  /** Records staged and not sealed yet. */
  get stagedCount(): number {
    return this.writer.stagedCount;
  }

  /**
   * Several DTLSCiphertext records of `contentType`, one per content, in the current write epoch, with consecutive
   * sequence numbers: the same bytes as that many {@link seal} calls, protected in one call where the provider has a
   * record path (the native one) for the records that lie in one buffer. Each record's `bytes` is its own view.
   *
   * @throws RecordLayerError as {@link seal} does, before any record is sealed (no sequence number is used then).
   */
  sealBatch(contentType: ContentType, contents: readonly Uint8Array[]): SealedRecord[] {
    return this.writer.sealBatch(contentType, contents);
  }
}
