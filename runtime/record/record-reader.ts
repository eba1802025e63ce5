import type { ContentType } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { TrafficKeys } from '../keyschedule/derived-keys.js';
import { bytesEqual, copyOf } from '../wire/index.js';
import { MessageArena, type MessageBuffers } from '../wire/message-arena.js';
import { Header13 } from './codec13.js';
import type { DropCounters } from './drops.js';
import { EpochCipher } from './epoch-cipher.js';
import type { HibernatedReadEpoch, HibernatedRecords } from './hibernated-records.js';
import { DEFAULT_INTEGRITY_BUDGET_SECONDS, IntegrityMonitor } from './integrity-monitor.js';
import { INTEGRITY_RATE_THRESHOLD, type AeadLimits } from './limits.js';
import { DEFAULT_MAX_READ_EPOCHS, DEFAULT_PREVIOUS_EPOCH_RETENTION, ReadEpochs } from './read-epochs.js';
import { ReadState13, type DuplicateObserver } from './read-state13.js';
import { readRecords, type RecordSink } from './record-loop.js';
import { ReplayWindow } from './replay-window.js';
import { SequenceRecovery } from './sequence-recovery.js';

/** What the read half of the record layer takes of `RecordLayerConfig` (record-layer.ts). */
export interface RecordReaderConfig {
  readonly provider: CryptoProvider;
  /** The connection ID this side receives (RFC 9146), once negotiated: incoming records must carry it. */
  readonly receiveConnectionId?: Uint8Array | undefined;
  /** Anti-replay window per epoch, in records (>= 64; default 64). */
  readonly replayWindow?: number;
  /** How long the previous application read epoch stays after a newer one authenticated (default 10,000 ms). */
  readonly previousEpochRetention?: number;
  /** Application read epochs held at once, at least 2 (default 4): bounds what repeated KeyUpdates can make us keep. */
  readonly maxReadEpochs?: number;
  /** Overrides of the per-AEAD usage limits (tests, or CCM-8 with extra safeguards). */
  readonly limits?: AeadLimits;
  /** Records read from one datagram at most; the rest is dropped unread (default 128). */
  readonly maxRecordsPerDatagram?: number;
  /** How application data is held: 'batch', one ArrayBuffer per receive batch (wire/message-arena.ts; a connection's default), or an ArrayBuffer per record. */
  readonly messageBuffers?: MessageBuffers;
  /** Protected records that may fail per second over all read epochs (default 100), past which one per datagram. */
  readonly maxFailedAuthenticationsPerSecond?: number;
  /** Least seconds the last quarter of a read key's integrity limit lasts under forgery (default 128; 0: unbounded). */
  readonly integrityBudgetSeconds?: number;
}

/** Defaults of two {@link RecordReaderConfig} options. */
export const DEFAULT_MAX_RECORDS_PER_DATAGRAM = 128;
export const DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND = 100;

/** What {@link RecordReader.receive} hands up for each record it did not drop. */
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
      /** A protected record for an epoch whose keys are not installed yet: pass it to `receive` again once they are. */
      readonly kind: 'deferred';
      readonly epochBits: number;
      readonly record: Uint8Array;
    };

/** A record {@link RecordReader.receive} hands up (not a deferred one). */
export type InboundRecord = Extract<ReceivedRecord, { kind: 'record' }>;

export type { DuplicateObserver } from './read-state13.js';

/**
 * The read half of the DTLS 1.3 record layer (RFC 9147 §4): a connection's field beside its writer (record-writer.ts);
 * invalid records are dropped and counted, never thrown.
 */
export class RecordReader {
  private readonly config: RecordReaderConfig;
  /** Length of the CIDs records to us carry (0: none). */
  private cidLength: number;
  private readonly readEpochs: ReadEpochs;
  private readonly state: ReadState13;
  private readonly header = new Header13();
  private readonly maxRecordsPerDatagram: number;
  /** 'batch' mode's memory for opened records. */
  private readonly arena: MessageArena | undefined;
  /** Failed authentications: the per-second budget and the read keys' integrity limits (RFC 9147 §4.5.3). */
  readonly integrity: IntegrityMonitor;

