import { readDtlsCiphertextHeader, writeDtlsCiphertextHeader } from '../../generated/wire/dtls-ciphertext-header.js';
import { contentTypeToNumber, type ContentType } from '../../generated/wire/enums.js';
import { encodeDtlsPlaintext, readDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { bytesEqual, copyOf, DecodeError, Reader, scratchWriter } from '../wire/index.js';
import { allocate } from '../wire/slab.js';
import { emptyDropCounters, type DropCounters, type DropReason } from './drops.js';
import { EpochCipher } from './epoch-cipher.js';
import { decodeInnerPlaintext, noPadding, type PaddingPolicy } from './inner-plaintext.js';
import type { AeadLimits } from './limits.js';
import { ReplayWindow } from './replay-window.js';
import { reconstructSequenceNumber } from './sequence.js';

/** Largest DTLSInnerPlaintext content (RFC 8446 §5.1) and ciphertext (§5.2). */
const MAX_PLAINTEXT = 16384;
const MAX_CIPHERTEXT = 16384 + 256;

export interface RecordLayerConfig {
  readonly provider: CryptoProvider;
  /** The connection ID this side receives (RFC 9146), once negotiated: incoming records must carry it. */
  readonly receiveConnectionId?: Uint8Array | undefined;
  /** The connection ID to put in outgoing records (the peer's), once negotiated. */
  readonly sendConnectionId?: Uint8Array | undefined;
  /** Anti-replay window per epoch, in records (>= 64; default 64). */
  readonly replayWindow?: number;
  /** How long a superseded read epoch's keys stay for reordered records, in the caller's time units (default 10,000 ms). */
  readonly previousEpochRetention?: number;
  /** Padding of protected records (default none). */
  readonly padding?: PaddingPolicy;
  /** Low sequence number bits in outgoing unified headers (default 16). */
  readonly sequenceNumberLength?: 8 | 16;
  /** Whether outgoing unified headers carry a length (default true; without, the record must end its datagram). */
  readonly includeLength?: boolean;
  /** Overrides of the per-AEAD usage limits (tests, or CCM-8 with extra safeguards). */
  readonly limits?: AeadLimits;
}

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
    }
  | {
      /** A protected record for an epoch whose keys are not installed yet: keep it and pass it to `receive` again once they are. */
      readonly kind: 'deferred';
      readonly epochBits: number;
      readonly record: Uint8Array;
    };

interface ReadEpoch {
  readonly cipher: EpochCipher;
  readonly window: ReplayWindow;
  /** When the keys are dropped; set once a newer epoch is installed. */
  expiresAt: number | undefined;
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
  /** Dropped incoming records by reason. */
  readonly drops: DropCounters = emptyDropCounters();
  private readonly config: RecordLayerConfig;
  private readonly cidLength: number;
  /** Write ciphers by epoch with their next sequence number; `write` is the newest. */
  private readonly writes = new Map<number, { readonly cipher: EpochCipher; seq: number }>();
  private write: EpochCipher | undefined;
  private plaintextSeq = 0;

  /** Our epoch-0 records continue from `next` (never backwards): used after a stateless HelloRetryRequest took a sequence number this layer never saw. */
  continuePlaintextFrom(next: number): void {
    this.plaintextSeq = Math.max(this.plaintextSeq, next);
  }
  private readonly readEpochs = new Map<number, ReadEpoch>();
  /** Every read epoch at or below this was installed once and has been dropped (epochs only move forward). */
  private highestDropped = -1;
  private acceptPlaintext = true;
  /** The record number of the record sealed last (what an ACK of it will name). */
  lastSealed: { readonly epoch: number; readonly sequenceNumber: number } | undefined;
  /** Where outgoing DTLSInnerPlaintext is staged, so the AEAD sees one contiguous input without an allocation per record. */
  private readonly inner = new Uint8Array(MAX_PLAINTEXT + 1 + 255 + 16);
  /** Where an incoming record's header is unmasked to serve as additional data (1 + CID + 2 + 2 bytes at most). */
  private readonly aadScratch = new Uint8Array(1 + 255 + 4);

