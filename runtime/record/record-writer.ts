import { type ContentType, contentTypeToNumber } from '../../generated/wire/enums.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { keep } from '../wire/slab.js';
import { HEADER12, plainRecord12 } from './codec12.js';
import type { HibernatedRecords } from './hibernated-records.js';
import type { PaddingPolicy } from './inner-plaintext.js';
import { KEY_UPDATE_THRESHOLD, type AeadLimits } from './limits.js';
import type { SealedRecord } from './record-number.js';
import { StagedRecords } from './staged-records.js';
import type { RecordShape, WriteCipher, WriteForm } from './write-form.js';

/** What the write half of the record layer takes of `RecordLayerConfig` (record-layer.ts). */
export interface RecordWriterConfig {
  readonly provider: CryptoProvider;
  /** The connection ID to put in outgoing records (the peer's), once negotiated (1.3; 1.2's is its epoch cipher's). */
  readonly sendConnectionId?: Uint8Array | undefined;
  /** Padding of protected records (default none). */
  readonly padding?: PaddingPolicy;
  /** Low sequence number bits in outgoing unified headers (default 16). */
  readonly sequenceNumberLength?: 8 | 16;
  /** Whether outgoing unified headers carry a length (default true; without, the record must end its datagram). */
  readonly includeLength?: boolean;
  /** Overrides of the per-AEAD usage limits (tests, or CCM-8 with extra safeguards). */
  readonly limits?: AeadLimits | undefined;
}

/** Thrown when the record layer is asked to protect what it must not (no keys, usage limit reached). */
export class RecordLayerError extends Error {
  override readonly name = 'RecordLayerError';
}

/** The last record sequence number of an epoch (RFC 6347 §4.1, RFC 9147 §4: 48 bits). */
const LAST_SEQUENCE_NUMBER = 2 ** 48 - 1;
/** A write epoch as the writer keeps it: its cipher and the sequence number its next record takes. */
interface WriteEpoch<K> {
  readonly cipher: K;
  seq: number;
  /** The key's confidentiality limit (the writer's override or the cipher's); a KeyUpdate starts at a share of it. */
  readonly limit: number;
}

/**
 * The write half of the record layer of both versions (RFC 9147 §4, RFC 6347 §4.1): a connection's field beside its
 * reader. DTLSPlaintext records (epoch 0, the same in both versions) are written here; a protected record is laid out
 * by the version's {@link WriteForm} (`form`, a field: write-form13.ts or write-form12.ts) under one of the epoch
 * ciphers installed, numbered when staged or sealed. Staged records are sealed together before a datagram leaves
 * ({@link transmitReady}); anything sealed at once, or a key installed, retired, parked or released, seals what was
 * staged first, so records leave in the order they were numbered.
 */
export class RecordWriter<K extends WriteCipher> {
  private readonly form: WriteForm<K>;
  /** What the form reads of our records' look (the CID, padding, header options, the peer's record_size_limit). */
  private readonly shape: RecordShape;
  private readonly limits: AeadLimits | undefined;
  /** Write epochs by number; `write` is the newest (what {@link stage} numbers records in, read once per record). */
  private readonly writes = new Map<number, WriteEpoch<K>>();
  private write: WriteEpoch<K> | undefined;
  private plaintextSeq = 0;
  /** Records numbered and laid out, waiting to be protected together ({@link stage}): only while some wait. */
  private staged: StagedRecords | undefined;
  /** The sequence number of the record {@link layOut} numbered last. */
  private laidSeq = 0;

  constructor(form: WriteForm<K>, config: Omit<RecordWriterConfig, 'provider'> = {}) {
    this.form = form;
    this.limits = config.limits;
    const cid = config.sendConnectionId;
    this.shape = {
      cid: cid === undefined || cid.length === 0 ? undefined : cid,
      padding: config.padding,
      seq16: (config.sequenceNumberLength ?? 16) === 16,
      withLength: config.includeLength ?? true,
      sendInnerLimit: undefined,
    };
  }

  /** The peer's record_size_limit: caps the records we protect (padding is cut to fit, content over it throws). */
  setSendLimit(limit: number | undefined): void {
    if (limit !== undefined) this.shape.sendInnerLimit = limit;
  }

