import { writeDtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import type { DtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { contentTypeToNumber, type ContentType } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { bytesEqual, copyOf, DecodeError, Reader, scratchWriter } from '../wire/index.js';
import { isLengthAboveMaximum, readRecord, type DtlsRecord } from '../wire/record-splitter.js';
import { allocate } from '../wire/slab.js';
import { emptyDropCounters, type DropCounters, type DropReason } from './drops.js';
import { EpochCipher } from './epoch-cipher.js';
import type { HibernatedReadEpoch, HibernatedRecords } from './hibernated-records.js';
import { contentTypeIndex, noPadding, type PaddingPolicy } from './inner-plaintext.js';
import { IntegrityMonitor } from './integrity-monitor.js';
import type { AeadLimits } from './limits.js';
import { DEFAULT_MAX_READ_EPOCHS, DEFAULT_PREVIOUS_EPOCH_RETENTION, FIRST_APPLICATION_EPOCH, ReadEpochs } from './read-epochs.js';
import type { SealedRecord } from './record-number.js';
import { ReplayWindow } from './replay-window.js';
import { SequenceRecovery } from './sequence-recovery.js';

export type { RecordNumber, RecordNumberKey, SealedRecord } from './record-number.js';
export { recordNumberKey } from './record-number.js';

/** Largest DTLSInnerPlaintext content (RFC 8446 §5.1) and ciphertext (§5.2). */
const MAX_PLAINTEXT = 16384;
const MAX_CIPHERTEXT = 16384 + 256;
const EMPTY = new Uint8Array(0);
/** {@link RecordLayer.receiveProtectedFast}'s answer for a record it leaves to the generic reader. */
const GENERIC = -1;

export interface RecordLayerConfig {
  readonly provider: CryptoProvider;
  /** The connection ID this side receives (RFC 9146), once negotiated: incoming records must carry it. */
  readonly receiveConnectionId?: Uint8Array | undefined;
  /** The connection ID to put in outgoing records (the peer's), once negotiated. */
  readonly sendConnectionId?: Uint8Array | undefined;
  /** Anti-replay window per epoch, in records (>= 64; default 64). */
  readonly replayWindow?: number;
  /**
   * How long the previous application read epoch's keys stay, once a record
   * of a newer epoch authenticated, for records reordered across the
   * KeyUpdate; in the caller's time units (default 10,000 ms).
   */
  readonly previousEpochRetention?: number;
  /**
   * Application read epochs (3 and up) held at once, at least 2 (default 4):
   * installing one more drops the oldest. With the retirement on
   * authentication (see {@link RecordLayer.installReadKeys}) an honest peer
   * needs 3 at most (previous, current, next); the cap bounds what a peer
   * sending KeyUpdate after KeyUpdate can make this side keep.
   */
  readonly maxReadEpochs?: number;
  /** Padding of protected records (default none). */
  readonly padding?: PaddingPolicy;
  /** Low sequence number bits in outgoing unified headers (default 16). */
  readonly sequenceNumberLength?: 8 | 16;
  /** Whether outgoing unified headers carry a length (default true; without, the record must end its datagram). */
  readonly includeLength?: boolean;
  /** Overrides of the per-AEAD usage limits (tests, or CCM-8 with extra safeguards). */
  readonly limits?: AeadLimits;
  /** Records read from one datagram at most; the rest is dropped unread (default 128). */
  readonly maxRecordsPerDatagram?: number;
  /**
   * Protected records that may fail authentication per second (of `now`),
   * over all read epochs (default 100): past it, until the second is over,
   * a datagram's records are no longer opened after its first failure
   * (each forged datagram costs one decryption; a genuine one opens whole).
   */
  readonly maxFailedAuthenticationsPerSecond?: number;
}

/** Defaults of {@link RecordLayerConfig.maxRecordsPerDatagram} and {@link RecordLayerConfig.maxFailedAuthenticationsPerSecond}. */
export const DEFAULT_MAX_RECORDS_PER_DATAGRAM = 128;
export const DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND = 100;

/** What {@link RecordLayer.receive} hands up for each record it did not drop. */
export type ReceivedRecord =
  | {
      readonly kind: 'record';
      readonly epoch: number;
      readonly sequenceNumber: number;
      readonly contentType: ContentType;
      readonly content: Uint8Array;
      /** False for DTLSPlaintext (epoch 0). */
      readonly protected: boolean;
      /** The connection ID the record carried (one of ours), when CIDs are in use. */
      readonly connectionId?: Uint8Array | undefined;
    }
  | {
      /** A protected record for an epoch whose keys are not installed yet: keep it and pass it to `receive` again once they are. */
      readonly kind: 'deferred';
      readonly epochBits: number;
      readonly record: Uint8Array;
    };

const ownBytes = (n: number): Uint8Array => new Uint8Array(n);

/** The counters of a record layer that has dropped nothing yet. */
const NO_DROPS: Readonly<DropCounters> = Object.freeze(emptyDropCounters());

/** Largest DTLSInnerPlaintext a record may carry here: content, type, and up to 255 + 16 bytes of padding. */
const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1 + 255 + 16;

/** What {@link RecordLayer.onDuplicate} tells (an object with a method: one per connection, no closure). */
export interface DuplicateObserver {
  duplicate(epoch: number, sequenceNumber: number): void;
}

/** Thrown when the record layer is asked to protect what it must not (no keys, usage limit reached). */
export class RecordLayerError extends Error {
  override readonly name = 'RecordLayerError';
}

/**
 * The DTLS 1.3 record layer (RFC 9147 §4), sans-I/O: datagrams and `now` in,
 * records out. Protects outgoing records in the current write epoch, and
 * deprotects incoming ones with per-epoch keys, record number decryption,
 * sequence number reconstruction and anti-replay. Invalid records are
 * dropped and counted by reason (`drops`), never thrown (§4.5.2).
 */
export class RecordLayer {
  /** The drop counters, made with the first drop (most sessions never drop a record). */
  private dropCounts: DropCounters | undefined;
  private readonly config: RecordLayerConfig;
  /** Length of the CIDs records to us carry (0: none), and which ones are ours. */
  private cidLength: number;
  private receiveCids: ((cid: Uint8Array) => boolean) | undefined;
  /** Records without a CID are taken too (a client between its ClientHello and the server's answer). */
  private cidOptional = false;
  /** The CID our records carry (the peer's), if any. */
  private sendCid: Uint8Array | undefined;
  /** Write ciphers by epoch with their next sequence number; `write` is the newest. */
  private readonly writes = new Map<number, { readonly cipher: EpochCipher; seq: number }>();
  private write: EpochCipher | undefined;
  private plaintextSeq = 0;

  /** RFC 8449: the peer's record_size_limit (the largest DTLSInnerPlaintext we may send it) and ours (the largest we take), once negotiated. */
  private sendInnerLimit: number | undefined;
  private receiveInnerLimit: number | undefined;
  /** The first protected record above our record_size_limit (dropped, counted 'too-long'): the connection ends with record_overflow (RFC 8449 §4). */
  recordOverflow: { readonly epoch: number; readonly length: number } | undefined;
  /** Told of each record that authenticated but repeats one already received (dropped, counted 'replay'): who is copying records looks for these. */
  onDuplicate: DuplicateObserver | undefined;

  /**
   * record_size_limit (RFC 8449, TLS 1.3's meaning: content, type byte and
   * padding): `send` caps the records we protect (padding is cut to fit,
   * content over it throws); `receive` is checked on records of epoch 2 and
   * later (0-RTT records were sent before the peer knew it).
   */
  setRecordSizeLimits(limits: { readonly send?: number | undefined; readonly receive?: number | undefined }): void {
    if (limits.send !== undefined) this.sendInnerLimit = limits.send;
    if (limits.receive !== undefined) this.receiveInnerLimit = limits.receive;
  }

  /** The most content one protected record to the peer may carry: 2^14, or its record_size_limit less the content type byte. */
  get maxProtectedContent(): number {
    return Math.min(MAX_PLAINTEXT, (this.sendInnerLimit ?? Infinity) - 1);
  }

  /** Padding for a record of `length` content bytes: the policy's, at least what the record number mask needs, within the peer's limit. */
  private paddingFor(length: number, type: number, tag: number): number {
    if (length > this.maxProtectedContent) {
      throw new RecordLayerError(
        this.sendInnerLimit === undefined
          ? `record content of ${length} bytes exceeds 2^14`
          : `record content of ${length} bytes exceeds the peer's record_size_limit (${this.sendInnerLimit} bytes with the content type)`,
      );
    }
    const wanted = (this.config.padding ?? noPadding)(length, type);
    const allowed = this.sendInnerLimit === undefined ? wanted : Math.min(wanted, this.sendInnerLimit - length - 1);
    const padding = Math.max(allowed, 16 - tag - length - 1, 0);
    if (length + 1 + padding > MAX_INNER_PLAINTEXT) throw new RecordLayerError(`padding of ${padding} bytes does not fit a record`);
    return padding;
  }

  /** Our epoch-0 records continue from `next` (never backwards): used after a stateless HelloRetryRequest took a sequence number this layer never saw. */
  continuePlaintextFrom(next: number): void {
    this.plaintextSeq = Math.max(this.plaintextSeq, next);
  }
  /**
   * Connection IDs (RFC 9146, RFC 9147 §9), from the keys after the hellos
   * on: records to us carry a CID of `length` bytes that `ours` accepts
   * (length 0: none, and a record with one is dropped; `optional`: records
   * without one are taken too); `send` is the peer's CID our records carry
   * (undefined or empty: none).
   */
  setConnectionIds(
    receive: { readonly length: number; readonly ours: (cid: Uint8Array) => boolean; readonly optional?: boolean } | undefined,
    send: Uint8Array | undefined,
  ): void {
    this.cidLength = receive?.length ?? 0;
    this.receiveCids = receive === undefined || receive.length === 0 ? undefined : receive.ours;
    this.cidOptional = receive?.optional === true;
    this.sendCid = send === undefined || send.length === 0 ? undefined : send;
  }

  /** Changes the CID our records carry (a NewConnectionId's, or a spare on a new path). */
  setSendConnectionId(cid: Uint8Array | undefined): void {
    this.sendCid = cid === undefined || cid.length === 0 ? undefined : cid;
  }

  /** Bytes a protected record adds to its content here: unified header with CID, length and 16-bit sequence number, type byte, tag. */
  protectedOverhead(): number {
    return 1 + (this.sendCid?.length ?? 0) + 2 + 2 + 1 + (this.write?.suite.tagLength ?? 16);
  }
  private readonly readEpochs: ReadEpochs;
  private acceptPlaintext = true;
  /** Reused for every incoming datagram (receive is synchronous and not reentrant). */
  private readonly reader = new Reader(EMPTY, 'Datagram');
  private readonly maxRecordsPerDatagram: number;
  /** Failed authentications: the per-second budget of AEAD opens, and the read keys' integrity limits (RFC 9147 §4.5.3). */
  readonly integrity: IntegrityMonitor;

  /** @throws ConfigError for a `maxReadEpochs` that is not an integer of at least 2. */
  constructor(config: RecordLayerConfig) {
    this.config = config;
    const own = config.receiveConnectionId;
    this.cidLength = own?.length ?? 0;
    this.receiveCids = own === undefined ? undefined : (cid) => bytesEqual(cid, own);
    this.sendCid = config.sendConnectionId;
    const maxReadEpochs = integerOption('maxReadEpochs', config.maxReadEpochs ?? DEFAULT_MAX_READ_EPOCHS, 2, 0xffff);
    this.readEpochs = new ReadEpochs(config.previousEpochRetention ?? DEFAULT_PREVIOUS_EPOCH_RETENTION, maxReadEpochs);
    this.maxRecordsPerDatagram = integerOption('maxRecordsPerDatagram', config.maxRecordsPerDatagram ?? DEFAULT_MAX_RECORDS_PER_DATAGRAM, 1, 0xffff);
    this.integrity = new IntegrityMonitor(
      integerOption(
        'maxFailedAuthenticationsPerSecond',
        config.maxFailedAuthenticationsPerSecond ?? DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
        1,
        1_000_000,
      ),
    );
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /**
   * Starts protecting outgoing records with `epoch`'s keys (sequence numbers
   * start at 0). Older write epochs stay usable through `seal`'s `epoch`
   * option, for retransmitting a flight of the previous epoch, until
   * {@link retireWriteEpoch}; application epochs (3 and up) older than the
   * one before the newest are retired here, so KeyUpdates cannot pile up
   * write keys.
   */
  installWriteKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.writes.get(epoch)?.cipher.release();
    const cipher = new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits);
    this.writes.set(epoch, { cipher, seq: 0 });
    if (this.write === undefined || epoch >= this.write.epoch) this.write = cipher;
    // Application write epochs older than the previous one are never needed again (a KeyUpdate is retransmitted in its own epoch).
    for (const e of this.writes.keys()) if (e >= FIRST_APPLICATION_EPOCH && e < this.write.epoch - 1) this.retireWriteEpoch(e);
  }

  /** Drops the keys of an old write epoch. */
  retireWriteEpoch(epoch: number): void {
    const w = this.writes.get(epoch);
    if (!w || w.cipher === this.write) return;
    w.cipher.release();
    this.writes.delete(epoch);
  }

  /**
   * Accepts records of `epoch`. Older epochs stay readable until retired:
   * when a record first authenticates in an application epoch N (3 and
   * up), the application epochs below N - 1 are dropped at once and N - 1
   * stays for `previousEpochRetention`, for reordered records; at most
   * `maxReadEpochs` application epochs are held (installing one more drops
   * the oldest). Epochs 1 and 2 stay until {@link dropReadEpoch}; epoch 0
   * is governed by {@link setAcceptPlaintext}. `now` is unused (kept for
   * callers); retention starts at authentication.
   */
  installReadKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, _now?: number): void {
    this.readEpochs.install(epoch, {
      cipher: new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits),
      window: new ReplayWindow(this.config.replayWindow ?? 64),
      recovery: new SequenceRecovery(),
      expiresAt: undefined,
    });
  }

  /**
   * Frees what every epoch's keys cost beyond themselves (the native
   * provider's OpenSSL contexts: about 1.2 KB per key and direction) and
   * keeps the keys: the next record in or out makes its context again. For
   * a session gone quiet.
   */
  park(): void {
    for (const [, r] of this.readEpochs.entries()) r.cipher.park();
    for (const w of this.writes.values()) w.cipher.park();
  }

  /** Frees every epoch's keys in both directions (the connection has ended): nothing opens or seals after. */
  releaseAll(): void {
    for (const [epoch] of [...this.readEpochs.entries()]) this.readEpochs.drop(epoch);
    for (const w of this.writes.values()) w.cipher.release();
    this.writes.clear();
    this.write = undefined;
  }

  /**
   * What a session at rest keeps of this layer, for hibernation: one write
   * epoch and the read epochs `keep` names (the others are let go, as
   * dropped: the peer's older application epochs, which a quiet session no
   * longer needs for reordered records), with no plaintext, nothing failed
   * since the last verdict and no kept epoch's retention running (its CIDs
   * are the CID context's to keep and set again).
   * Undefined when the layer is not so.
   */
  hibernation(keep: (epoch: number) => boolean): HibernatedRecords | undefined {
    const write = this.write;
    const entry = write && this.writes.get(write.epoch);
    if (!write || !entry || this.writes.size !== 1 || this.acceptPlaintext || this.recordOverflow !== undefined) return undefined;
    if (this.integrity.failedSinceVerdict) return undefined;
    const reads: HibernatedReadEpoch[] = [];
    let { highestDropped } = this.readEpochs.marks;
    for (const [epoch, r] of this.readEpochs.entries()) {
      if (!keep(epoch)) {
        highestDropped = Math.max(highestDropped, epoch);
        continue;
      }
      if (r.expiresAt !== undefined) return undefined;
      const { window, cipher } = r;
      reads.push({ epoch, right: window.right, words: [...window.words], used: cipher.used, failed: cipher.failed, failedInRow: r.recovery.inRow });
    }
    return {
      write: { epoch: write.epoch, seq: entry.seq, used: write.used },
      reads,
      highestDropped,
      newestAuthenticated: this.readEpochs.marks.newestAuthenticated,
      sendLimit: this.sendInnerLimit,
      receiveLimit: this.receiveInnerLimit,
      drops: this.dropCounts && { ...this.dropCounts },
    };
  }

  /**
   * A hibernated session's layer again, on a new one: its epochs installed
   * from `writeKeys` and `readKeys` (by epoch) with their sequence numbers, replay windows and
   * usage, plaintext refused, its limits and drop counts back.
   */
  restore(h: HibernatedRecords, suite: SupportedCipherSuite, writeKeys: TrafficKeys, readKeys: (epoch: number) => TrafficKeys): void {
    this.installWriteKeys(h.write.epoch, suite, writeKeys);
    const w = this.writes.get(h.write.epoch)!;
    w.seq = h.write.seq;
    w.cipher.used = h.write.used;
    for (const r of h.reads) {
      this.installReadKeys(r.epoch, suite, readKeys(r.epoch));
      const held = this.readEpochs.get(r.epoch)!;
      held.window.restore(r.right, r.words);
      held.cipher.used = r.used;
      held.cipher.failed = r.failed;
      held.recovery.restore(r.failedInRow);
    }
    this.readEpochs.restoreMarks(h);
    this.acceptPlaintext = false;
    this.setRecordSizeLimits({ send: h.sendLimit, receive: h.receiveLimit });
    this.dropCounts = h.drops && { ...h.drops };
  }

  /** Drops a read epoch's keys now; its records are counted as 'epoch-dropped' from then on. */
  dropReadEpoch(epoch: number): void {
    this.readEpochs.drop(epoch);
  }

  /** Changes with every {@link installReadKeys} (a count of them): compare before and after to learn that keys arrived, whatever was dropped meanwhile. */
  get readKeyGeneration(): number {
    return this.readEpochs.generation;
  }

  /** Stop (or resume) accepting DTLSPlaintext records, e.g. once the handshake is over. */
  setAcceptPlaintext(accept: boolean): void {
    this.acceptPlaintext = accept;
  }

  /** The earliest time at which {@link handleTimeout} has work (a retained epoch expiring), if any. */
  nextTimeout(): number | undefined {
    return this.readEpochs.nextTimeout();
  }

  /** Drops the keys of superseded epochs whose retention ended at or before `now`. */
  handleTimeout(now: number): void {
    this.readEpochs.handleTimeout(now);
  }

  /** Current write epoch, or undefined before keys exist. */
  get writeEpoch(): number | undefined {
    return this.write?.epoch;
  }

  /** True when the write key is near its usage limit and a KeyUpdate should start (RFC 9147 §4.5.3). */
  get keyUpdateDue(): boolean {
    return this.write?.keyUpdateDue ?? false;
  }

  /**
   * True while some held read key has seen more records fail authentication
   * than its AEAD's integrity limit (RFC 9147 §4.5.3; counted per read
   * epoch, i.e. per key): the connection SHOULD close (or drop that epoch,
   * if it is an old one, which clears this). Such a key opens no more
   * records ('integrity-limit' drops). `usage()` gives the counts.
   */
  get integrityLimitExceeded(): boolean {
    for (const [, r] of this.readEpochs.entries()) if (r.cipher.integrityExceeded) return true;
    return false;
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch (with its integrity limit). */
  usage(): { write?: { epoch: number; used: number; limit: number }; read: { epoch: number; used: number; failed: number; integrityLimit: number }[] } {
    const read: { epoch: number; used: number; failed: number; integrityLimit: number }[] = [];
    for (const [epoch, r] of this.readEpochs.entries())
      read.push({ epoch, used: r.cipher.used, failed: r.cipher.failed, integrityLimit: r.cipher.limits.integrity });
    return this.write ? { write: { epoch: this.write.epoch, used: this.write.used, limit: this.write.limits.confidentiality }, read } : { read };
  }

  // ── sending ───────────────────────────────────────────────────────────

  /** A DTLSPlaintext record (epoch 0). `legacyVersion` is 0xfefd except for an initial ClientHello (RFC 9147 §4). */
  sealPlaintext(contentType: ContentType, fragment: Uint8Array, legacyVersion: 'dtls1_2' | 'dtls1_0' = 'dtls1_2'): SealedRecord {
    if (this.plaintextSeq > 0xffffffffffff) throw new RecordLayerError('DTLSPlaintext sequence numbers exhausted (2^48)');
    const sequenceNumber = this.plaintextSeq++;
    const bytes = encodeDtlsPlaintext({ type: contentType, legacyRecordVersion: legacyVersion, epoch: 0, sequenceNumber, fragment });
    return { bytes, number: { epoch: 0, sequenceNumber } };
  }

  /**
   * A DTLSCiphertext record of `content`, in the current write epoch or in
   * `options.epoch` (an older one kept for retransmission).
   *
   * @throws RecordLayerError without keys for the epoch, at the key's usage limit, or for content over 2^14.
   */
  seal(contentType: ContentType, content: Uint8Array, options: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number } = {}): SealedRecord {
    const state = options.epoch === undefined ? (this.write ? this.writes.get(this.write.epoch) : undefined) : this.writes.get(options.epoch);
    if (!state) throw new RecordLayerError(options.epoch === undefined ? 'no write keys installed' : `no write keys for epoch ${options.epoch}`);
    const w = state.cipher;
    if (w.exhausted)
      throw new RecordLayerError(`epoch ${w.epoch} write key reached its usage limit (${w.limits.confidentiality} records): a KeyUpdate is required`);
    const type = contentTypeToNumber(contentType);
    const tag = w.suite.tagLength;
    const padding = this.paddingFor(content.length, type, tag);
    const innerLength = content.length + 1 + padding;
    const seq = state.seq++;
    const seq16 = (options.sequenceNumberLength ?? this.config.sequenceNumberLength ?? 16) === 16;
    const header = this.header(w.epoch, seq, seq16, options.includeLength ?? this.config.includeLength ?? true, innerLength + tag);
    // Header, then the DTLSInnerPlaintext, sealed in place: the content is copied once, into the record itself.
    const out = allocate(header.length + innerLength + tag);
    out.set(header, 0);
    out.set(content, header.length);
    out[header.length + content.length] = type;
    out.fill(0, header.length + content.length + 1, header.length + innerLength);
    try {
      w.sealRecord(seq, out, header.length, innerLength, 1 + (this.sendCid?.length ?? 0), seq16 ? 2 : 1);
    } catch (e) {
      out.fill(0); // the plaintext copy in a slab shared with other records goes, whatever the seal left
      throw e;
    }
    return { bytes: out, number: { epoch: w.epoch, sequenceNumber: seq } };
  }

  /** The unified header of an outgoing record (RFC 9147 §4), record number in clear; a view of a scratch buffer. */
  private header(epoch: number, seq: number, seq16: boolean, withLength: boolean, length: number): Uint8Array {
    const cid = this.sendCid;
    const hw = scratchWriter('DtlsCiphertextHeader');
    writeDtlsCiphertextHeader(
      hw,
      {
        sequenceNumber16bit: seq16,
        epochLowBits: epoch & 3,
        connectionId: cid === undefined ? undefined : cid.slice(),
        sequenceNumber: seq16 ? seq & 0xffff : seq & 0xff,
        length: withLength ? length : undefined,
      },
      cid?.length ?? 0,
    );
    return hw.finish();
  }

  /**
   * Several DTLSCiphertext records of `contentType`, one per content, in the
   * current write epoch, with consecutive sequence numbers: the same bytes
   * as that many {@link seal} calls, laid out one after another in one
   * buffer and protected in one call where the provider has a record path
   * (the native one). Each record's `bytes` is a view of that buffer.
   *
   * @throws RecordLayerError as {@link seal} does, before any record is sealed (no sequence number is used then).
   */
  sealBatch(
    contentType: ContentType,
    contents: readonly Uint8Array[],
    options: { sequenceNumberLength?: 8 | 16; includeLength?: boolean } = {},
  ): SealedRecord[] {
    const state = this.write ? this.writes.get(this.write.epoch) : undefined;
    if (!state) throw new RecordLayerError('no write keys installed');
    const w = state.cipher;
    if (w.used + contents.length > w.limits.confidentiality)
      throw new RecordLayerError(`epoch ${w.epoch} write key reached its usage limit (${w.limits.confidentiality} records): a KeyUpdate is required`);
    const type = contentTypeToNumber(contentType);
    const tag = w.suite.tagLength;
    const seq16 = (options.sequenceNumberLength ?? this.config.sequenceNumberLength ?? 16) === 16;
    const withLength = options.includeLength ?? this.config.includeLength ?? true;
    const snOffset = 1 + (this.sendCid?.length ?? 0);
    const paddings = contents.map((c) => this.paddingFor(c.length, type, tag));
    const headerLength = this.header(w.epoch, 0, seq16, withLength, 0).length;
    let total = 0;
    for (let i = 0; i < contents.length; i++) total += headerLength + contents[i]!.length + 1 + paddings[i]! + tag;
    const buffer = new Uint8Array(total);
    const layout = new Float64Array(contents.length * 6);
    const sealed: SealedRecord[] = [];
    let at = 0;
    for (let i = 0; i < contents.length; i++) {
      const content = contents[i]!;
      const innerLength = content.length + 1 + paddings[i]!;
      const seq = state.seq++;
      buffer.set(this.header(w.epoch, seq, seq16, withLength, innerLength + tag), at);
      buffer.set(content, at + headerLength);
      buffer[at + headerLength + content.length] = type;
      layout.set([at, headerLength, innerLength, seq, snOffset, seq16 ? 2 : 1], i * 6);
      const end = at + headerLength + innerLength + tag;
      sealed.push({ bytes: buffer.subarray(at, end), number: { epoch: w.epoch, sequenceNumber: seq } });
      at = end;
    }
    try {
      w.sealRecords(buffer, layout, contents.length);
    } catch (e) {
      buffer.fill(0);
      throw e;
    }
    return sealed;
  }

  // ── receiving ─────────────────────────────────────────────────────────

  /**
   * Processes every record of a datagram; returns the records to hand up, in
   * order. `now` starts the retention of a superseded epoch when a record of
   * a newer one authenticates. Nothing returned is a view of `datagram`
   * (contents, connection IDs and deferred records are arrays of their own),
   * and nothing keeps it: the caller may reuse its bytes once this returns.
   */
  receive(datagram: Uint8Array, now: number): ReceivedRecord[] {
    const out: ReceivedRecord[] = [];
    const r = this.reader;
    r.buf = datagram;
    r.pos = 0;
    r.end = datagram.length;
    this.integrity.datagramStarted();
    for (let records = 0; r.pos < r.end; records++) {
      if (records === this.maxRecordsPerDatagram) {
        this.drop('records-per-datagram');
        break;
      }
      const start = r.pos;
      const fast = this.receiveProtectedFast(datagram, start, r.end, now, out);
      if (fast !== GENERIC) {
        r.pos = fast;
        if (this.fastGoesOn) continue;
        if (r.pos < r.end) this.drop('datagram-remainder');
        break;
      }
      let rec: DtlsRecord | undefined | 'malformed';
      try {
        rec = readRecord(r, this.cidLength);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        rec = 'malformed';
        this.drop(isLengthAboveMaximum(e) ? 'too-long' : 'malformed');
      }
      let ok = false;
      if (rec === undefined) this.drop('unknown-record-type');
      else if (rec === 'malformed') ok = false;
      else if (rec.kind === 'plaintext') ok = this.receivePlaintext(rec.record, out);
      else {
        const h = rec.header;
        ok = this.receiveCiphertext(h.connectionId, h.epochLowBits, h.sequenceNumber16bit, rec.encryptedRecord.length, datagram, start, r.pos, now, out);
      }
      if (!ok) {
        if (r.pos < r.end) this.drop('datagram-remainder');
        break;
      }
    }
    r.buf = EMPTY;
    return out;
  }

  /**
   * The common protected record read without the generic decoder (no header
   * object, no views): a unified header that fits the datagram, with a
   * length of at most 2^14 + 256 when it has one. Returns where the record
   * ends ({@link fastGoesOn} false when the rest of the datagram is to be
   * discarded), or {@link GENERIC} (nothing done) for anything else, which
   * {@link readRecord} then reads, with its drop reasons.
   */
  private receiveProtectedFast(d: Uint8Array, start: number, end: number, now: number, out: ReceivedRecord[]): number {
    const b0 = d[start]!;
    if ((b0 & 0xe0) !== 0x20) return GENERIC;
    const hasCid = (b0 & 0x10) !== 0;
    const seq16 = (b0 & 0x08) !== 0;
    const hasLength = (b0 & 0x04) !== 0;
    const cidLength = hasCid ? this.cidLength : 0;
    const headerLength = 1 + cidLength + (seq16 ? 2 : 1) + (hasLength ? 2 : 0);
    if (start + headerLength > end) return GENERIC;
    let length: number;
    if (hasLength) {
      length = (d[start + headerLength - 2]! << 8) | d[start + headerLength - 1]!;
      if (length > MAX_CIPHERTEXT || start + headerLength + length > end) return GENERIC;
    } else length = end - start - headerLength;
    const recordEnd = start + headerLength + length;
    const cid = hasCid ? d.subarray(start + 1, start + 1 + cidLength) : undefined;
    this.fastGoesOn = this.receiveCiphertext(cid, b0 & 3, seq16, length, d, start, recordEnd, now, out);
    return recordEnd;
  }

  /** Whether the datagram goes on after the record {@link receiveProtectedFast} last read. */
  private fastGoesOn = true;

  private drop(reason: DropReason): void {
    (this.dropCounts ??= emptyDropCounters())[reason]++;
  }

  /** Dropped incoming records by reason. */
  get drops(): Readonly<DropCounters> {
    return this.dropCounts ?? NO_DROPS;
  }

  /** Hands up one DTLSPlaintext, or counts why not. */
  private receivePlaintext(rec: DtlsPlaintext, out: ReceivedRecord[]): true {
    if (rec.epoch !== 0) this.drop('plaintext-epoch');
    else if (!this.acceptPlaintext) this.drop('plaintext-refused');
    // A copy: the datagram may be a view of a receive buffer that the next read overwrites (DatagramIo.receive's `lend`).
    else out.push({ kind: 'record', epoch: 0, sequenceNumber: rec.sequenceNumber, contentType: rec.type, content: copyOf(rec.fragment), protected: false });
    return true;
  }

  /**
   * Deprotects one DTLSCiphertext found at [start, end) of `datagram`;
   * false when the rest of the datagram must be discarded (a connection ID
   * not ours: the records after it are not ours to parse either).
   */
  private receiveCiphertext(
    cid: Uint8Array | undefined,
    epochBits: number,
    seq16: boolean,
    ciphertextLength: number,
    datagram: Uint8Array,
    start: number,
    end: number,
    now: number,
    out: ReceivedRecord[],
  ): boolean {
    const ours = this.receiveCids;
    if (ours === undefined ? cid !== undefined : cid === undefined ? !this.cidOptional : !ours(cid)) {
      this.drop('connection-id');
      return false;
    }
    if (ciphertextLength > MAX_CIPHERTEXT) return this.dropAndGoOn('too-long');
    if (ciphertextLength < 16) return this.dropAndGoOn('too-short');
    const epoch = this.readEpochs.resolve(epochBits);
    if (typeof epoch === 'string') {
      if (epoch === 'deferred') out.push({ kind: 'deferred', epochBits, record: copyOf(datagram.subarray(start, end)) });
      else this.drop(epoch);
      return true;
    }
    const { cipher, window, recovery } = epoch;
    if (cipher.integrityExceeded) return this.dropAndGoOn('integrity-limit');
    // Past the second's budget a datagram gets one failed decryption: a flood costs one per datagram, and never stops the
    // peer's own records from opening (an off-path sender could otherwise stall the session with one datagram a second).
    if (!this.integrity.mayOpen(now)) return this.dropAndGoOn('authentication-rate');
    const headerLength = end - ciphertextLength - start;
    // Every record is opened into an array of its own: application data is handed to the application as it is, and its
    // `.buffer` must show no other session's bytes nor detach anyone else's when transferred (issue 33; docs/security/buffers.md).
    const expected = window.right + 1;
    let inner = cipher.openRecord(datagram, start, headerLength, ciphertextLength, 1 + this.cidLength, seq16 ? 2 : 1, expected, ownBytes);
    if (inner === undefined) {
      this.integrity.failed(now);
      // Now and then, one more attempt further ahead: a long run of lost records (sequence-recovery.ts). Within the
      // second's budget only; the probe counts toward the key's integrity limit (openRecord), not toward the budget.
      const further = recovery.nextExpected(expected, seq16 ? 16 : 8, cipher.limits.integrity);
      if (further !== undefined && this.integrity.mayOpen(now)) {
        inner = cipher.openRecord(datagram, start, headerLength, ciphertextLength, 1 + this.cidLength, seq16 ? 2 : 1, further, ownBytes);
      }
      if (inner === undefined) return this.dropAndGoOn('authentication');
    }
    recovery.opened();
    const seq = cipher.openedSequenceNumber;
    const fresh = window.check(seq);
    if (fresh === 'duplicate') this.onDuplicate?.duplicate(cipher.epoch, seq);
    if (fresh !== 'new') return this.dropAndGoOn(fresh === 'duplicate' ? 'replay' : 'too-old');
    window.accept(seq);
    this.readEpochs.authenticated(cipher.epoch, now);
    if (this.receiveInnerLimit !== undefined && cipher.epoch >= 2 && inner.length > this.receiveInnerLimit) {
      this.recordOverflow ??= { epoch: cipher.epoch, length: inner.length };
      return this.dropAndGoOn('too-long');
    }
    const typeAt = contentTypeIndex(inner);
    if (typeAt < 0) return this.dropAndGoOn('no-content-type');
    if (typeAt > MAX_PLAINTEXT) return this.dropAndGoOn('too-long');
    out.push({
      kind: 'record',
      epoch: cipher.epoch,
      sequenceNumber: seq,
      contentType: contentTypeFromByte(inner[typeAt]!),
      content: inner.subarray(0, typeAt),
      protected: true,
      // A copy, as for plaintext records: nothing handed up is a view of the datagram.
      connectionId: cid === undefined ? undefined : cid.slice(),
    });
    return true;
  }

  private dropAndGoOn(reason: DropReason): true {
    this.drop(reason);
    return true;
  }
}

function contentTypeFromByte(n: number): ContentType {
  switch (n) {
    case 21:
      return 'alert';
    case 22:
      return 'handshake';
    case 23:
      return 'application_data';
    case 26:
      return 'ack';
    case 27:
      return 'return_routability_check';
    default:
      return n;
  }
}
