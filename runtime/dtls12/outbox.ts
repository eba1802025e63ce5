/**
 * What a 1.2 connection puts on the wire, over the one record writer (runtime/record/record-writer.ts, 1.2's form):
 * epoch-0 records (handshake, ChangeCipherSpec, alerts before our ChangeCipherSpec), epoch-1 records after it, a
 * flight's messages cut into fragments that fit the datagram limit and packed into datagrams (RFC 6347 §4.1.1,
 * §4.2.3), application data in records of at most 2^14 bytes (RFC 5246 §6.2.1). Everything is numbered and laid out
 * when written and staged: sealed, and queued in the order numbered, when a datagram is polled (the writer's
 * `transmitReady`), or before the keys are parked or released, so an alert written as the connection ends still goes.
 */
import { encodeFragmentView, fragmentMessage, packDatagrams } from '../handshake/fragmenter.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH } from '../handshake/handshake-message.js';
import {
  ALERT,
  APPLICATION_DATA,
  CHANGE_CIPHER_SPEC,
  HANDSHAKE,
  HEADER12,
  handshakeRecord12,
  MAX_PLAINTEXT_12,
} from '../record/codec12.js';
import type { EpochCipher12 } from '../record/epoch-cipher12.js';
import { RecordLayerError, type RecordWriter } from '../record/record-writer.js';
import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { Out12 } from './flight-entry.js';

const CHANGE_CIPHER_SPEC_BODY = Uint8Array.of(1);

/** One record of a flight: a ChangeCipherSpec (no fragment), or a handshake fragment, `sealed` under epoch 1. */
interface FlightRecord {
  readonly fragment: DtlsHandshake | undefined;
  readonly sealed: boolean;
  /** Its datagram goes after the rest of the flight's (a `sentLast` message's). */
  readonly last: boolean;
  readonly length: number;
}

export class Outbox12 {
  private readonly writer: RecordWriter<EpochCipher12>;
  /** The one outbound queue of the connection. */
  private readonly outgoing: Uint8Array[];
  /** Where the handshake messages written are counted, retransmissions included (the connection's counters). */
  private readonly counts: { handshakeMessagesSent: number };
  /** Epoch 1's write cipher, once the keys are made (sealing under it starts with our ChangeCipherSpec). */
  private cipher: EpochCipher12 | undefined;
  /** Whether our ChangeCipherSpec has gone out: records are sealed under epoch 1 from then on. */
  private changedCipherSpec = false;
  /**
   * What a send reads of epoch 1, fixed with its keys: the bytes a record adds to its content, and the `used` count at
   * which the key can seal no more (its usage limit, or the last sequence number: both move by one a record).
   */
  private overhead = 0;
  private keyEnd = 0;

  constructor(writer: RecordWriter<EpochCipher12>, outgoing: Uint8Array[], counts: { handshakeMessagesSent: number }) {
    this.writer = writer;
    this.outgoing = outgoing;
    this.counts = counts;
  }

  /** Epoch 1's keys are made (sealing under them starts with the first handshake record after our ChangeCipherSpec). */
  writeKeys(cipher: EpochCipher12): void {
    this.cipher = cipher;
    this.writer.install(cipher);
    this.overhead = this.writer.protectedOverhead();
    this.keyEnd = cipher.used + this.writer.remaining;
  }

  /** Whether our ChangeCipherSpec has gone out: alerts are sealed under epoch 1 from then on. */
  get sealing(): boolean {
    return this.changedCipherSpec;
  }

  /** Our epoch-0 records go on from `next` (a ClientHello's record number, RFC 6347 §4.2.1; an offer already sent). */
  continuePlaintextFrom(next: number): void {
    this.writer.continuePlaintextFrom(next);
  }

  /** An alert: in the clear until our ChangeCipherSpec went out, sealed after. */
  alert(level: 'warning' | 'fatal', description: number): void {
    const body = Uint8Array.of(level === 'warning' ? 1 : 2, description);
    if (this.changedCipherSpec) this.writer.stage(ALERT, body, this.outgoing);
    else this.writer.stagePlaintext(ALERT, body, this.outgoing);
  }

