import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { ContentType, contentTypeToNumber } from '../../generated/wire/enums.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { allocate } from '../wire/slab.js';
import { Header13, writeHeader13 } from './codec13.js';
import { EpochCipher } from './epoch-cipher.js';
import type { HibernatedRecords } from './hibernated-records.js';
import type { PaddingPolicy } from './inner-plaintext.js';
import { KEY_UPDATE_THRESHOLD, type AeadLimits } from './limits.js';
import { FIRST_APPLICATION_EPOCH } from './read-epochs.js';
import type { SealedRecord } from './record-number.js';
import { StagedRecords } from './staged-records.js';

/** Largest DTLSInnerPlaintext content (RFC 8446 §5.1). */
const MAX_PLAINTEXT = 16384;
/** Largest DTLSInnerPlaintext a record may carry here: content, type, and up to 255 + 16 bytes of padding. */
const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1 + 255 + 16;

/** What the write half of the record layer takes of `RecordLayerConfig` (record-layer.ts). */
export interface RecordWriterConfig {
  readonly provider: CryptoProvider;
  /** The connection ID to put in outgoing records (the peer's), once negotiated. */
  readonly sendConnectionId?: Uint8Array | undefined;
  /** Padding of protected records (default none). */
  readonly padding?: PaddingPolicy;
  /** Low sequence number bits in outgoing unified headers (default 16). */
  readonly sequenceNumberLength?: 8 | 16;
  /** Whether outgoing unified headers carry a length (default true; without, the record must end its datagram). */
  readonly includeLength?: boolean;
  /** Overrides of the per-AEAD usage limits (tests, or CCM-8 with extra safeguards). */
  readonly limits?: AeadLimits;
}

/** The header of the record being laid out (codec13.ts's write half): laying out is synchronous, one serves every writer. */
const laid = new Header13();

/** Thrown when the record layer is asked to protect what it must not (no keys, usage limit reached). */
export class RecordLayerError extends Error {
  override readonly name = 'RecordLayerError';
}

/**
 * The write half of the DTLS 1.3 record layer (RFC 9147 §4): a connection's field beside its reader (record-reader.ts).
 * Records are numbered and laid out when staged, and sealed together before a datagram leaves.
 */
export class RecordWriter {
  private readonly writeConfig: RecordWriterConfig;
  private sendCid: Uint8Array | undefined;
  /** Write ciphers by epoch with their next sequence number; `write` is the newest. */
  private readonly writes = new Map<number, { readonly cipher: EpochCipher; seq: number }>();
  private write: EpochCipher | undefined;
  private plaintextSeq = 0;
  /** Records numbered and laid out, waiting to be protected together ({@link stage}): only while some wait. */
  private staged: StagedRecords | undefined;
  /** What {@link layOut} left of the record it laid out. */
  private laidSeq = 0;
  private laidHeader = 0;
  private laidInner = 0;
  private laidSnBytes: 1 | 2 = 2;
  /** RFC 8449: the peer's record_size_limit (the largest DTLSInnerPlaintext we may send it), once negotiated. */
  private sendInnerLimit: number | undefined;

  constructor(config: RecordWriterConfig) {
    this.writeConfig = config;
    this.sendCid = config.sendConnectionId;
  }

  /** The peer's record_size_limit: caps the records we protect (padding is cut to fit, content over it throws). */
  setSendLimit(limit: number | undefined): void {
    if (limit !== undefined) this.sendInnerLimit = limit;
  }

  get sendLimit(): number | undefined {
    return this.sendInnerLimit;
  }

  /** The most content one protected record may carry: 2^14, or the peer's record_size_limit less the type byte. */
  get maxProtectedContent(): number {
    return Math.min(MAX_PLAINTEXT, (this.sendInnerLimit ?? Infinity) - 1);
  }

  /** Padding for `length` content bytes: the policy's, at least what the mask's sample needs, within the peer's limit. */
  private paddingFor(length: number, type: number, tag: number): number {
    const limit = this.sendInnerLimit;
    if (length > MAX_PLAINTEXT || (limit !== undefined && length > limit - 1)) {
      throw new RecordLayerError(
        this.sendInnerLimit === undefined
          ? `record content of ${length} bytes exceeds 2^14`
          : `record content of ${length} bytes exceeds the peer's record_size_limit (${this.sendInnerLimit} bytes with the content type)`,
      );
    }
    const policy = this.writeConfig.padding;
    const wanted = policy === undefined ? 0 : policy(length, type);
    const allowed = this.sendInnerLimit === undefined ? wanted : Math.min(wanted, this.sendInnerLimit - length - 1);
    const padding = Math.max(allowed, 16 - tag - length - 1, 0);
    if (length + 1 + padding > MAX_INNER_PLAINTEXT)
      throw new RecordLayerError(`padding of ${padding} bytes does not fit a record`);
    return padding;
  }

  /** The sequence number our next epoch-0 record takes (a 1.2 state taking over a client's offer goes on from it). */
  get nextPlaintextSequence(): number {
    return this.plaintextSeq;
  }

