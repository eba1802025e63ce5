/** DTLS 1.3's read side (RFC 9147 §4): a record's epoch, sequence number, budgets, replay window and content type. */
import { contentTypeToNumber } from '../../generated/wire/enums.js';
import { copyOf, Reader } from '../wire/index.js';
import { lendArena, MessageArena } from '../wire/message-arena.js';
import { APPLICATION_DATA } from './codec12.js';
import { CODEC13, MAX_CIPHERTEXT_13, type Header13 } from './codec13.js';
import { emptyDropCounters, readRecordOrDrop, type DropCounters, type DropReason } from './drops.js';
import type { EpochCipher } from './epoch-cipher.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
import { OPEN_RUNS, OpenedAhead, type OpenRun } from './opened-ahead.js';
import type { ReadEpochs } from './read-epochs.js';
import { HELD } from './record-codec.js';
import { OPEN_UNFRAMED, type LoopVersion, type RecordSink } from './record-loop.js';
import { MAX_PLAINTEXT } from './write-form13.js';

const EMPTY = new Uint8Array(0);
const NO_DROPS: Readonly<DropCounters> = Object.freeze(emptyDropCounters());

/** Told of each record that authenticated but repeats one already received (an object with a method: no closure). */
export interface DuplicateObserver {
  duplicate(epoch: number, sequenceNumber: number): void;
}

/** Where a read state tells the first record above our record_size_limit (the connection ends with record_overflow). */
export interface RecordOverflow {
  recordOverflow: { readonly epoch: number; readonly length: number } | undefined;
}

/**
 * Where the run road's {@link ReadState13.takeNext} writes the epoch and sequence number of the record it took: the
 * caller's (one shared by every connection: a session keeps no field for it).
 */
export interface TakenRecord {
  epoch: number;
  sequenceNumber: number;
  /** The CID the record carried (the run's, all its records carry it: a copy made once per run), or undefined. */
  connectionId: Uint8Array | undefined;
}

/** DTLS 1.3's read side for the record loop: the codec, a record's opening, the generic decoder, the drop counters. */
export class ReadState13 implements LoopVersion<Header13> {
  readonly codec = CODEC13;
  readonly wholeDatagrams = false;
  /** A CID not ours: the records after it are not ours to parse either. */
  readonly endsDatagram: DropReason = 'connection-id';
  /** DTLSPlaintext records are taken (until the peer authenticated under epoch 2, or the handshake ended). */
  acceptPlaintext = true;
  /** The drop counters, made with the first drop. */
  dropCounts: DropCounters | undefined;
  private readonly reader = new Reader(EMPTY, 'Datagram');
  private readonly epochs: ReadEpochs;
  private readonly integrity: IntegrityMonitor;
  /** 'batch' mode's memory for opened records (undefined: 'own'). */
  private readonly arena: MessageArena | undefined;
  /**
   * The receive batch's records opened in one call, made with the first record that may be: into 'batch' mode's arena,
   * or in 'own' mode into one of its own that no message views (each copied out into an ArrayBuffer of its own).
   */
  private ahead: OpenedAhead | undefined;
  /** The CID the records of the run opened ahead carry (the addon opens only those): copied once per run. */
  private runCid: Uint8Array | undefined;
  /** The length of the CIDs records to us carry (0: none): where the sequence number bits start. */
  cidLength = 0;
  /** Which CIDs are ours (undefined: none negotiated, a record with one is refused). */
  ours: ((cid: Uint8Array) => boolean) | undefined;
  /** Records without a CID are taken too (a client between its ClientHello and the server's answer). */
  cidOptional = false;
  /** RFC 8449: our record_size_limit (the largest DTLSInnerPlaintext we take), once negotiated. */
  receiveInnerLimit: number | undefined;
  /** Where the first protected record above our record_size_limit (dropped, counted 'too-long') is told. */
  private readonly overflow: RecordOverflow;
  onDuplicate: DuplicateObserver | undefined;

