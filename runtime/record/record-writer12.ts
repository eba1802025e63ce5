/**
 * What a 1.2 connection puts on the wire: epoch-0 records (handshake, ChangeCipherSpec, alerts before our
 * ChangeCipherSpec), epoch-1 records sealed by the write epoch, a flight's messages cut into fragments that fit the
 * datagram limit and packed into datagrams (RFC 6347 §4.1.1, §4.2.3), and application data in records of at most 2^14
 * bytes (RFC 5246 §6.2.1), staged as 1.3's are (runtime/record/staged-records.ts): numbered and laid out at `send`,
 * sealed together when a datagram is polled. Each datagram goes into the connection's outgoing queue, in the order its
 * records were numbered: anything else written seals what was staged first.
 */
import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { HandshakeType } from '../../generated/wire/enums.js';
import { encodeFragmentView, fragmentMessage } from '../handshake/fragmenter.js';
import type { Out12 } from './out12.js';
import { MAX_PLAINTEXT_12, plainRecord12 } from './codec12.js';
import { WriteEpoch12 } from './epochs12.js';
import type { EpochCipher12 } from './epoch-cipher12.js';
import type { AeadLimits } from './limits.js';
import { StagedRecords } from './staged-records.js';

export const CHANGE_CIPHER_SPEC = 20;
export const ALERT = 21;
export const HANDSHAKE = 22;
export const APPLICATION_DATA = 23;
export const RECORD_HEADER = 13;
const HANDSHAKE_HEADER = 12;

/**
 * A whole handshake message (fragment_offset 0) in one epoch-0 record numbered `recordSequence`, as a datagram: the
 * HelloVerifyRequest under the ClientHello's numbers (RFC 6347 §4.2.1), or a ClientHello a 1.3 state reassembled,
 * handed to the 1.2 state that reads it whole from one record (runtime/connection/connection.ts).
 */
export function handshakeRecord12(
  msgType: HandshakeType,
  body: Uint8Array,
  messageSeq: number,
  recordSequence: number,
): Uint8Array {
  const message = { msgType, length: body.length, messageSeq, fragmentOffset: 0, fragment: body };
  return plainRecord12(HANDSHAKE, recordSequence, encodeFragmentView(message));
}

/** 1.2's writer; its `transmitReady` is the connection's `TransmitGate` (runtime/shared/connection-api.ts), met by shape. */
export class RecordWriter12 {
  epoch0Sequence = 0;
  /** Epoch 1, once the keys are made (sealing with it starts after our ChangeCipherSpec). */
  epoch1: WriteEpoch12 | undefined;
  private readonly outgoing: Uint8Array[];
  /** Where the handshake messages written are counted, retransmissions included (the connection's counters). */
  private readonly counts: { handshakeMessagesSent: number };
  /** The length of the peer's RFC 9146 CID on our records (0: none). */
  peerCidLength = 0;

  /** The write key's usage limits when not RFC 9147 §4.5.3's (tests lower them). */
  private readonly limits: AeadLimits | undefined;
  /** Application data numbered and laid out, waiting to be sealed ({@link sealStaged}): only while some wait. */
  private staged: StagedRecords | undefined;

  constructor(outgoing: Uint8Array[], counts: { handshakeMessagesSent: number }, limits?: AeadLimits) {
    this.outgoing = outgoing;
    this.counts = counts;
    this.limits = limits;
  }

  /** Epoch 1's keys are made (sealing under them starts with the first handshake record after our ChangeCipherSpec). */
  writeKeys(cipher: EpochCipher12): void {
    this.sealStaged();
    this.epoch1 = new WriteEpoch12(cipher, 0, this.limits);
  }

  /** Whether our ChangeCipherSpec has gone out: records are sealed under epoch 1 from then on. */
  get sealing(): boolean {
    return this.epoch1 !== undefined && this.epoch1.sequenceNumber > 0;
  }

  /** What sealing adds to a record beyond its header: explicit nonce, tag, and with a CID the CID and the inner content type (RFC 9146 §4). */
  overhead(): number {
    const s = this.epoch1?.cipher.suite;
    if (s === undefined) return 0;
    const cid = this.peerCidLength;
    return s.recordIvLength + s.tagLength + (cid > 0 ? cid + 1 : 0);
  }

  /** Seals the staged application data into the outgoing queue, in staging order: before anything else is written. */
  sealStaged(): void {
    this.transmitReady();
  }

  /** Before a datagram leaves (the connection's transmit gate): the staged application data sealed, in staging order. */
  transmitReady(): boolean {
    const staged = this.staged;
    if (staged !== undefined) {
      this.staged = undefined;
      staged.seal(true);
    }
    return true;
  }

  /** Frees the write key's OpenSSL contexts (made again by the next record), what was staged sealed first. */
  park(): void {
    this.sealStaged();
    this.epoch1?.cipher.park();
  }

  /** Frees the write key, what was staged sealed first: nothing is sealed after. */
  release(): void {
    this.sealStaged();
    this.epoch1?.cipher.release();
    this.epoch1 = undefined;
  }

  /** An alert, sealed once our ChangeCipherSpec went out. */
  alert(level: 'warning' | 'fatal', description: number): void {
    this.sealStaged();
    const body = Uint8Array.of(level === 'warning' ? 1 : 2, description);
    this.outgoing.push(this.sealing ? this.epoch1!.seal(ALERT, body) : this.plain(ALERT, body));
  }