  constructor(config: RecordLayerConfig) {
    this.config = config;
    this.cidLength = config.receiveConnectionId?.length ?? 0;
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /**
   * Starts protecting outgoing records with `epoch`'s keys (sequence numbers
   * start at 0). Older write epochs stay usable through `seal`'s `epoch`
   * option, for retransmitting a flight of the previous epoch, until
   * {@link retireWriteEpoch}.
   */
  installWriteKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.writes.get(epoch)?.cipher.release();
    const cipher = new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits);
    this.writes.set(epoch, { cipher, seq: 0 });
    if (this.write === undefined || epoch >= this.write.epoch) this.write = cipher;
  }

  /** Drops the keys of an old write epoch. */
  retireWriteEpoch(epoch: number): void {
    const w = this.writes.get(epoch);
    if (!w || w.cipher === this.write) return;
    w.cipher.release();
    this.writes.delete(epoch);
  }

  /** Accepts records of `epoch`; older epochs stay readable until `now` + the retention time. */
  installReadKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, now: number): void {
    const retention = this.config.previousEpochRetention ?? 10_000;
    for (const [e, r] of this.readEpochs) if (e < epoch && r.expiresAt === undefined) r.expiresAt = now + retention;
    this.readEpochs.get(epoch)?.cipher.release();
    this.readEpochs.set(epoch, {
      cipher: new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits),
      window: new ReplayWindow(this.config.replayWindow ?? 64),
      expiresAt: undefined,
    });
  }

  /** Drops a read epoch's keys now; its records are counted as 'epoch-dropped' from then on. */
  dropReadEpoch(epoch: number): void {
    const r = this.readEpochs.get(epoch);
    if (!r) return;
    r.cipher.release();
    this.readEpochs.delete(epoch);
    if (epoch > this.highestDropped) this.highestDropped = epoch;
  }

  /** Stop (or resume) accepting DTLSPlaintext records, e.g. once the handshake is over. */
  setAcceptPlaintext(accept: boolean): void {
    this.acceptPlaintext = accept;
  }

  /** The earliest time at which {@link handleTimeout} has work (a retained epoch expiring), if any. */
  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const r of this.readEpochs.values()) if (r.expiresAt !== undefined && (t === undefined || r.expiresAt < t)) t = r.expiresAt;
    return t;
  }

  /** Drops the keys of superseded epochs whose retention ended at or before `now`. */
  handleTimeout(now: number): void {
    // Runs on every datagram: no copy of the map (deleting the entry being visited is safe in a Map iteration).
    for (const [e, r] of this.readEpochs) if (r.expiresAt !== undefined && r.expiresAt <= now) this.dropReadEpoch(e);
  }

  /** Current write epoch, or undefined before keys exist. */
  get writeEpoch(): number | undefined {
    return this.write?.epoch;
  }

  /** True when the write key is near its usage limit and a KeyUpdate should start (RFC 9147 §4.5.3). */
  get keyUpdateDue(): boolean {
    return this.write?.keyUpdateDue ?? false;
  }

  /** True when some read key saw more authentication failures than its integrity limit: close the connection. */
  get integrityLimitExceeded(): boolean {
    for (const r of this.readEpochs.values()) if (r.cipher.integrityExceeded) return true;
    return false;
  }

  /** Per-key usage: records protected with the write key, and deprotected / failed per read epoch. */
  usage(): { write?: { epoch: number; used: number; limit: number }; read: { epoch: number; used: number; failed: number }[] } {
    const read: { epoch: number; used: number; failed: number }[] = [];
    for (const [epoch, r] of this.readEpochs) read.push({ epoch, used: r.cipher.used, failed: r.cipher.failed });
    return this.write ? { write: { epoch: this.write.epoch, used: this.write.used, limit: this.write.limits.confidentiality }, read } : { read };
  }

  // ── sending ───────────────────────────────────────────────────────────

  /** A DTLSPlaintext record (epoch 0). `legacyVersion` is 0xfefd except for an initial ClientHello (RFC 9147 §4). */
  sealPlaintext(contentType: ContentType, fragment: Uint8Array, legacyVersion: 'dtls1_2' | 'dtls1_0' = 'dtls1_2'): Uint8Array {
    if (this.plaintextSeq > 0xffffffffffff) throw new RecordLayerError('DTLSPlaintext sequence numbers exhausted (2^48)');
    this.lastSealed = { epoch: 0, sequenceNumber: this.plaintextSeq };
    return encodeDtlsPlaintext({ type: contentType, legacyRecordVersion: legacyVersion, epoch: 0, sequenceNumber: this.plaintextSeq++, fragment });
  }

  /** A DTLSCiphertext record of `content` in the current write epoch. */
  seal(contentType: ContentType, content: Uint8Array, options: { sequenceNumberLength?: 8 | 16; includeLength?: boolean; epoch?: number } = {}): Uint8Array {
    const state = options.epoch === undefined ? (this.write ? this.writes.get(this.write.epoch) : undefined) : this.writes.get(options.epoch);
    if (!state) throw new RecordLayerError(options.epoch === undefined ? 'no write keys installed' : `no write keys for epoch ${options.epoch}`);
    const w = state.cipher;
    if (w.exhausted) throw new RecordLayerError(`epoch ${w.epoch} write key reached its usage limit (${w.limits.confidentiality} records): a KeyUpdate is required`);
    if (content.length > MAX_PLAINTEXT) throw new RecordLayerError(`record content of ${content.length} bytes exceeds 2^14`);
    const type = contentTypeToNumber(contentType);
    const tag = w.suite.tagLength;
    const padding = Math.max((this.config.padding ?? noPadding)(content.length, type), 16 - tag - content.length - 1, 0);
    if (content.length + 1 + padding > this.inner.length) throw new RecordLayerError(`padding of ${padding} bytes does not fit a record`);
    const innerLength = content.length + 1 + padding;
    const inner = this.inner;
    inner.set(content, 0);
    inner[content.length] = type;
    inner.fill(0, content.length + 1, innerLength);
    const seq = state.seq++;
    this.lastSealed = { epoch: w.epoch, sequenceNumber: seq };
    const seq16 = (options.sequenceNumberLength ?? this.config.sequenceNumberLength ?? 16) === 16;
    const withLength = options.includeLength ?? this.config.includeLength ?? true;
    const cid = this.config.sendConnectionId;
    const hw = scratchWriter('DtlsCiphertextHeader');
    writeDtlsCiphertextHeader(hw, {
      sequenceNumber16bit: seq16,
      epochLowBits: w.epoch & 3,
      connectionId: cid,
      sequenceNumber: seq16 ? seq & 0xffff : seq & 0xff,
      length: withLength ? innerLength + tag : undefined,
    }, cid?.length ?? 0);
    const header = hw.finish();
    const out = allocate(header.length + innerLength + tag);
    out.set(header, 0);
    w.sealInto(seq, header, [inner.subarray(0, innerLength)], out, header.length);
    const mask = w.mask(out.subarray(header.length));
    const at = 1 + (cid?.length ?? 0);
    out[at]! ^= mask[0]!;
    if (seq16) out[at + 1]! ^= mask[1]!;
    return out;
  }

  // ── receiving ─────────────────────────────────────────────────────────

  /** Processes every record of a datagram; returns the records to hand up, in order. */
  receive(datagram: Uint8Array, _now: number): ReceivedRecord[] {
    const out: ReceivedRecord[] = [];
    const r = new Reader(datagram, 'Datagram');
    for (let index = 0; r.pos < r.end; index++) {
      const first = datagram[r.pos]!;
      let ok: boolean;
      if (first === 21 || first === 22 || first === 26) ok = this.receivePlaintext(r, out);
      else if ((first & 0xe0) === 0x20) ok = this.receiveCiphertext(r, datagram, out);
      else {
        this.drop('unknown-record-type');
        ok = false;
      }
      if (!ok) {
        if (r.pos < r.end) this.drop('datagram-remainder');
        break;
      }
    }
    return out;
  }

  private drop(reason: DropReason): void {
    this.drops[reason]++;
  }

  /** Reads one DTLSPlaintext; false when the rest of the datagram can't be parsed. */
  private receivePlaintext(r: Reader, out: ReceivedRecord[]): boolean {
    let rec;
    try {
      rec = readDtlsPlaintext(r);
    } catch (e) {
      this.drop(e instanceof DecodeError && /maximum/.test(e.reason) ? 'too-long' : 'malformed');
      return false;
    }
    if (rec.epoch !== 0) this.drop('plaintext-epoch');
    else if (!this.acceptPlaintext) this.drop('plaintext-refused');
    else out.push({ kind: 'record', epoch: 0, sequenceNumber: rec.sequenceNumber, contentType: rec.type, content: rec.fragment, protected: false });
    return true;
  }

  /** Reads and deprotects one DTLSCiphertext; false when the rest of the datagram must be discarded. */
  private receiveCiphertext(r: Reader, datagram: Uint8Array, out: ReceivedRecord[]): boolean {
    const start = r.pos;
    let header;
    let encrypted: Uint8Array;
    try {
      header = readDtlsCiphertextHeader(r, this.cidLength);
      encrypted = header.length === undefined ? r.rest() : r.bytes(header.length, 'encrypted_record');
    } catch (e) {
      this.drop(e instanceof DecodeError && /maximum/.test(e.reason) ? 'too-long' : 'malformed');
      return false;
    }
    const expected = this.config.receiveConnectionId;
    if (expected === undefined ? header.connectionId !== undefined : header.connectionId === undefined || !bytesEqual(header.connectionId, expected)) {
      this.drop('connection-id');
      return false;
    }
    const headerEnd = r.pos - encrypted.length;
    if (encrypted.length > MAX_CIPHERTEXT) return this.dropAndGoOn('too-long');
    if (encrypted.length < 16) return this.dropAndGoOn('too-short');
    const epoch = this.resolveEpoch(header.epochLowBits);
    if (typeof epoch === 'string') {
      if (epoch === 'deferred') out.push({ kind: 'deferred', epochBits: header.epochLowBits, record: copyOf(datagram.subarray(start, r.pos)) });
      else this.drop(epoch);
      return true;
    }
    const { cipher, window } = epoch;
    const mask = cipher.mask(encrypted);
    const bits = header.sequenceNumber16bit ? 16 : 8;
    const low = header.sequenceNumber ^ (bits === 16 ? (mask[0]! << 8) | mask[1]! : mask[0]!);
    const seq = reconstructSequenceNumber(low, bits, window.right + 1);
    // The header with the record number unmasked, staged in a buffer kept for it (the AEAD reads it synchronously).
    const headerLength = headerEnd - start;
    const aad = this.aadScratch.subarray(0, headerLength);
    aad.set(datagram.subarray(start, headerEnd));
    const at = 1 + this.cidLength;
    if (bits === 16) {
      aad[at] = low >>> 8;
      aad[at + 1] = low & 0xff;
    } else aad[at] = low;
    const inner = cipher.open(seq, aad, encrypted);
    if (inner === undefined) return this.dropAndGoOn('authentication');
    const fresh = window.check(seq);
    if (fresh !== 'new') return this.dropAndGoOn(fresh === 'duplicate' ? 'replay' : 'too-old');
    window.accept(seq);
    const parsed = decodeInnerPlaintext(inner);
    if (!parsed) return this.dropAndGoOn('no-content-type');
    if (parsed.content.length > MAX_PLAINTEXT) return this.dropAndGoOn('too-long');
    out.push({ kind: 'record', epoch: cipher.epoch, sequenceNumber: seq, contentType: contentTypeFromByte(parsed.contentType), content: parsed.content, protected: true });
    return true;
  }

  private dropAndGoOn(reason: DropReason): true {
    this.drop(reason);
    return true;
  }

  /**
   * The read epoch for two epoch bits (RFC 9147 §4.2.2): the newest installed
   * epoch with those bits; else a recent past epoch whose keys are gone
   * ('epoch-dropped'); else one of the next epochs, not installed yet
   * ('deferred', so the caller can keep the record); else 'unknown-epoch'.
   */
  private resolveEpoch(bits: number): ReadEpoch | 'deferred' | 'epoch-dropped' | 'unknown-epoch' {
    let best: number | undefined;
    let newest = -1;
    for (const e of this.readEpochs.keys()) {
      if (e > newest) newest = e;
      if ((e & 3) === bits && (best === undefined || e > best)) best = e;
    }
    if (best !== undefined) return this.readEpochs.get(best)!;
    const base = Math.max(newest, this.highestDropped, 0);
    for (let e = Math.min(base, this.highestDropped); e >= Math.max(0, base - 3); e--) if ((e & 3) === bits) return 'epoch-dropped';
    for (let e = base + 1; e <= base + 3; e++) if ((e & 3) === bits) return 'deferred';
    return 'unknown-epoch';
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
    default:
      return n;
  }
}