  constructor(
    epochs: ReadEpochs,
    integrity: IntegrityMonitor,
    arena: MessageArena | undefined,
    overflow: RecordOverflow = { recordOverflow: undefined },
  ) {
    this.overflow = overflow;
    this.epochs = epochs;
    this.integrity = integrity;
    this.arena = arena;
  }

  /** Opens record `h` (epoch, sequence number and type set in it), {@link HELD} before its keys, or why dropped. */
  open(d: Uint8Array, h: Header13, now: number): Uint8Array | DropReason | typeof HELD {
    const ours = this.ours;
    const at = h.at;
    if (
      h.hasCid
        ? ours === undefined || !ours(d.subarray(at + 1, at + 1 + h.cidLength))
        : ours !== undefined && !this.cidOptional
    )
      return 'connection-id';
    const length = h.length;
    if (length > MAX_CIPHERTEXT_13) return 'too-long';
    if (length < 16) return 'too-short';
    // The held epoch with these bits from its slot (resolve's first answer, inline); other bits resolved.
    const epochs = this.epochs;
    const epoch = epochs.slots[h.epochBits] ?? epochs.resolve(h.epochBits);
    if (typeof epoch === 'string') return epoch === 'deferred' ? HELD : epoch;
    const { cipher, window, recovery } = epoch;
    if (cipher.failed > cipher.limits.integrity) return 'integrity-limit'; // EpochCipher.integrityExceeded, read inline
    // Past the second's budget a datagram gets one failed decryption, and a key past its rate none: a flood costs one
    // decryption a datagram, never stops the peer's own records, and never spends the key's integrity limit.
    const integrity = this.integrity;
    if ((integrity.failedInDatagram !== 0 || cipher.failureWindow !== undefined) && !integrity.mayOpen(now, cipher))
      return 'authentication-rate';
    const { headerLength, seq16 } = h;
    const seqAt = 1 + this.cidLength;
    const seqLength = seq16 ? 2 : 1;
    // Each record is opened into its own array or this connection's arena: its `.buffer` shows no other session's bytes
    // (docs/security/buffers.md). 'batch' mode: a record that is all of `d` is opened with the rest of the receive
    // batch (opened-ahead.ts), counted here as EpochCipher.openRecord counts.
    const expected = window.right + 1;
    const arena = this.arena;
    let ahead: OpenedAhead | undefined;
    const whole = at === 0 && h.end === d.length && !this.cidOptional;
    if (whole && OPEN_RUNS && cipher.protection.openRun !== undefined) {
      ahead = this.ahead ??= new OpenedAhead(arena ?? new MessageArena(), true);
      const generation = epochs.generation;
      const bits = seq16 ? 16 : 8;
      if (!ahead.take(d, cipher, generation, bits, expected)) {
        const run = ahead.mayOpen(d) ? this.openRun(d, h, cipher, expected) : undefined;
        if (run === undefined || !ahead.open(d, cipher, generation, run)) ahead = undefined;
        else if (!ahead.take(d, cipher, generation, bits, expected)) ahead = undefined;
      }
      if (ahead !== undefined) {
        if (ahead.inner === undefined) cipher.failed++;
        else cipher.used++;
      }
    }
    // The arena lent to the provider only for a record opened alone (a run's records are in it already).
    const allocate = ahead !== undefined || arena === undefined ? undefined : lendArena(arena, d.length);
    let inner =
      ahead !== undefined
        ? ahead.inner
        : cipher.openRecord(d, at, headerLength, length, seqAt, seqLength, expected, allocate);
    if (inner === undefined) {
      if (ahead === undefined) arena?.failed();
      this.integrity.failed(now, cipher);
      // Now and then one attempt further ahead after a long run of lost records (sequence-recovery.ts), within the
      // budgets; it counts toward the key's integrity limit and rate, not the CPU budget.
      const further = recovery.nextExpected(expected, seq16 ? 16 : 8, cipher.limits.integrity);
      if (further !== undefined && this.integrity.mayOpen(now, cipher)) {
        const lent = arena === undefined ? undefined : lendArena(arena, d.length);
        inner = cipher.openRecord(d, at, headerLength, length, seqAt, seqLength, further, lent);
        if (inner === undefined) {
          arena?.failed();
          this.integrity.keyFailed(now, cipher);
        }
      }
      if (inner === undefined) return 'authentication';
    }
    if (recovery.inRow !== 0) recovery.opened();
    const fromAhead = ahead !== undefined && inner === ahead.inner;
    const seq = fromAhead ? ahead!.seq : cipher.openedSequenceNumber;
    // A record opened ahead as application data is its content alone: the addon found its type at opening, before the
    // application could write in the arena (opened-ahead.ts); a drop zeroes its whole plaintext there.
    const knownAt = fromAhead ? ahead!.typeAt : -1;
    const known = knownAt >= 0;
    const fresh = window.accept(seq);
    if (fresh === 'duplicate') this.onDuplicate?.duplicate(cipher.epoch, seq);
    if (fresh !== 'new') return this.dropOpened(inner, fresh === 'duplicate' ? 'replay' : 'too-old', known);
    if (cipher.epoch > epochs.newestAuthenticated) epochs.authenticated(cipher.epoch, now);
    const innerLength = fromAhead ? ahead!.plaintextLength : inner.length;
    if (this.receiveInnerLimit !== undefined && cipher.epoch >= 2 && innerLength > this.receiveInnerLimit) {
      this.overflow.recordOverflow ??= { epoch: cipher.epoch, length: innerLength };
      return this.dropOpened(inner, 'too-long', known);
    }
    // The content type is the last non-zero byte (inner-plaintext.ts's contentTypeIndex, inline: once per record).
    let typeAt = known ? knownAt : inner.length - 1;
    if (!known) while (typeAt >= 0 && inner[typeAt] === 0) typeAt--;
    if (typeAt < 0) return this.dropOpened(inner, 'no-content-type', known);
    if (typeAt > MAX_PLAINTEXT) return this.dropOpened(inner, 'too-long', known);
    const type = known ? APPLICATION_DATA : inner[typeAt]!;
    let content = known ? inner : inner.subarray(0, typeAt);
    // 'batch' mode keeps only application data in the arena: a transferred buffer detaches nothing the connection holds.
    if (arena !== undefined && type !== APPLICATION_DATA) {
      content = content.slice();
      arena.giveBack(inner);
    } else if (arena === undefined && fromAhead) {
      // 'own' mode, from the run: the content in an ArrayBuffer of its own, the run's copy zeroed.
      content = content.slice();
      if (known) ahead!.zeroTaken();
    }
    h.epoch = cipher.epoch;
    h.sequenceNumber = seq;
    h.contentType = type;
    return content;
  }

