import type { CryptoProvider } from '../../runtime/crypto/provider.js';
import { decodeDatagram12 } from '../../runtime/record/datagram12.js';
import type { WriteKeys } from '../../runtime/dtls12/key-derivation.js';
import { EpochCipher12 } from '../../runtime/record/epoch-cipher12.js';
import type { Dtls12SuiteParams } from '../../runtime/versions/suites12.js';
import { encodeDtlsPlaintext } from '../../generated/wire/dtls-plaintext.js';
import { contentTypeFromNumber, contentTypeToNumber } from '../../generated/wire/enums.js';
import type { OpenedRecord } from './records13.js';

/**
 * The DTLS 1.2 record layer as a test harness needs it (RFC 6347 §4.1): records of any content type in epoch 0
 * (plaintext) or epoch 1 (EpochCipher12), with no rule about which content may go where. A ChangeCipherSpec moves the
 * side that sends it to epoch 1 (the session does that: {@link useEpoch1}).
 */
export class Records12 {
  private readonly provider: CryptoProvider;
  private write: { cipher: EpochCipher12 | undefined; seq: number } = { cipher: undefined, seq: 0 };
  private read: EpochCipher12 | undefined;
  private readonly seen = new Set<string>();

  constructor(provider: CryptoProvider) {
    this.provider = provider;
  }

  /**
   * From now on our records go out in epoch 1 under `keys`. A second ChangeCipherSpec keeps the epoch's record
   * numbers going: restarting them would make the peer drop every later record as a replay (RFC 6347 §4.1.2.6).
   */
  useEpoch1(suite: Dtls12SuiteParams, keys: WriteKeys): void {
    const seq = this.write.cipher === undefined ? 0 : this.write.seq;
    this.write = { cipher: new EpochCipher12(this.provider, suite, keys, 1), seq };
  }

  /** The peer's epoch-1 records open under `keys` from now on. */
  readEpoch1(suite: Dtls12SuiteParams, keys: WriteKeys): void {
    this.read = new EpochCipher12(this.provider, suite, keys, 1);
  }

  get writeEpoch(): number {
    return this.write.cipher === undefined ? 0 : 1;
  }

  /** One record of `content` as content type `type` in our current epoch. */
  seal(type: number, content: Uint8Array): Uint8Array {
    const seq = this.write.seq++;
    if (this.write.cipher !== undefined) return this.write.cipher.seal(type, seq, content);
    return encodeDtlsPlaintext({
      type: contentTypeFromNumber(type),
      legacyRecordVersion: 'dtls1_2',
      epoch: 0,
      sequenceNumber: seq,
      fragment: content,
    });
  }

  /**
   * Forgets the peer's epoch-0 record numbers seen: a stateless server's HelloVerifyRequest answering a new ClientHello
   * may carry the number of the one before (GnuTLS's does). Retransmitted handshake messages are still dropped by the
   * reassembler.
   */
  forgetEpoch0(): void {
    for (const key of this.seen) if (key.startsWith('0/')) this.seen.delete(key);
  }

  /**
   * The records of one datagram that are plaintext in epoch 0 or open in epoch 1, each record number once, in order.
   * `afterEach` runs after each record, so a ChangeCipherSpec can install the keys its datagram's next records need.
   * Never throws: an unreadable datagram yields nothing.
   */
  open(datagram: Uint8Array, afterEach: (r: OpenedRecord) => void): void {
    let records;
    try {
      records = decodeDatagram12(datagram);
    } catch {
      return;
    }
    for (const w of records) {
      if (w.kind !== 'record') continue;
      const r = w.record;
      const key = `${r.epoch}/${r.sequenceNumber}`;
      if (this.seen.has(key)) continue;
      let opened: OpenedRecord | undefined;
      if (r.epoch === 0)
        opened = { epoch: 0, sequenceNumber: r.sequenceNumber, type: contentTypeToNumber(r.type), content: r.fragment };
      else if (r.epoch === 1 && this.read !== undefined) {
        const o = this.read.open(w);
        if (o.ok) opened = { epoch: 1, sequenceNumber: r.sequenceNumber, type: o.type, content: o.content };
      }
      if (opened === undefined) continue;
      this.seen.add(key);
      afterEach(opened);
    }
  }
}
