/**
 * The DTLS 1.2 record codec (RFC 6347 §4.1, RFC 9146 §4): a record's header read in place (the 13-byte header, or
 * the tls12_cid one with our CID after the sequence number), a datagram's framing checked without reading it, and the
 * two epochs of a direction: the read epoch (the 64-record anti-replay window checked before a record is opened and
 * moved only by authentic ones, opening under the connection's IntegrityMonitor) and the write epoch (the next 48-bit
 * sequence number, refused before it wraps or the AEAD's confidentiality limit is passed: 1.2 cannot rekey). The
 * record protection itself is protection12.ts; what a connection does with the content is its own.
 *
 * Nothing a peer sends throws: a header that does not frame is `false`/undefined, a record refused names a
 * `DropReason`.
 */
import { DTLS12_CONTENT_TYPES, TLS12_CID } from './datagram12.js';
import type { DropReason } from './drops.js';
import type { IntegrityMonitor } from './integrity-monitor.js';
import { DEFAULT_AEAD_LIMITS, type AeadLimits } from './limits.js';
import type { EpochCipher12, Opened12, Refused12 } from './protection12.js';
import { ReplayWindow } from './replay-window.js';
import type { MessageArena } from '../wire/message-arena.js';

/** The header of a record without a CID: type, version, epoch, 48-bit sequence number, length. */
export const HEADER12 = 13;
/** The largest fragment of a 1.2 record (RFC 5246 §6.2.3: 2^14 + 2048), as the record schemas bound it. */
export const MAX_FRAGMENT_12 = 18432;

/** One record's header fields, read in place by {@link readHeader12}: one object reused per reader. */
export class Header12 {
  /** Where the record starts in its datagram. */
  at = 0;
  /** The header's content type (25 for a tls12_cid record). */
  type = 0;
  /** The real content type: the header's, or once a tls12_cid record opened, its DTLSInnerPlaintext's. */
  contentType = 0;
  version = 0;
  epoch = 0;
  sequenceNumber = 0;
  /** The CID's length (0 but for a tls12_cid record); it starts at `at + 11`. */
  cidLength = 0;
  fragmentAt = 0;
  fragmentLength = 0;
  /** Where the record ends. */
  end = 0;
}

/**
 * Reads the header of the record at `d[at..]` into `h`, tls12_cid records with a CID of `cidLength` bytes (0: none
 * negotiated, so such a record does not frame). False when it does not frame: a content type that is not 1.2's, a
 * truncated header, a length above 2^14 + 2048 or past the datagram (the checks the record schemas make).
 */
export function readHeader12(d: Uint8Array, at: number, cidLength: number, h: Header12): boolean {
  const type = d[at]!;
  if (!DTLS12_CONTENT_TYPES.has(type) || (type === TLS12_CID && cidLength === 0)) return false;
  const cid = type === TLS12_CID ? cidLength : 0;
  const fragmentAt = at + HEADER12 + cid;
  if (fragmentAt > d.length) return false;
  const length = (d[fragmentAt - 2]! << 8) | d[fragmentAt - 1]!;
  if (length > MAX_FRAGMENT_12 || fragmentAt + length > d.length) return false;
  h.at = at;
  h.type = h.contentType = type;
  h.version = (d[at + 1]! << 8) | d[at + 2]!;
  h.epoch = (d[at + 3]! << 8) | d[at + 4]!;
  h.sequenceNumber =
    ((d[at + 5]! << 8) | d[at + 6]!) * 0x100000000 +
    (((d[at + 7]! << 24) | (d[at + 8]! << 16) | (d[at + 9]! << 8) | d[at + 10]!) >>> 0);
  h.cidLength = cid;
  h.fragmentAt = fragmentAt;
  h.fragmentLength = length;
  h.end = fragmentAt + length;
  return true;
}

/**
 * Where the first `count` records of `d` end when all of `d` is whole 1.2 records by {@link readHeader12} (undefined
 * when it is not), without reading them.
 */
export function framed12(d: Uint8Array, cidLength: number, count: number, h: Header12): number | undefined {
  let end = d.length;
  for (let n = 0, at = 0; at < d.length; n++) {
    if (n === count) end = at;
    if (!readHeader12(d, at, cidLength, h)) return undefined;
    at = h.end;
  }
  return end;
}