  get sendLimit(): number | undefined {
    return this.shape.sendInnerLimit;
  }

  /** The most content one protected record may carry: 2^14, or the peer's record_size_limit less the type byte. */
  get maxProtectedContent(): number {
    return Math.min(16384, (this.shape.sendInnerLimit ?? Infinity) - 1);
  }

  /** The sequence number our next epoch-0 record takes (a 1.2 state taking over a client's offer goes on from it). */
  get nextPlaintextSequence(): number {
    return this.plaintextSeq;
  }

  /** Our epoch-0 records continue from `next`, never backwards (after a stateless retry, or a 1.2 state taking over). */
  continuePlaintextFrom(next: number): void {
    this.plaintextSeq = Math.max(this.plaintextSeq, next);
  }

  /** Changes the CID our records carry (a NewConnectionId's, or a spare on a new path). */
  setSendConnectionId(cid: Uint8Array | undefined): void {
    this.shape.cid = cid === undefined || cid.length === 0 ? undefined : cid;
  }

  /** Bytes a protected record adds to its content under the write key: header, and what protection adds. */
  protectedOverhead(): number {
    return this.form.overhead(this.write?.cipher, this.shape);
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /**
   * Protects outgoing records with `cipher` (the newest epoch becomes the write epoch); older epochs stay until
   * retired. Its records are numbered from `firstSequenceNumber` (0 for a new epoch; more to go on counting).
   */
  install(cipher: K, firstSequenceNumber = 0): void {
    if (!Number.isInteger(firstSequenceNumber) || firstSequenceNumber < 0 || firstSequenceNumber > LAST_SEQUENCE_NUMBER)
      throw new RangeError(`sequence number ${firstSequenceNumber} is not a uint48`);
    this.sealStaged();
    this.writes.get(cipher.epoch)?.cipher.release();
    const limit = (this.limits ?? cipher.limits).confidentiality;
    const entry = { cipher, seq: firstSequenceNumber, limit };
    this.writes.set(cipher.epoch, entry);
    if (this.write === undefined || cipher.epoch >= this.write.cipher.epoch) this.write = entry;
  }

  retireWriteEpoch(epoch: number): void {
    this.sealStaged();
    const w = this.writes.get(epoch);
    if (!w || w === this.write) return;
    w.cipher.release();
    this.writes.delete(epoch);
  }

  /** Retires every write epoch from `from` to before `below`. */
  retireFrom(from: number, below: number): void {
    for (const e of this.writes.keys()) if (e >= from && e < below) this.retireWriteEpoch(e);
  }

  /** Frees every write epoch's keys' OpenSSL contexts, made again by the next record sealed. */
  park(): void {
    this.sealStaged();
    for (const w of this.writes.values()) w.cipher.park();
  }

  /** Frees every write epoch's keys, what was staged sealed first: nothing seals after. */
  release(): void {
    this.sealStaged();
    for (const w of this.writes.values()) w.cipher.release();
    this.writes.clear();
    this.write = undefined;
  }

  /** The write side of a session at rest: its one write epoch, or undefined while it has another (or none). */
  hibernation(): HibernatedRecords['write'] | undefined {
    const entry = this.write;
    if (!entry || this.writes.size !== 1 || this.staged !== undefined) return undefined;
    return { epoch: entry.cipher.epoch, seq: entry.seq, used: entry.cipher.used };
  }

  /** A hibernated session's write epoch again, with its sequence number, usage and the peer's record_size_limit. */
  restore(cipher: K, h: HibernatedRecords): void {
    this.install(cipher, h.write.seq);
    cipher.used = h.write.used;
    this.setSendLimit(h.sendLimit);
  }

  get writeEpoch(): number | undefined {
    return this.write?.cipher.epoch;
  }

  /** The next sequence number of the write epoch (0 while none has been numbered, or no keys). */
  get writeSequence(): number {
    return this.write?.seq ?? 0;
  }

  /** Records the write key may still protect: its usage limit or the sequence numbers, whichever ends first. */
  get remaining(): number {
    const entry = this.write;
    if (entry === undefined) return 0;
    const w = entry.cipher;
    const limit = (this.limits ?? w.limits).confidentiality;
    return Math.max(0, Math.min(limit - w.used, LAST_SEQUENCE_NUMBER + 1 - entry.seq));
  }

  /** True when the write key is near its usage limit and a KeyUpdate should start (RFC 9147 §4.5.3). */
  get keyUpdateDue(): boolean {
    const e = this.write;
    return e !== undefined && e.cipher.used >= e.limit * KEY_UPDATE_THRESHOLD;
  }

  /** True once the write key may protect no more records: application data waits for a KeyUpdate. */
  get writeKeyExhausted(): boolean {
    const e = this.write;
    return e !== undefined && e.cipher.used >= e.limit;
  }

  /** Records protected with the current write key, and its limit. */
  usage(): { epoch: number; used: number; limit: number } | undefined {
    const w = this.write?.cipher;
    return w && { epoch: w.epoch, used: w.used, limit: (this.limits ?? w.limits).confidentiality };
  }

  // ── writing ───────────────────────────────────────────────────────────

  /** A DTLSPlaintext record (epoch 0), sealed at once. `legacyVersion` is 0xfefd but for a 1.3 initial ClientHello. */
  sealPlaintext(
    contentType: ContentType,
    fragment: Uint8Array,
    legacyVersion: 'dtls1_2' | 'dtls1_0' = 'dtls1_2',
  ): SealedRecord {
    this.sealStaged();
    const sequenceNumber = this.nextPlaintext();
    const bytes = plainRecord12(
      contentTypeToNumber(contentType),
      sequenceNumber,
      fragment,
      legacyVersion === 'dtls1_0',
    );
    return { bytes, number: { epoch: 0, sequenceNumber } };
  }

  /** A DTLSPlaintext record, numbered now and queued into `sink` in its place among the staged; its sequence number. */
  stagePlaintext(contentType: ContentType, fragment: Uint8Array, sink: Uint8Array[], joinsNext = false): number {
    const seq = this.nextPlaintext();
    this.stageWhole(plainRecord12(contentTypeToNumber(contentType), seq, fragment, false), sink, joinsNext);
    return seq;
  }

  /** The bytes a record of `length` content bytes of the type numbered `type` takes in `epoch` (0: DTLSPlaintext). */
  recordLength(type: number, length: number, epoch: number): number {
    return epoch === 0 ? HEADER12 + length : this.form.length(this.epochOf(epoch).cipher, type, length, this.shape);
  }

  /** A record made elsewhere (a 1.2 HelloVerifyRequest under the ClientHello's numbers), queued in its place. */
  stageWhole(record: Uint8Array, sink: Uint8Array[], joinsNext = false): void {
    (this.staged ??= StagedRecords.take()).addWhole(sink, record, joinsNext);
  }

  private nextPlaintext(): number {
    if (this.plaintextSeq > LAST_SEQUENCE_NUMBER)
      throw new RecordLayerError('DTLSPlaintext sequence numbers exhausted (2^48)');
    return this.plaintextSeq++;
  }

  /**
   * A protected record of `content`, in the write epoch or `options.epoch`, sealed at once; 1.3's header options for
   * this record only. @throws RecordLayerError.
   */
  seal(
    contentType: ContentType,
    content: Uint8Array,
    options: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number } = {},
  ): SealedRecord {
    this.sealStaged();
    const { epoch, sequenceNumberLength: bits, includeLength } = options;
    const state = this.epochOf(epoch);
    const shape =
      bits === undefined && includeLength === undefined
        ? this.shape
        : {
            ...this.shape,
            seq16: bits === undefined ? this.shape.seq16 : bits === 16,
            withLength: includeLength ?? this.shape.withLength,
          };
    const record = this.layOut(state, contentTypeToNumber(contentType), content, shape);
    const l = this.form.laid;
    const seq = this.laidSeq;
    try {
      state.cipher.protection.sealRecord(seq, record, l.headerLength, l.plaintextLength, l.snOffset, l.snBytes);
    } catch (e) {
      record.fill(0); // the plaintext copy in a slab shared with other records goes, whatever the seal left
      throw e;
    }
    return { bytes: record, number: { epoch: state.cipher.epoch, sequenceNumber: seq } };
  }

