import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import type { SupportedCipherSuite } from '../../runtime/crypto/suites.js';
import type { TrafficKeys } from '../../runtime/keyschedule/derived-keys.js';
import { EpochCipher } from '../../runtime/record/epoch-cipher.js';
import { decodeInnerPlaintext } from '../../runtime/record/inner-plaintext.js';
import { Reader } from '../../runtime/wire/index.js';
import { readRecord } from '../../runtime/wire/record-splitter.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { contentTypeFromNumber, contentTypeToNumber } from '../../generated/wire/enums.js';

/** One record the peer sent, opened: its epoch, sequence number, content type and content. */
export interface OpenedRecord {
  readonly epoch: number;
  readonly sequenceNumber: number;
  readonly type: number;
  readonly content: Uint8Array;
}

interface WriteState {
  readonly cipher: EpochCipher | undefined;
  seq: number;
}

interface ReadState {
  readonly cipher: EpochCipher;
  next: number;
}

/** Unified header with S (16-bit sequence number) and L (length) set, no connection ID: 0b00101100 | epoch's low bits. */
const UNIFIED_HEADER = 0x2c;
const HEADER_LENGTH = 5;

/**
 * The DTLS 1.3 record layer as a test harness needs it (RFC 9147 §4): any record in any epoch the mapper holds keys
 * for, with no rule about which content may go where (the normal record layer would refuse the out-of-order inputs the
 * learner asks for). Epoch 0 is DTLSPlaintext; epochs 2 and up are DTLSCiphertext sealed with EpochCipher.
 */
export class Records13 {
  private readonly provider: CryptoProvider;
  private readonly writes = new Map<number, WriteState>([[0, { cipher: undefined, seq: 0 }]]);
  private readonly reads = new Map<number, ReadState>();
  private readonly seen = new Set<string>();
  /** The epoch records are sent in. */
  writeEpoch = 0;

  constructor(provider: CryptoProvider) {
    this.provider = provider;
  }

  /** Installs keys to send with in `epoch` (and sends in it from now on when `use`). */
  installWrite(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys, use: boolean): void {
    this.writes.set(epoch, { cipher: new EpochCipher(this.provider, epoch, suite, keys), seq: 0 });
    if (use) this.writeEpoch = epoch;
  }

  /** Installs keys to open the peer's records of `epoch` with. */
  installRead(epoch: number, suite: SupportedCipherSuite, keys: TrafficKeys): void {
    this.reads.set(epoch, { cipher: new EpochCipher(this.provider, epoch, suite, keys), next: 0 });
  }

  hasWrite(epoch: number): boolean {
    return this.writes.has(epoch);
  }

  /** One record of `content` as content type `type` in the current write epoch (or `epoch`); its record number too. */
  seal(
    type: number,
    content: Uint8Array,
    epoch = this.writeEpoch,
  ): { bytes: Uint8Array; epoch: number; sequenceNumber: number } {
    const w = this.writes.get(epoch) ?? this.writes.get(0)!;
    const used = w.cipher === undefined ? 0 : epoch;
    const sequenceNumber = w.seq++;
    if (w.cipher === undefined) {
      const bytes = encodeDtlsPlaintext({
        type: contentTypeFromNumber(type),
        legacyRecordVersion: 'dtls1_2',
        epoch: 0,
        sequenceNumber,
        fragment: content,
      });
      return { bytes, epoch: 0, sequenceNumber };
    }
    const tag = w.cipher.suite.tagLength;
    // DTLSInnerPlaintext: content, type, zeros: padded so the ciphertext is at least 16 bytes (the mask's sample, §4.2.3).
    const innerLength = Math.max(content.length + 1, 16 - tag);
    const bytes = new Uint8Array(HEADER_LENGTH + innerLength + tag);
    bytes[0] = UNIFIED_HEADER | (used & 3);
    bytes[1] = (sequenceNumber >>> 8) & 0xff;
    bytes[2] = sequenceNumber & 0xff;
    bytes[3] = ((innerLength + tag) >>> 8) & 0xff;
    bytes[4] = (innerLength + tag) & 0xff;
    bytes.set(content, HEADER_LENGTH);
    bytes[HEADER_LENGTH + content.length] = type;
    w.cipher.protection.sealRecord(sequenceNumber, bytes, HEADER_LENGTH, innerLength, 1, 2);
    return { bytes, epoch: used, sequenceNumber };
  }

  /**
   * The records of a datagram that open under keys held, each once (a replayed record number is dropped), handed to
   * `afterEach` in order: the keys a ServerHello gives open the records after it in the same datagram. Never throws.
   */
  open(datagram: Uint8Array, afterEach: (r: OpenedRecord) => void): void {
    const r = new Reader(datagram, 'datagram');
    while (r.remaining > 0) {
      const at = r.pos;
      let rec;
      try {
        rec = readRecord(r, 0);
      } catch {
        return;
      }
      if (rec === undefined) return;
      if (rec.kind === 'plaintext') {
        const p = rec.record;
        if (p.epoch !== 0) continue;
        if (!this.firstTime(0, p.sequenceNumber)) continue;
        afterEach({
          epoch: 0,
          sequenceNumber: p.sequenceNumber,
          type: contentTypeToNumber(p.type),
          content: p.fragment,
        });
        continue;
      }
      const h = rec.header;
      if (h.connectionId !== undefined && h.connectionId.length > 0) continue;
      const headerLength = r.pos - at - rec.encryptedRecord.length;
      if (rec.encryptedRecord.length < 16) continue;
      for (const [epoch, state] of this.reads) {
        if ((epoch & 3) !== h.epochLowBits) continue;
        let inner: Uint8Array | undefined;
        try {
          inner = state.cipher.openRecord(
            datagram,
            at,
            headerLength,
            rec.encryptedRecord.length,
            1,
            h.sequenceNumber16bit ? 2 : 1,
            state.next,
            undefined,
          );
        } catch {
          inner = undefined;
        }
        if (inner === undefined) continue;
        const seq = state.cipher.openedSequenceNumber;
        const split = decodeInnerPlaintext(inner);
        if (split === undefined) break;
        state.next = Math.max(state.next, seq + 1);
        if (this.firstTime(epoch, seq))
          afterEach({ epoch, sequenceNumber: seq, type: split.contentType, content: split.content });
        break;
      }
    }
  }

  private firstTime(epoch: number, seq: number): boolean {
    const key = `${epoch}/${seq}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  release(): void {
    for (const w of this.writes.values()) w.cipher?.release();
    for (const r of this.reads.values()) r.cipher.release();
  }
}