/**
 * One epoch of received records: its cipher and the anti-replay window of RFC 6347 §4.1.2.6 (the RFC 9147 §4.5.1
 * one, the same algorithm). A record is checked against the window before it is opened and marked only once it
 * authenticated, so forged records cannot move the window; past the IntegrityMonitor's per-second budgets it is
 * dropped untried (`authentication-rate`).
 */
export class ReadEpoch12 {
  readonly cipher: EpochCipher12;
  private readonly window: ReplayWindow;
  private readonly integrity: IntegrityMonitor;
  /** For {@link receive}. */
  private readonly header = new Header12();

  constructor(cipher: EpochCipher12, integrity: IntegrityMonitor, windowSize = 64) {
    this.cipher = cipher;
    this.integrity = integrity;
    this.window = new ReplayWindow(windowSize);
  }

  /** The highest sequence number that opened so far, or -1. */
  get highest(): number {
    return this.window.right;
  }

  /**
   * Opens the record `h` read at `d[h.at..]` at `now` unless it is another epoch's, repeats, is left of the window or
   * is past the failure budgets: its content, in an ArrayBuffer of its own or in `arena` ('batch' mode), its real
   * content type in `h.contentType`; or why it was refused.
   */
  receiveAt(d: Uint8Array, h: Header12, now: number, arena?: MessageArena): Uint8Array | DropReason {
    if (h.epoch !== this.cipher.epoch) return 'unknown-epoch';
    const seen = this.window.check(h.sequenceNumber);
    if (seen === 'duplicate') return 'replay';
    if (seen === 'too-old') return 'too-old';
    if (!this.integrity.mayOpen(now, this.cipher)) return 'authentication-rate';
    const c = this.cipher;
    const opened = c.openAt(d, h.at, h.type, h.version, h.sequenceNumber, h.cidLength, h.fragmentLength, arena);
    if (typeof opened !== 'string') {
      this.window.accept(h.sequenceNumber);
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

/**
 * One epoch of sent records: the next sequence number and the per-key limits. When either the 48-bit sequence
 * number (RFC 6347 §4.1: it must not wrap) or the AEAD's confidentiality limit (RFC 9147 §4.5.3's figures, which
 * hold for the same AEADs in 1.2) is reached, `seal` refuses and the connection must close.
 */
export class WriteEpoch12 {
  readonly cipher: EpochCipher12;
  readonly limits: AeadLimits;
  private next: number;
  private sealed = 0;

  /** `firstSequenceNumber`: 0 for a new epoch (RFC 6347 §4.1); larger only to resume counting. */
  constructor(cipher: EpochCipher12, firstSequenceNumber = 0, limits?: AeadLimits) {
    if (!Number.isInteger(firstSequenceNumber) || firstSequenceNumber < 0 || firstSequenceNumber > LAST_SEQUENCE_NUMBER)
      throw new RangeError(`sequence number ${firstSequenceNumber} is not a uint48`);
    this.cipher = cipher;
    this.next = firstSequenceNumber;
    this.limits = limits ?? DEFAULT_AEAD_LIMITS[cipher.suite.aead];
  }

  /** The sequence number the next record gets. */
  get sequenceNumber(): number {
    return this.next;
  }

  /** Records sealed so far with this key. */
  get used(): number {
    return this.sealed;
  }

  /** Records this key may still seal (the sequence numbers and the confidentiality limit both bound it). */
  get remaining(): number {
    return Math.max(0, Math.min(LAST_SEQUENCE_NUMBER + 1 - this.next, this.limits.confidentiality - this.sealed));
  }

  /**
   * The protected record of `content`, with the next sequence number.
   *
   * @throws EpochExhaustedError once the sequence numbers or the key's confidentiality limit run out.
   */
  seal(type: number, content: Uint8Array): Uint8Array {
    const epoch = this.cipher.epoch;
    if (this.next > LAST_SEQUENCE_NUMBER)
      throw new EpochExhaustedError(`epoch ${epoch}: the 48-bit sequence number would wrap (RFC 6347 §4.1)`);
    if (this.sealed >= this.limits.confidentiality) {
      throw new EpochExhaustedError(
        `epoch ${epoch}: ${this.sealed} records reached ${this.cipher.suite.aead}'s confidentiality limit, and 1.2 cannot rekey`,
      );
    }
    const record = this.cipher.seal(type, this.next, content);
    this.next++;
    this.sealed++;
    return record;
  }
}