  /** Our epoch-0 records continue from `next`, never backwards (after a stateless HelloRetryRequest). */
  continuePlaintextFrom(next: number): void {
    this.plaintextSeq = Math.max(this.plaintextSeq, next);
  }

  /** Changes the CID our records carry (a NewConnectionId's, or a spare on a new path). */
  setSendConnectionId(cid: Uint8Array | undefined): void {
    this.sendCid = cid === undefined || cid.length === 0 ? undefined : cid;
  }

  /** Bytes a protected record adds to its content: unified header (CID, length, 16-bit sequence number), type, tag. */
  protectedOverhead(): number {
    return 1 + (this.sendCid?.length ?? 0) + 2 + 2 + 1 + (this.write?.suite.tagLength ?? 16);
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /** Protects outgoing records with `epoch`'s keys; older epochs stay for `seal`'s `epoch` until retired. */
  installWriteKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.sealStaged();
    this.writes.get(epoch)?.cipher.release();
    const cipher = new EpochCipher(this.writeConfig.provider, epoch, suite, keys, this.writeConfig.limits);
    this.writes.set(epoch, { cipher, seq: 0 });
    if (this.write === undefined || epoch >= this.write.epoch) this.write = cipher;
    // A KeyUpdate is retransmitted in its own epoch: older application write epochs are never needed again.
    for (const e of this.writes.keys())
      if (e >= FIRST_APPLICATION_EPOCH && e < this.write.epoch - 1) this.retireWriteEpoch(e);
  }

  retireWriteEpoch(epoch: number): void {
    this.sealStaged();
    const w = this.writes.get(epoch);
    if (!w || w.cipher === this.write) return;
    w.cipher.release();
    this.writes.delete(epoch);
  }

  /** Frees every write epoch's keys' OpenSSL contexts, made again by the next record sealed. */
  park(): void {
    this.sealStaged();
    for (const w of this.writes.values()) w.cipher.park();
  }

  /** Frees every write epoch's keys: nothing seals after. */
  release(): void {
    this.sealStaged();
    for (const w of this.writes.values()) w.cipher.release();
    this.writes.clear();
    this.write = undefined;
  }

  /** The write side of a session at rest: its one write epoch, or undefined while it has another (or none). */
  hibernation(): HibernatedRecords['write'] | undefined {
    const write = this.write;
    const entry = write && this.writes.get(write.epoch);
    if (!write || !entry || this.writes.size !== 1 || this.staged !== undefined) return undefined;
    return { epoch: write.epoch, seq: entry.seq, used: write.used };
  }

  /** A hibernated session's write epoch again, with its sequence number, usage and the peer's record_size_limit. */
  restore(h: HibernatedRecords, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.installWriteKeys(h.write.epoch, suite, keys);
    const w = this.writes.get(h.write.epoch)!;
    w.seq = h.write.seq;
    w.cipher.used = h.write.used;
    this.setSendLimit(h.sendLimit);
  }

  get writeEpoch(): number | undefined {
    return this.write?.epoch;
  }

  /** True when the write key is near its usage limit and a KeyUpdate should start (RFC 9147 §4.5.3). */
  get keyUpdateDue(): boolean {
    const w = this.write;
    return w !== undefined && w.used >= w.limits.confidentiality * KEY_UPDATE_THRESHOLD;
  }

  /** True once the write key may protect no more records: application data waits for a KeyUpdate. */
  get writeKeyExhausted(): boolean {
    const w = this.write;
    return w !== undefined && w.used >= w.limits.confidentiality;
  }

  /** Records protected with the current write key, and its limit. */
  usage(): { epoch: number; used: number; limit: number } | undefined {
    return this.write && { epoch: this.write.epoch, used: this.write.used, limit: this.write.limits.confidentiality };
  }

  // ── sending ───────────────────────────────────────────────────────────

  /** A DTLSPlaintext record (epoch 0). `legacyVersion` is 0xfefd except for an initial ClientHello (RFC 9147 §4). */
  sealPlaintext(
    contentType: ContentType,
    fragment: Uint8Array,
    legacyVersion: 'dtls1_2' | 'dtls1_0' = 'dtls1_2',
  ): SealedRecord {
    this.sealStaged();
    if (this.plaintextSeq > 0xffffffffffff)
      throw new RecordLayerError('DTLSPlaintext sequence numbers exhausted (2^48)');
    const sequenceNumber = this.plaintextSeq++;
    const bytes = encodeDtlsPlaintext({
      type: contentType,
      legacyRecordVersion: legacyVersion,
      epoch: 0,
      sequenceNumber,
      fragment,
    });
    return { bytes, number: { epoch: 0, sequenceNumber } };
  }