  constructor(config: RecordReaderConfig) {
    this.config = config;
    const own = config.receiveConnectionId;
    this.cidLength = own?.length ?? 0;
    const maxReadEpochs = integerOption('maxReadEpochs', config.maxReadEpochs ?? DEFAULT_MAX_READ_EPOCHS, 2, 0xffff);
    this.readEpochs = new ReadEpochs(config.previousEpochRetention ?? DEFAULT_PREVIOUS_EPOCH_RETENTION, maxReadEpochs);
    this.maxRecordsPerDatagram = integerOption(
      'maxRecordsPerDatagram',
      config.maxRecordsPerDatagram ?? DEFAULT_MAX_RECORDS_PER_DATAGRAM,
      1,
      0xffff,
    );
    const arena = config.messageBuffers === 'batch' ? new MessageArena() : undefined;
    this.arena = arena;
    this.integrity = new IntegrityMonitor(
      integerOption(
        'maxFailedAuthenticationsPerSecond',
        config.maxFailedAuthenticationsPerSecond ?? DEFAULT_MAX_FAILED_AUTHENTICATIONS_PER_SECOND,
        1,
        1_000_000,
      ),
      integerOption(
        'integrityBudgetSeconds',
        config.integrityBudgetSeconds ?? DEFAULT_INTEGRITY_BUDGET_SECONDS,
        0,
        86_400,
      ),
      INTEGRITY_RATE_THRESHOLD,
    );
    const state = new ReadState13(this.readEpochs, this.integrity, arena, this);
    state.cidLength = this.cidLength;
    state.ours = own === undefined ? undefined : (cid) => bytesEqual(cid, own);
    this.state = state;
  }

  /** The first protected record above our record_size_limit: the connection ends with record_overflow (RFC 8449 §4). */
  recordOverflow: { readonly epoch: number; readonly length: number } | undefined;

  /** Told of each record that authenticated but repeats one received (dropped as 'replay'): a sign of copying. */
  get onDuplicate(): DuplicateObserver | undefined {
    return this.state.onDuplicate;
  }

  set onDuplicate(observer: DuplicateObserver | undefined) {
    this.state.onDuplicate = observer;
  }

  /** Our record_size_limit: checked on records of epoch 2 and later (0-RTT records were sent before the peer knew it). */
  setReceiveInnerLimit(limit: number | undefined): void {
    if (limit !== undefined) this.state.receiveInnerLimit = limit;
  }

  /** The CIDs records to us carry: their length, which are ours, whether a record may come without one. */
  setConnectionIds(
    receive:
      { readonly length: number; readonly ours: (cid: Uint8Array) => boolean; readonly optional?: boolean } | undefined,
  ): void {
    this.cidLength = receive?.length ?? 0;
    const state = this.state;
    state.ours = receive === undefined || receive.length === 0 ? undefined : receive.ours;
    state.cidOptional = receive?.optional === true;
    state.cidLength = this.cidLength;
  }

  // ── keys ──────────────────────────────────────────────────────────────

  /** Accepts records of `epoch`; older epochs retire as records authenticate. `_now` is unused (kept for callers). */
  installReadKeys(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, _now?: number): void {
    this.readKeyGeneration++;
    this.readEpochs.install(epoch, {
      cipher: new EpochCipher(this.config.provider, epoch, suite, keys, this.config.limits),
      window: new ReplayWindow(this.config.replayWindow ?? 64),
      recovery: new SequenceRecovery(),
      expiresAt: undefined,
    });
  }

  /** Frees every read epoch's keys' OpenSSL contexts, made again by the next record opened. */
  park(): void {
    for (const [, r] of this.readEpochs.entries()) r.cipher.park();
  }

  /** Frees every read epoch's keys: nothing opens after. */
  release(): void {
    for (const [epoch] of [...this.readEpochs.entries()]) this.readEpochs.drop(epoch);
  }