  /**
   * The run road: the datagram the receive batch is at now (`at`, `length` in `buffer`; no view of it made), taken as
   * the next record of the run opened ahead, when {@link open} would take it from that run as an application data
   * record and nothing else: its epoch held and the newest authenticated, its CID (the run's) still one of ours, no
   * failed authentication pending in its budgets, fresh in the replay window, within our record_size_limit. Its content
   * ('own' mode: copied into an ArrayBuffer of its own), its epoch, sequence number and CID written to `taken`;
   * undefined, with nothing changed, for any other.
   */
  takeNext(buffer: Uint8Array, at: number, length: number, taken: TakenRecord): Uint8Array | undefined {
    const ahead = this.ahead;
    if (ahead === undefined || this.cidOptional) return undefined;
    const b0 = buffer[at]!;
    // A unified header (the run's records share its form), with a CID when they are negotiated, without one when not.
    const ours = this.ours;
    if ((b0 & 0xf0) !== (ours === undefined ? 0x20 : 0x30)) return undefined;
    // The run holds only records with its first's CID (the addon compares each): one of ours now, as open() asks.
    const cid = ours === undefined ? undefined : this.runCid;
    if (cid !== undefined && (cid.length !== this.cidLength || !ours!(cid))) return undefined;
    const epochs = this.epochs;
    const epoch = epochs.slots[b0 & 3];
    if (epoch === undefined) return undefined;
    const { cipher, window, recovery } = epoch;
    if (cipher.failed > cipher.limits.integrity || cipher.epoch > epochs.newestAuthenticated) return undefined;
    if (this.integrity.failedInDatagram !== 0 || cipher.failureWindow !== undefined || recovery.inRow !== 0)
      return undefined;
    const bits = (b0 & 0x08) !== 0 ? 16 : 8;
    if (!ahead.findNext(at, length, cipher, epochs.generation, bits, window.right + 1)) return undefined;
    const seq = ahead.seq;
    const limit = this.receiveInnerLimit;
    if (!window.fresh(seq) || ahead.typeAt > MAX_PLAINTEXT) return undefined;
    if (limit !== undefined && cipher.epoch >= 2 && ahead.plaintextLength > limit) return undefined;
    window.accept(seq);
    cipher.used++;
    taken.epoch = cipher.epoch;
    taken.sequenceNumber = seq;
    taken.connectionId = cid;
    return this.arena === undefined ? ahead.takeFoundOwn() : ahead.takeFound();
  }