  /** A HelloVerifyRequest: RFC 6347 §4.2.1 has it take the ClientHello's message_seq and record sequence number. */
  helloVerifyRequest(body: Uint8Array, messageSeq: number, recordSequenceNumber: number): void {
    this.counts.handshakeMessagesSent++;
    const record = handshakeRecord12('hello_verify_request', body, messageSeq, recordSequenceNumber);
    this.writer.stageWhole(record, this.outgoing);
  }

  /**
   * Application data staged in records of at most 2^14 bytes, each fitting a datagram of `maxDatagramSize`; undefined,
   * or why it is refused whole (none of its records staged).
   */
  applicationData(data: Uint8Array, maxDatagramSize: number): string | undefined {
    const cipher = this.cipher;
    if (cipher === undefined) throw new RecordLayerError('application data before the write keys are made');
    const room = Math.min(MAX_PLAINTEXT_12, maxDatagramSize - this.overhead);
    // 1.2 cannot rekey: the key's last record is kept for the alert that ends the connection (docs/versions.md), and a
    // message that does not fit before it is refused whole: what is returned says why.
    const records = Math.max(1, Math.ceil(data.length / room));
    const remaining = this.keyEnd - cipher.used;
    if (remaining < records + 1) {
      return (
        `the write key has sealed ${cipher.used} records and may seal ${remaining} more (${cipher.suite.aead}'s usage limit, RFC 9147 §4.5.3); ` +
        'DTLS 1.2 cannot rekey, so the connection ends'
      );
    }
    const { writer, outgoing } = this;
    for (let at = 0; at < data.length || at === 0; at += room)
      writer.stage(APPLICATION_DATA, data.subarray(at, at + room), outgoing);
    return undefined;
  }

  /**
   * (Re)writes a flight: fresh record numbers, the same message_seq (RFC 6347 §4.2.4), fragments fitting datagrams of
   * `limit` bytes packed in order, but for the datagrams holding a `sentLast` message, which go (and are numbered) after
   * the others.
   */
  flight(messages: readonly Out12[], limit: number): void {
    const protectedOverhead = this.overhead;
    const records: FlightRecord[] = [];
    let handshakeMessages = 0;
    let sealed = 0;
    for (const m of messages) {
      if (m.kind === 'changeCipherSpec') {
        records.push({ fragment: undefined, sealed: false, last: false, length: HEADER12 + 1 });
        continue;
      }
      handshakeMessages++;
      const protect = m.epoch === 1 && this.cipher !== undefined;
      const overhead = protect ? protectedOverhead : HEADER12;
      const room = Math.max(1, limit - overhead - DTLS_HANDSHAKE_HEADER_LENGTH);
      for (const f of fragmentMessage({ msgType: m.msgType, messageSeq: m.messageSeq, body: m.body }, room)) {
        if (protect) sealed++;
        const length = overhead + DTLS_HANDSHAKE_HEADER_LENGTH + f.fragment.length;
        records.push({ fragment: f, sealed: protect, last: m.sentLast === true, length });
      }
    }
    // 1.2 cannot rekey: the key's last record is kept for the alert that ends the connection (as in applicationData). A
    // flight that would take it is not sent: retransmissions (answers to the peer's previous flight, or a replayer's
    // copies of it) must not spend the key to its end, where the alert's seal would throw out of receive.
    if (sealed > 0 && this.keyEnd - this.cipher!.used < sealed + 1) return;
    this.counts.handshakeMessagesSent += handshakeMessages;
    for (const d of packDatagrams(records, limit)) d.forEach((r, i) => this.stage(r, i < d.length - 1));
  }

  private stage(r: FlightRecord, joinsNext: boolean): void {
    const { writer, outgoing } = this;
    if (r.fragment === undefined) {
      writer.stagePlaintext(CHANGE_CIPHER_SPEC, CHANGE_CIPHER_SPEC_BODY, outgoing, joinsNext);
      this.changedCipherSpec = true;
    } else if (r.sealed) writer.stage(HANDSHAKE, encodeFragmentView(r.fragment), outgoing, joinsNext);
    else writer.stagePlaintext(HANDSHAKE, encodeFragmentView(r.fragment), outgoing, joinsNext);
  }
}
