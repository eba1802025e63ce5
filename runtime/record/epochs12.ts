/** DTLS 1.2's read and write epochs (RFC 6347 §4.1): a cipher with its replay window, or its sequence numbers and limits. */
import type { MessageArena } from '../wire/message-arena.js';
import { Header12, readHeader12 } from './codec12.js';
import type { DropReason } from './drops.js';
import type { EpochCipher12, Opened12, Refused12 } from './epoch-cipher12.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from './limits.js';
import { ReplayWindow } from './replay-window.js';

/** One epoch of received records: cipher and replay window (RFC 6347 §4.1.2.6), moved by authentic records only. */
export class ReadEpoch12 {
  readonly cipher: EpochCipher12;
  private readonly window: ReplayWindow;
  private readonly integrity: IntegrityMonitor;
  private readonly header = new Header12();

  constructor(cipher: EpochCipher12, integrity: IntegrityMonitor, windowSize = 64) {
    this.cipher = cipher;
    this.integrity = integrity;
    this.window = new ReplayWindow(windowSize);
  }

  get highest(): number {
    return this.window.right;
  }

  /** Opens record `h` unless replayed, too old or over budget: its content (type in `h.contentType`), or why refused. */
  receiveAt(d: Uint8Array, h: Header12, now: number, arena?: MessageArena): Uint8Array | DropReason {
    if (h.epoch !== this.cipher.epoch) return 'unknown-epoch';
    const window = this.window;
    // A number past the window's right edge is new (ReplayWindow.check's first test, inline: most records are).
    if (h.sequenceNumber <= window.right) {
      const seen = window.check(h.sequenceNumber);
      if (seen === 'duplicate') return 'replay';
      if (seen === 'too-old') return 'too-old';
    }
    const integrity = this.integrity;
    // IntegrityMonitor.mayOpen is true while nothing failed in this datagram and the key's rate has not started.
    if (
      (integrity.failedInDatagram !== 0 || this.cipher.failureWindow !== undefined) &&
      !integrity.mayOpen(now, this.cipher)
    )
      return 'authentication-rate';
    const c = this.cipher;
    const opened = c.openAt(d, h.at, h.type, h.version, h.sequenceNumber, h.cidLength, h.fragmentLength, arena);
    if (typeof opened !== 'string') {
      window.accept(h.sequenceNumber);
      h.contentType = c.openedType;
    } else if (opened === 'authentication') {
      c.failed++;
      this.integrity.failed(now, c);
    }
    return opened;
  }

  /** receiveAt() of `record`, one whole record (a tls12_cid one with a CID as long as this epoch's). */
  receive(record: Uint8Array, now: number): Opened12 | Refused12 {
    const h = this.header;
    if (!readHeader12(record, 0, this.cipher.cidLength, h) || h.end !== record.length)
      return { ok: false, reason: 'malformed' };
    const content = this.receiveAt(record, h, now);
    if (typeof content === 'string') return { ok: false, reason: content };
    return { ok: true, type: h.contentType, content, epoch: h.epoch, sequenceNumber: h.sequenceNumber };
  }
}

/** A write epoch that may protect no more records. */
export class EpochExhaustedError extends Error {
  override readonly name = 'EpochExhaustedError';
}

const LAST_SEQUENCE_NUMBER = 2 ** 48 - 1;

/** One epoch of sent records: past the 48-bit wrap or the confidentiality limit `seal` refuses (1.2 cannot rekey). */
export class WriteEpoch12 {
  readonly cipher: EpochCipher12;
  readonly limits: AeadLimits;
  private next: number;
  private sealed = 0;
  /** Records this key may still seal (both bounds, one less per seal): read per send; only this class writes it. */
  remaining: number;

  /** `firstSequenceNumber`: 0 for a new epoch (RFC 6347 §4.1); larger only to resume counting. */
  constructor(cipher: EpochCipher12, firstSequenceNumber = 0, limits?: AeadLimits) {
    if (!Number.isInteger(firstSequenceNumber) || firstSequenceNumber < 0 || firstSequenceNumber > LAST_SEQUENCE_NUMBER)
      throw new RangeError(`sequence number ${firstSequenceNumber} is not a uint48`);
    this.cipher = cipher;
    this.next = firstSequenceNumber;
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[cipher.suite.aead];
    this.remaining = Math.max(0, Math.min(LAST_SEQUENCE_NUMBER + 1 - this.next, this.limits.confidentiality));
  }

  get sequenceNumber(): number {
    return this.next;
  }

  get used(): number {
    return this.sealed;
  }

  /** The protected record of `content`. @throws EpochExhaustedError once sequence numbers or the key's limit run out. */
  seal(type: number, content: Uint8Array): Uint8Array {
    const record = this.layOut(type, content);
    this.cipher.sealRecord(this.laidSeq, record, 0, this.cipher.laidPlaintext);
    return record;
  }

  /** The sequence number of the record {@link layOut} last numbered. */
  laidSeq = 0;

  /**
   * The record of `content` numbered and laid out, for its cipher's `sealRecord` (now, or staged with others until a
   * datagram leaves: staged-records.ts). @throws EpochExhaustedError once sequence numbers or the key's limit run out.
   */
  layOut(type: number, content: Uint8Array): Uint8Array {
    const epoch = this.cipher.epoch;
    if (this.next > LAST_SEQUENCE_NUMBER)
      throw new EpochExhaustedError(`epoch ${epoch}: the 48-bit sequence number would wrap (RFC 6347 §4.1)`);
    if (this.sealed >= this.limits.confidentiality) {
      throw new EpochExhaustedError(
        `epoch ${epoch}: ${this.sealed} records reached ${this.cipher.suite.aead}'s confidentiality limit, and 1.2 cannot rekey`,
      );
    }
    const record = this.cipher.layOut(type, this.next, content);
    this.laidSeq = this.next++;
    this.sealed++;
    this.remaining--;
    return record;
  }
}
