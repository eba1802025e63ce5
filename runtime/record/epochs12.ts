/** DTLS 1.2's read epochs (RFC 6347 §4.1): a cipher with its replay window (its write epochs are the one writer's). */
import type { MessageArena } from '../wire/message-arena.js';
import { APPLICATION_DATA, Header12, readHeader12 } from './codec12.js';
import { TLS12_CID } from './datagram12.js';
import type { DropReason } from './drops.js';
import type { EpochCipher12, Opened12, Refused12 } from './epoch-cipher12.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
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
  receiveAt(d: Uint8Array, h: Header12, now: number, arena?: MessageArena, own = false): Uint8Array | DropReason {
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
    const opened = c.openAt(d, h.at, h.type, h.version, h.sequenceNumber, h.cidLength, h.fragmentLength, arena, own);
    if (typeof opened !== 'string') {
      window.accept(h.sequenceNumber);
      h.contentType = c.openedType;
    } else if (opened === 'authentication') {
      c.failed++;
      this.integrity.failed(now, c);
    }
    return opened;
  }

  /**
   * The run road (`own`: its content copied into an ArrayBuffer of its own): the datagram the receive batch is at now
   * (`at`, `length` in its buffer; no view of it made), taken as the next record of the run its cipher opened ahead,
   * when {@link receiveAt} would take it from that run as application data: authentic, of this epoch's CID (a
   * tls12_cid record's, the addon compared it) with application_data inside, fresh in the replay window, no failed
   * authentication pending in the datagram, the key's rate (once it has one) not spent at `now`. Its content
   * returned, its sequence number and outer type (23, or tls12_cid) written to `taken`; undefined, with nothing
   * changed, for any other.
   */
  takeNext(
    at: number,
    length: number,
    now: number,
    taken: { sequenceNumber: number; type: number },
    own = false,
  ): Uint8Array | undefined {
    const c = this.cipher;
    const integrity = this.integrity;
    if (integrity.failedInDatagram !== 0) return undefined;
    // receiveAt's test: a key's failures this second, counted from its first (1.2's rate starts there), may spend it.
    if (c.failureWindow !== undefined && !integrity.mayOpen(now, c)) return undefined;
    const ahead = c.nextInRun(at, length);
    if (ahead === undefined) return undefined;
    const seq = ahead.seq;
    const window = this.window;
    if (!window.fresh(seq)) return undefined;
    window.accept(seq);
    taken.sequenceNumber = seq;
    taken.type = c.cidLength === 0 ? APPLICATION_DATA : TLS12_CID;
    return own ? ahead.takeFoundOwn() : ahead.takeFound();
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