  /** The read side of a session at rest (epochs `keep` names), or undefined while some state cannot be put to rest. */
  hibernation(keep: (epoch: number) => boolean): Omit<HibernatedRecords, 'write' | 'sendLimit'> | undefined {
    if (this.state.acceptPlaintext || this.recordOverflow !== undefined) return undefined;
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
      reads.push({
        epoch,
        right: window.right,
        words: [...window.words],
        used: cipher.used,
        failed: cipher.failed,
        failedInRow: r.recovery.inRow,
      });
    }
    return {
      reads,
      highestDropped,
      newestAuthenticated: this.readEpochs.marks.newestAuthenticated,
      receiveLimit: this.state.receiveInnerLimit,
      drops: this.state.dropCounts && { ...this.state.dropCounts },
    };
  }

  /** A hibernated session's read epochs again, with their replay windows, usage, limit and drop counts. */
  restore(h: HibernatedRecords, suite: SupportedCipherSuite, keys: (epoch: number) => TrafficKeys): void {
    for (const r of h.reads) {
      this.installReadKeys(r.epoch, suite, keys(r.epoch));
      const held = this.readEpochs.get(r.epoch)!;
      held.window.restore(r.right, r.words);
      held.cipher.used = r.used;
      held.cipher.failed = r.failed;
      held.recovery.restore(r.failedInRow);
    }
    this.readEpochs.restoreMarks(h);
    this.state.acceptPlaintext = false;
    this.setReceiveInnerLimit(h.receiveLimit);
    this.state.dropCounts = h.drops && { ...h.drops };
  }

  /** Drops a read epoch's keys now; its records count as 'epoch-dropped' from then on. */
  dropReadEpoch(epoch: number): void {
    this.readEpochs.drop(epoch);
  }

  /** Counts {@link installReadKeys} calls: compare before and after to learn that keys arrived. Only this class writes it. */
  readKeyGeneration = 0;

  setAcceptPlaintext(accept: boolean): void {
    this.state.acceptPlaintext = accept;
  }

  /** The earliest time at which {@link handleTimeout} has work (a retained epoch expiring), if any. */
  nextTimeout(): number | undefined {
    return this.readEpochs.nextExpiry;
  }

  handleTimeout(now: number): void {
    const due = this.readEpochs.nextExpiry;
    if (due !== undefined && due <= now) this.readEpochs.handleTimeout(now);
  }

  /** True while a held read key failed past its integrity limit (RFC 9147 §4.5.3): the connection SHOULD close. */
  get integrityLimitExceeded(): boolean {
    for (const [, r] of this.readEpochs.entries()) if (r.cipher.integrityExceeded) return true;
    return false;
  }

  /** Records deprotected and failed per read epoch, with its integrity limit. */
  usage(): { epoch: number; used: number; failed: number; integrityLimit: number }[] {
    const read: { epoch: number; used: number; failed: number; integrityLimit: number }[] = [];
    for (const [epoch, r] of this.readEpochs.entries())
      read.push({ epoch, used: r.cipher.used, failed: r.cipher.failed, integrityLimit: r.cipher.limits.integrity });
    return read;
  }

  // ── receiving ─────────────────────────────────────────────────────────

  /** Processes every record of a datagram: the records to hand up, none viewing or keeping `datagram`. */
  receive(datagram: Uint8Array, now: number): ReceivedRecord[] {
    const out: ReceivedRecord[] = [];
    this.read(datagram, now, {
      take(d, h, content) {
        out.push(receivedRecord(d, h, content));
        return true;
      },
      held(d, h) {
        out.push({ kind: 'deferred', epochBits: h.epochBits, record: copyOf(d.subarray(h.at, h.end)) });
      },
    });
    return out;
  }

  /** @internal Reads every record of a datagram into `sink`, never handing on a view of `datagram`. */
  read(datagram: Uint8Array, now: number, sink: RecordSink<Header13>): void {
    const integrity = this.integrity;
    if (integrity.failedInDatagram !== 0) integrity.datagramStarted();
    readRecords(this.state, datagram, this.header, now, this.maxRecordsPerDatagram, sink);
    this.arena?.datagramDone();
  }

  get drops(): Readonly<DropCounters> {
    return this.state.drops;
  }

  /**
   * The run road: the datagram the receive batch is at (`at`, `length` in `buffer`), taken as the next application
   * data record of the run opened ahead, its content returned and its epoch and sequence number written to `taken`;
   * undefined, nothing changed, when {@link read} must read it (read-state13.ts `takeNext`).
   */
  takeNext(
    buffer: Uint8Array,
    at: number,
    length: number,
    taken: { epoch: number; sequenceNumber: number; connectionId: Uint8Array | undefined },
  ): Uint8Array | undefined {
    return this.state.takeNext(buffer, at, length, taken);
  }
}

/** The record the loop opened as handed up (epoch 0: DTLSPlaintext), its CID copied out of the datagram. */
function receivedRecord(d: Uint8Array, h: Header13, content: Uint8Array): InboundRecord {
  const epoch = h.epoch;
  if (epoch === 0) {
    const contentType = contentTypeFromByte(h.contentType);
    return { kind: 'record', epoch, sequenceNumber: h.sequenceNumber, contentType, content, protected: false };
  }
  return {
    kind: 'record',
    epoch,
    sequenceNumber: h.sequenceNumber,
    contentType: contentTypeFromByte(h.contentType),
    content,
    protected: true,
    connectionId: h.hasCid ? d.slice(h.at + 1, h.at + 1 + h.cidLength) : undefined,
  };
}

const CONTENT_TYPE_NAMES: Readonly<Record<number, ContentType>> = {
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
  26: 'ack',
  27: 'return_routability_check',
};

/** A DTLSInnerPlaintext's content type byte, by name where DTLS 1.3 knows it. */
export function contentTypeFromByte(n: number): ContentType {
  return CONTENT_TYPE_NAMES[n] ?? n;
}