  /** 'batch' mode: the call that opens the batch's run of records like `h` (opened-ahead.ts), if the keys have one. */
  private openRun(d: Uint8Array, h: Header13, cipher: EpochCipher, expected: number): OpenRun | undefined {
    const protection = cipher.protection;
    if (protection.openRun === undefined) return undefined;
    const c = h.hasCid ? d.slice(h.at + 1, h.at + 1 + h.cidLength) : EMPTY;
    this.runCid = h.hasCid ? c : undefined;
    const epochBits = h.epochBits;
    return (buf, pairs, n, out, results) =>
      protection.openRun?.(buf, pairs, n, c, epochBits, expected, out, results) ?? 0;
  }

  /** A record the unified header does not frame, read by the generic decoder (a ciphertext header left in `h`). */
  unframed(d: Uint8Array, at: number, _now: number, sink: RecordSink<Header13>, h: Header13): number {
    const r = this.reader;
    r.buf = d;
    r.end = d.length;
    r.pos = at;
    const next = this.decoded(d, at, sink, h);
    r.buf = EMPTY;
    return next;
  }

  private decoded(d: Uint8Array, at: number, sink: RecordSink<Header13>, h: Header13): number {
    const r = this.reader;
    const rec = readRecordOrDrop(r, this.cidLength, this);
    if (rec === undefined) return this.remainder(r.pos, d);
    h.at = at;
    h.end = r.pos;
    if (rec.kind === 'ciphertext') {
      const decoded = rec.header;
      h.epochBits = decoded.epochLowBits;
      h.hasCid = decoded.connectionId !== undefined;
      h.cidLength = decoded.connectionId?.length ?? 0;
      h.seq16 = decoded.sequenceNumber16bit;
      h.length = rec.encryptedRecord.length;
      h.headerLength = h.end - h.length - at;
      return OPEN_UNFRAMED;
    }
    const p = rec.record;
    if (p.epoch !== 0) this.drop('plaintext-epoch');
    else if (!this.acceptPlaintext) this.drop('plaintext-refused');
    else {
      h.hasCid = false;
      h.epoch = 0;
      h.sequenceNumber = p.sequenceNumber;
      h.contentType = contentTypeToNumber(p.type);
      // A copy: the datagram may be a view of a receive buffer that the next read overwrites (DatagramIo.receive's `lend`).
      if (!sink.take(d, h, copyOf(p.fragment))) return -1;
    }
    return h.end;
  }

  private remainder(at: number, d: Uint8Array): number {
    if (at < d.length) this.drop('datagram-remainder');
    return -1;
  }

  drop(reason: DropReason): void {
    (this.dropCounts ??= emptyDropCounters())[reason]++;
  }

  get drops(): Readonly<DropCounters> {
    return this.dropCounts ?? NO_DROPS;
  }

  /**
   * A record that authenticated, dropped: in 'batch' mode its plaintext leaves the arena (zeroed); `ahead`: it was
   * handed out by the run as its content alone, and the run zeroes the whole plaintext.
   */
  private dropOpened(inner: Uint8Array, reason: DropReason, ahead = false): DropReason {
    if (ahead) this.ahead!.zeroTaken();
    else this.arena?.giveBack(inner);
    return reason;
  }
}