  /**
   * Numbers `content` (of the content type numbered `type`, e.g. `ContentType.application_data`) now, in the write
   * epoch (or `epoch`), and seals it with the records staged after it, into `sink` (`joinsNext`: in one datagram with
   * the record staged next); returns its sequence number. Nothing is staged if it throws. Once sealed, the record (or
   * its datagram) is handed off (wire/slab.ts): whoever takes it from `sink` is its one holder, and nothing here reads
   * it again. @throws RecordLayerError.
   */
  stage(type: number, content: Uint8Array, sink: Uint8Array[], joinsNext = false, epoch?: number): number {
    const state = epoch === undefined ? (this.write ?? this.epochOf(undefined)) : this.epochOf(epoch);
    const record = this.layOut(state, type, content, this.shape);
    const l = this.form.laid;
    (this.staged ??= StagedRecords.take()).add(
      state.cipher.protection,
      sink,
      record,
      l.headerLength,
      l.plaintextLength,
      this.laidSeq,
      l.snOffset,
      l.snBytes,
      joinsNext,
    );
    return this.laidSeq;
  }

  /** Seals every staged record and appends each to its queue, in staging order. */
  sealStaged(): void {
    const staged = this.staged;
    if (staged === undefined) return;
    this.staged = undefined;
    staged.seal(true);
  }