  /** A HelloVerifyRequest: RFC 6347 §4.2.1 has it take the ClientHello's message_seq and record sequence number. */
  helloVerifyRequest(body: Uint8Array, messageSeq: number, recordSequenceNumber: number): void {
    this.sealStaged();
    this.counts.handshakeMessagesSent++;
    this.outgoing.push(handshakeRecord12('hello_verify_request', body, messageSeq, recordSequenceNumber));
  }

  /** Application data staged in records of at most 2^14 bytes, each fitting a datagram of `maxDatagramSize`. */
  applicationData(data: Uint8Array, maxDatagramSize: number): string | undefined {
    const epoch = this.epoch1!;
    const s = epoch.cipher.suite; // overhead(), inline (once per send)
    const cid = this.peerCidLength > 0 ? this.peerCidLength + 1 : 0;
    const room = Math.min(MAX_PLAINTEXT_12, maxDatagramSize - RECORD_HEADER - s.recordIvLength - s.tagLength - cid);
    // 1.2 cannot rekey: the key's last record is kept for the alert that ends the connection (docs/versions.md), and a
    // message that does not fit before it is refused whole, none of its records sealed: what is returned says why.
    const records = Math.max(1, Math.ceil(data.length / room));
    if (epoch.remaining < records + 1) {
      return (
        `the write key has sealed ${epoch.used} records and may seal ${epoch.remaining} more (${epoch.cipher.suite.aead}'s usage limit, RFC 9147 §4.5.3); ` +
        'DTLS 1.2 cannot rekey, so the connection ends'
      );
    }
    // Each record numbered and laid out now, sealed with those staged after it (1.2's seal reads what it needs of the
    // header from the record: no header length or sequence number bits in the layout).
    const staged = (this.staged ??= StagedRecords.take());
    const cipher = epoch.cipher;
    const outgoing = this.outgoing;
    for (let at = 0; at < data.length || at === 0; at += room) {
      const record = epoch.layOut(APPLICATION_DATA, data.subarray(at, at + room));
      staged.add(cipher, outgoing, record, 0, cipher.laidPlaintext, epoch.laidSeq, 0, 2);
    }
    return undefined;
  }

  /**
   * (Re)sends a flight: fresh record numbers, the same message_seq (RFC 6347 §4.2.4), fragments fitting datagrams of
   * `limit` bytes, in order but for the datagrams holding a `sentLast` message, which go after the others.
   */
  flight(messages: readonly Out12[], limit: number): void {
    this.sealStaged();
    // The flight's records in order: a ChangeCipherSpec (undefined), or a handshake fragment, `sealed` under epoch 1.
    const parts: (
      { readonly sealed: boolean; readonly fragment: DtlsHandshake; readonly last: boolean } | undefined
    )[] = [];
    let handshakeMessages = 0;
    let sealed = 0;
    for (const m of messages) {
      if (m.kind === 'changeCipherSpec') {
        parts.push(undefined);
        continue;
      }
      handshakeMessages++;
      const protectedOverhead = m.epoch === 1 ? this.overhead() : 0;
      const room = Math.max(1, limit - RECORD_HEADER - protectedOverhead - HANDSHAKE_HEADER);
      for (const f of fragmentMessage({ msgType: m.msgType, messageSeq: m.messageSeq, body: m.body }, room)) {
        const protect = m.epoch === 1 && this.epoch1 !== undefined;
        if (protect) sealed++;
        parts.push({ sealed: protect, fragment: f, last: m.sentLast === true });
      }
    }
    // 1.2 cannot rekey: the key's last record is kept for the alert that ends the connection (as in applicationData). A
    // flight that would take it is not sent: retransmissions (answers to the peer's previous flight, or a replayer's
    // copies of it) must not spend the key to its end, where the alert's seal would throw out of receive.
    if (sealed > 0 && this.epoch1!.remaining < sealed + 1) return;
    this.counts.handshakeMessagesSent += handshakeMessages;
    const records = parts.map((p) =>
      p === undefined
        ? this.plain(CHANGE_CIPHER_SPEC, Uint8Array.of(1))
        : p.sealed
          ? this.epoch1!.seal(HANDSHAKE, encodeFragmentView(p.fragment))
          : this.plain(HANDSHAKE, encodeFragmentView(p.fragment)),
    );
    const held: Uint8Array[] = [];
    let datagram: Uint8Array[] = [];
    let size = 0;
    let last = false;
    const flush = (): void => {
      if (datagram.length === 0) return;
      const out = new Uint8Array(size);
      let at = 0;
      for (const r of datagram) {
        out.set(r, at);
        at += r.length;
      }
      (last ? held : this.outgoing).push(out);
      datagram = [];
      size = 0;
      last = false;
    };
    records.forEach((r, i) => {
      if (size + r.length > limit) flush();
      datagram.push(r);
      size += r.length;
      last ||= parts[i]?.last === true;
    });
    flush();
    this.outgoing.push(...held);
  }

  private plain(type: number, fragment: Uint8Array): Uint8Array {
    return plainRecord12(type, this.epoch0Sequence++, fragment);
  }
}