  /** A DTLSCiphertext record of `content`, in the write epoch or `options.epoch`. @throws RecordLayerError. */
  seal(
    contentType: ContentType,
    content: Uint8Array,
    options: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number } = {},
  ): SealedRecord {
    this.sealStaged();
    const epoch = options.epoch ?? this.write?.epoch;
    const state = epoch === undefined ? undefined : this.writes.get(epoch);
    const out = this.layOut(
      state,
      options.epoch,
      contentType,
      content,
      options.sequenceNumberLength,
      options.includeLength,
    );
    const w = state!.cipher;
    const seq = this.laidSeq;
    try {
      const snOffset = 1 + (this.sendCid?.length ?? 0);
      w.protection.sealRecord(seq, out, this.laidHeader, this.laidInner, snOffset, this.laidSnBytes);
    } catch (e) {
      out.fill(0); // the plaintext copy in a slab shared with other records goes, whatever the seal left
      throw e;
    }
    return { bytes: out, number: { epoch: w.epoch, sequenceNumber: seq } };
  }

  /** Numbers `content` now and seals it with the records staged after it, into `sink`. @throws RecordLayerError. */
  stage(contentType: ContentType, content: Uint8Array, sink: Uint8Array[]): void {
    const state = this.write ? this.writes.get(this.write.epoch) : undefined;
    const staged = (this.staged ??= StagedRecords.take());
    let out: Uint8Array;
    try {
      out = this.layOut(state, undefined, contentType, content, undefined, undefined);
    } catch (e) {
      if (staged.count === 0) this.sealStaged(); // nothing staged: the spare goes back
      throw e;
    }
    staged.add(
      state!.cipher.protection,
      sink,
      out,
      this.laidHeader,
      this.laidInner,
      this.laidSeq,
      1 + (this.sendCid?.length ?? 0),
      this.laidSnBytes,
    );
  }

  /** Seals every staged record and appends each to its queue, in staging order. */
  sealStaged(): void {
    const staged = this.staged;
    if (staged === undefined) return;
    this.staged = undefined;
    staged.seal(true);
  }

  get stagedCount(): number {
    return this.staged?.count ?? 0;
  }

  /** Checks, numbers and lays out one record, leaving the rest in the `laid…` fields (no object per record). */
  private layOut(
    state: { readonly cipher: EpochCipher; seq: number } | undefined,
    epoch: number | undefined,
    contentType: ContentType,
    content: Uint8Array,
    sequenceNumberLength: 8 | 16 | undefined,
    includeLength: boolean | undefined,
  ): Uint8Array {
    if (!state)
      throw new RecordLayerError(epoch === undefined ? 'no write keys installed' : `no write keys for epoch ${epoch}`);
    const w = state.cipher;
    if (w.used >= w.limits.confidentiality)
      throw new RecordLayerError(
        `epoch ${w.epoch} write key reached its usage limit (${w.limits.confidentiality} records): a KeyUpdate is required`,
      );
    const type = typeof contentType === 'number' ? contentType : ContentType[contentType]; // contentTypeToNumber
    const tag = w.suite.tagLength;
    const padding = this.paddingFor(content.length, type, tag);
    const innerLength = content.length + 1 + padding;
    const seq16 = (sequenceNumberLength ?? this.writeConfig.sequenceNumberLength ?? 16) === 16;
    const withLength = includeLength ?? this.writeConfig.includeLength ?? true;
    const cid = this.sendCid;
    const headerLength = 1 + (cid?.length ?? 0) + (seq16 ? 2 : 1) + (withLength ? 2 : 0); // headerLength13, inline
    // Header (codec13.ts), then the DTLSInnerPlaintext, sealed in place: the content is copied once, into the record itself.
    const out = allocate(headerLength + innerLength + tag);
    const h = laid;
    h.epoch = w.epoch;
    h.sequenceNumber = state.seq;
    h.seq16 = seq16;
    h.hasLength = withLength;
    h.length = innerLength + tag;
    writeHeader13(out, h, cid);
    out.set(content, headerLength);
    out[headerLength + content.length] = type;
    out.fill(0, headerLength + content.length + 1, headerLength + innerLength);
    this.laidSeq = state.seq++;
    w.used++;
    this.laidHeader = headerLength;
    this.laidInner = innerLength;
    this.laidSnBytes = seq16 ? 2 : 1;
    return out;
  }

  /** One record per content: the bytes of as many {@link seal} calls, sealed together. @throws as seal, sealing none. */
  sealBatch(contentType: ContentType, contents: readonly Uint8Array[]): SealedRecord[] {
    this.sealStaged();
    const w = this.write;
    if (!w) throw new RecordLayerError('no write keys installed');
    if (w.used + contents.length > w.limits.confidentiality)
      throw new RecordLayerError(
        `epoch ${w.epoch} write key reached its usage limit (${w.limits.confidentiality} records): a KeyUpdate is required`,
      );
    const type = contentTypeToNumber(contentType);
    for (const c of contents) this.paddingFor(c.length, type, w.suite.tagLength); // every record checked before any is numbered
    const first = this.writes.get(w.epoch)!.seq;
    const out: Uint8Array[] = [];
    for (const c of contents) this.stage(contentType, c, out);
    this.sealStaged();
    return out.map((bytes, i) => ({ bytes, number: { epoch: w.epoch, sequenceNumber: first + i } }));
  }
}
