/**
 * One epoch of received DTLS 1.2 records: the AEAD opener and the 64-record
 * anti-replay window of RFC 6347 §4.1.2.6 (the one DTLS 1.3 uses, RFC 9147
 * §4.5.1, is the same algorithm and is reused). A record is checked against
 * the window before it is opened, and marked only after it authenticated,
 * so forged records cannot move the window. It opens under the
 * connection's IntegrityMonitor (the 1.3 record layer's): past the
 * per-second budgets a record is dropped untried (`authentication-rate`).
 */
import type { DropReason } from '../record/drops.js';
import type { IntegrityMonitor } from '../record/integrity-monitor.js';
import { ReplayWindow } from '../record/replay-window.js';
import type { MessageArena } from '../wire/message-arena.js';
import type { Dtls12WireRecord } from './datagram.js';
import type { EpochCipher12, Opened12, Refused12 } from './record-protection.js';

export class ReadEpoch12 {
  readonly cipher: EpochCipher12;
  private readonly window: ReplayWindow;
  private readonly integrity: IntegrityMonitor;

  constructor(cipher: EpochCipher12, integrity: IntegrityMonitor, windowSize = 64) {
    this.cipher = cipher;
    this.integrity = integrity;
    this.window = new ReplayWindow(windowSize);
  }

  /** The highest sequence number that opened so far, or -1. */
  get highest(): number {
    return this.window.right;
  }

  /** Opens `wire` at `now` unless it repeats, is left of the window or is past the failure budgets; never throws for what a peer sends. */
  receive(wire: Dtls12WireRecord, now: number): Opened12 | Refused12 {
    if (wire.record.epoch !== this.cipher.epoch) return { ok: false, reason: 'unknown-epoch' };
    const seen = this.window.check(wire.record.sequenceNumber);
    if (seen === 'duplicate') return { ok: false, reason: 'replay' };
    if (seen === 'too-old') return { ok: false, reason: 'too-old' };
    if (!this.integrity.mayOpen(now, this.cipher)) return { ok: false, reason: 'authentication-rate' };
    const opened = this.cipher.open(wire);
    if (opened.ok) this.window.accept(opened.sequenceNumber);
    else if (opened.reason === 'authentication') this.failed(now);
    return opened;
  }

  /**
   * receive() of the one plain record at datagram[at..] from its header
   * fields (EpochCipher12.openAt): the same window rules, no objects; the
   * content of its own (in 'batch' mode, in `arena`), or why it was refused.
   */
  receiveAt(
    datagram: Uint8Array,
    at: number,
    type: number,
    version: number,
    epoch: number,
    sequenceNumber: number,
    fragmentLength: number,
    now: number,
    arena?: MessageArena,
  ): Uint8Array | DropReason {
    if (epoch !== this.cipher.epoch) return 'unknown-epoch';
    const seen = this.window.check(sequenceNumber);
    if (seen === 'duplicate') return 'replay';
    if (seen === 'too-old') return 'too-old';
    if (!this.integrity.mayOpen(now, this.cipher)) return 'authentication-rate';
    const opened = this.cipher.openAt(datagram, at, type, version, sequenceNumber, fragmentLength, arena);
    if (typeof opened !== 'string') this.window.accept(sequenceNumber);
    else if (opened === 'authentication') this.failed(now);
    return opened;
  }

  /** A record failed authentication under the key: counted against its integrity limit and the monitor's budgets. */
  private failed(now: number): void {
    this.cipher.failed++;
    this.integrity.failed(now, this.cipher);
  }
}