  /**
   * Before a datagram leaves (a connection's transmit gate): what was staged sealed, in staging order. Asked at every
   * poll, most of which find nothing staged.
   */
  transmitReady(): boolean {
    if (this.staged !== undefined) this.sealStaged();
    return true;
  }

  get stagedCount(): number {
    return this.staged?.count ?? 0;
  }

  /** The write epoch numbered `epoch` (undefined: the newest). @throws RecordLayerError when there is none. */
  private epochOf(epoch: number | undefined): WriteEpoch<K> {
    const state = epoch === undefined ? this.write : this.writes.get(epoch);
    if (state === undefined)
      throw new RecordLayerError(epoch === undefined ? 'no write keys installed' : `no write keys for epoch ${epoch}`);
    return state;
  }

  /** Checks, numbers and lays out one record, leaving its layout in the form's `laid`. */
  private layOut(state: WriteEpoch<K>, type: number, content: Uint8Array, shape: RecordShape): Uint8Array {
    const w = state.cipher;
    const limit = state.limit;
    if (w.used >= limit)
      throw new RecordLayerError(
        `epoch ${w.epoch} write key reached its usage limit (${limit} records): a KeyUpdate is required`,
      );
    if (state.seq > LAST_SEQUENCE_NUMBER)
      throw new RecordLayerError(`epoch ${w.epoch}: the 48-bit sequence number would wrap (RFC 6347 §4.1)`);
    const record = this.form.layOut(w, state.seq, type, content, shape);
    this.laidSeq = state.seq++;
    w.used++;
    return record;
  }

  /** One record per content: the bytes of as many {@link seal} calls, sealed together. @throws as seal, sealing none. */
  sealBatch(contentType: ContentType, contents: readonly Uint8Array[]): SealedRecord[] {
    this.sealStaged();
    const state = this.epochOf(undefined);
    const w = state.cipher;
    const limit = (this.limits ?? w.limits).confidentiality;
    if (w.used + contents.length > limit)
      throw new RecordLayerError(
        `epoch ${w.epoch} write key reached its usage limit (${limit} records): a KeyUpdate is required`,
      );
    const type = contentTypeToNumber(contentType);
    for (const c of contents) this.form.check(w, type, c.length, this.shape); // every record checked before any is numbered
    const first = state.seq;
    const out: Uint8Array[] = [];
    for (const c of contents) this.stage(type, c, out);
    this.sealStaged();
    return out.map((bytes, i) => {
      keep(bytes); // the caller's to keep, as seal's are
      return { bytes, number: { epoch: w.epoch, sequenceNumber: first + i } };
    });
  }
}
