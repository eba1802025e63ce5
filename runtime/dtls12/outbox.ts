/**
 * What a 1.2 connection puts on the wire besides its flights, over the one record writer
 * (runtime/record/record-writer.ts, 1.2's form): alerts (in the clear until our ChangeCipherSpec), the HelloVerifyRequest, application data in records of
 * at most 2^14 bytes (RFC 5246 §6.2.1). Its flights go through the outbox both versions share (`flights`,
 * runtime/shared/handshake-outbox.ts, 1.2's form). Everything is numbered and laid out when written and staged: sealed,
 * and queued in the order numbered, when a datagram is polled (the writer's `transmitReady`), or before the keys are
 * parked or released, so an alert written as the connection ends still goes.
 */
import { ALERT, APPLICATION_DATA, handshakeRecord12, MAX_PLAINTEXT_12 } from '../record/codec12.js';
import type { EpochCipher12 } from '../record/epoch-cipher12.js';
import { RecordLayerError, type RecordWriter } from '../record/record-writer.js';
import type { DatagramLimit } from '../shared/datagram-limit.js';
import { FLIGHT12, HandshakeOutbox } from '../shared/handshake-outbox.js';

export class Outbox12 {
  private readonly writer: RecordWriter<EpochCipher12>;
  /** The one outbound queue of the connection. */
  private readonly outgoing: Uint8Array[];
  /** Where the handshake messages written are counted, retransmissions included (the connection's counters). */
  private readonly counts: { handshakeMessagesSent: number };
  /** Our flights: cut, packed and staged (the outbox both versions share, in 1.2's form). */
  readonly flights: HandshakeOutbox<EpochCipher12>;
  /** Epoch 1's write cipher, once the keys are made (sealing under it starts with our ChangeCipherSpec). */
  private cipher: EpochCipher12 | undefined;
  /**
   * What a send reads of epoch 1, fixed with its keys: the bytes a record adds to its content, and the `used` count at
   * which the key can seal no more (its usage limit, or the last sequence number: both move by one a record).
   */
  private overhead = 0;
  private keyEnd = 0;

  constructor(
    writer: RecordWriter<EpochCipher12>,
    limit: DatagramLimit,
    outgoing: Uint8Array[],
    counts: { handshakeMessagesSent: number },
  ) {
    this.writer = writer;
    this.outgoing = outgoing;
    this.counts = counts;
    this.flights = new HandshakeOutbox(writer, FLIGHT12, limit, outgoing, counts);
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
    return this.flights.changedCipherSpec;
  }

  /** Our epoch-0 records go on from `next` (a ClientHello's record number, RFC 6347 §4.2.1; an offer already sent). */
  continuePlaintextFrom(next: number): void {
    this.writer.continuePlaintextFrom(next);
  }

  /** An alert: in the clear until our ChangeCipherSpec went out, sealed after. */
  alert(level: 'warning' | 'fatal', description: number): void {
    const body = Uint8Array.of(level === 'warning' ? 1 : 2, description);
    if (this.flights.changedCipherSpec) this.writer.stage(ALERT, body, this.outgoing);
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
}
