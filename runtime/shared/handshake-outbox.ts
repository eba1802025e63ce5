import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { encodeFragmentView, fragmentMessage, packDatagrams } from '../handshake/fragmenter.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH, type HandshakeMessage } from '../handshake/handshake-message.js';
import { HANDSHAKE, HEADER12 } from '../record/codec12.js';
import type { RecordWriter } from '../record/record-writer.js';
import type { WriteCipher } from '../record/write-form.js';
import type { DatagramLimit } from './datagram-limit.js';

/** A handshake message of a 1.3 flight, as sent (and re-sent) in `epoch`; `index`: its place in its flight. */
export interface OutMessage extends HandshakeMessage {
  readonly index: number;
  readonly epoch: number;
}

/**
 * One entry of a flight of either version: a handshake message sent in `epoch` (`index`: its place in the flight, which
 * 1.3's ACK bookkeeping names; `sentLast`: its datagrams go after the rest of the flight's), or a ChangeCipherSpec.
 */
export type FlightEntry =
  | (HandshakeMessage & {
      readonly kind?: 'handshake';
      readonly index?: number;
      readonly epoch: number;
      readonly sentLast?: true;
    })
  | { readonly kind: 'changeCipherSpec' };

/** What differs by version in how a flight goes out: the outbox's field, as the write form is the writer's. */
export interface FlightForm {
  /**
   * Records are acknowledged (RFC 9147 §7): which record carried which fragment is kept, a retransmission sends only
   * what is not acknowledged, and a flight that went unanswered is cut to {@link SILENT_PATH_DATAGRAM} (§4.4).
   */
  readonly acknowledged: boolean;
  /** The write key cannot be renewed (1.2): a flight that would take its last record (the alert's) is not sent. */
  readonly keepsLastRecord: boolean;
  /**
   * The flight is sealed as it is sent, with what was staged before it, not at the next poll (1.3): its seals belong to
   * the call that sent it (the device model, hwmodel/model/record-layer.ts, charges a call the seals it logged).
   */
  readonly sealedWhenSent: boolean;
}

export const FLIGHT13: FlightForm = { acknowledged: true, keepsLastRecord: false, sealedWhenSent: true };
export const FLIGHT12: FlightForm = { acknowledged: false, keepsLastRecord: true, sealedWhenSent: false };

/**
 * The datagram a flight falls back to when a transmission of it went unanswered (RFC 9147 §4.4): 576-byte IPv4
 * datagrams (RFC 791's size every host reassembles) less the IPv4 and UDP headers. IPv6's 1,232 is larger than the
 * default limit, so a silent path is cut to this size on either family.
 */
export const SILENT_PATH_DATAGRAM = 548;

/** Fragment offsets are uint24: a fragment's message index and offset packed in one number. */
const OFFSET_SPAN = 2 ** 24;
const SEQUENCE_SPAN = 2 ** 48;
const CHANGE_CIPHER_SPEC_BODY = Uint8Array.of(1);

/** A record number as a Map key: epoch × 2^48 + sequence (exact below 2^53) while the epoch is below 32, else text. */
function carriedKey(epoch: number | bigint, sequenceNumber: number | bigint): number | string {
  return epoch < 32 && sequenceNumber < SEQUENCE_SPAN && sequenceNumber >= 0
    ? Number(epoch) * SEQUENCE_SPAN + Number(sequenceNumber)
    : `${epoch}:${sequenceNumber}`;
}

/** One record of a flight as planned: a fragment (`index` × 2^24 + offset: `at`), a ChangeCipherSpec, or a lead. */
interface Piece {
  readonly fragment: DtlsHandshake | undefined;
  readonly epoch: number;
  readonly at: number;
  /** A record sealed before (an ACK leading the flight's first datagram), queued as it is. */
  readonly whole: Uint8Array | undefined;
  readonly last: boolean;
  readonly length: number;
}

/**
 * Puts a flight of either version on the wire (RFC 9147 §5.5, §5.8; RFC 6347 §4.1.1, §4.2.3): each message cut into
 * fragments that fit the datagram limit, the records packed into as few datagrams as fit, in order but for the
 * datagrams holding a `sentLast` message, which go (and are numbered) after the others. Every record is numbered and
 * staged on the one record writer now, and sealed when a datagram is polled (the writer's `transmitReady`) or, in
 * 1.3's form, as the flight is sent. With 1.3's
 * form it remembers which record carried which fragment, so an ACK (RFC 9147 §7) can be turned into the messages it
 * acknowledges.
 */
export class HandshakeOutbox<K extends WriteCipher> {
  private readonly writer: RecordWriter<K>;
  private readonly form: FlightForm;
  /** The connection's one datagram limit (the common state's): a flight is cut to it, and it falls after silence. */
  readonly limit: DatagramLimit;
  private readonly outgoing: Uint8Array[];
  /** Where the handshake messages written are counted, retransmissions included (the connection's counters). */
  private readonly counts: { handshakeMessagesSent: number };
  /** Record number ({@link carriedKey}) → the fragment it carried, index × 2^24 + offset. */
  private carried: Map<number | string, number> | undefined;
  /** The current flight's messages by index, in the order first sent. */
  private acked: Map<number, { readonly offsets: number[]; readonly count: number }> | undefined;
  /** How often the current flight went out without any of its records being acknowledged. */
  private unanswered = 0;
  private largestSent = 0;
  /** Whether our ChangeCipherSpec has gone out (1.2: alerts are sealed from then on). */
  changedCipherSpec = false;
  /**
   * A lone record just queued (an ACK) that leads the next transmission's first datagram instead, if nothing was queued
   * after it and they fit (RFC 9147 §4.3): one datagram fewer. The connection clears it when the datagram is sent.
   */
  lead: Uint8Array | undefined;

  constructor(
    writer: RecordWriter<K>,
    form: FlightForm,
    limit: DatagramLimit,
    outgoing: Uint8Array[],
    counts: { handshakeMessagesSent: number },
  ) {
    this.writer = writer;
    this.form = form;
    this.limit = limit;
    this.outgoing = outgoing;
    this.counts = counts;
  }

  newFlight(): void {
    this.unanswered = 0;
    this.carried = undefined;
    this.acked = undefined;
  }

  /** The current flight is over (acknowledged, or dropped): an idle connection holds no flight. */
  settle(): void {
    if (this.acked) this.newFlight();
  }

  /** Indexes of every message of the current flight (an implicit acknowledgement covers them all, RFC 9147 §7.2). */
  allIndexes(): number[] {
    return this.acked ? [...this.acked.keys()] : [];
  }

  /** Content room of a handshake record in `epoch`, within the datagram and the peer's record_size_limit (RFC 8449). */
  private room(epoch: number, limit: number): number {
    const writer = this.writer;
    const room =
      epoch === 0 ? limit - HEADER12 : Math.min(limit - writer.protectedOverhead(), writer.maxProtectedContent);
    return Math.max(1, room - DTLS_HANDSHAKE_HEADER_LENGTH);
  }

  /**
   * Sends `entries` as fresh records: fresh record numbers, the same message_seq (RFC 6347 §4.2.4). With 1.3's form, a
   * flight sent before in datagrams larger than {@link SILENT_PATH_DATAGRAM}, with nothing acknowledged since, is cut
   * to that size from now on (RFC 9147 §4.4's back-off): a server's unconnected socket never hears the ICMP "too big",
   * and the kernel would send IP fragments, which many paths drop.
   */
  transmit(entries: readonly FlightEntry[]): void {
    const { form, writer, outgoing } = this;
    if (form.acknowledged) {
      if (this.unanswered > 0 && this.largestSent > SILENT_PATH_DATAGRAM) this.limit.lower(SILENT_PATH_DATAGRAM);
      this.unanswered++;
      this.largestSent = 0;
    }
    const limit = this.limit.value;
    const pieces: Piece[] = [];
    const lead = this.lead;
    this.lead = undefined;
    if (lead !== undefined && outgoing[outgoing.length - 1] === lead)
      pieces.push({ fragment: undefined, epoch: 0, at: 0, whole: outgoing.pop()!, last: false, length: lead.length });
    let messages = 0;
    let sealed = 0;
    const ackedByIndex = form.acknowledged ? (this.acked ??= new Map()) : undefined;
    for (const m of entries) {
      if (m.kind === 'changeCipherSpec') {
        pieces.push({ fragment: undefined, epoch: 0, at: 0, whole: undefined, last: false, length: HEADER12 + 1 });
        continue;
      }
      messages++;
      const { epoch, index = 0 } = m;
      const fragments = fragmentMessage(
        { msgType: m.msgType, messageSeq: m.messageSeq, body: m.body },
        this.room(epoch, limit),
      );
      let acked: { offsets: number[]; readonly count: number } | undefined;
      if (ackedByIndex !== undefined) {
        acked = ackedByIndex.get(index);
        if (!acked) ackedByIndex.set(index, (acked = { offsets: [], count: fragments.length }));
      }
      for (const f of fragments) {
        if (acked !== undefined && acked.offsets.length > 0 && acked.offsets.includes(f.fragmentOffset)) continue;
        if (epoch > 0) sealed++;
        const length = writer.recordLength(HANDSHAKE, DTLS_HANDSHAKE_HEADER_LENGTH + f.fragment.length, epoch);
        const at = index * OFFSET_SPAN + f.fragmentOffset;
        pieces.push({ fragment: f, epoch, at, whole: undefined, last: m.sentLast === true, length });
      }
    }
    // 1.2 cannot rekey: the key's last record is kept for the alert that ends the connection. A flight that would take
    // it is not sent: retransmissions (answers to the peer's previous flight, or a replayer's copies of it) must not
    // spend the key to its end, where the alert's seal would throw out of receive.
    if (form.keepsLastRecord && sealed > 0 && writer.remaining < sealed + 1) return;
    this.counts.handshakeMessagesSent += messages;
    const carried = form.acknowledged ? (this.carried ??= new Map()) : undefined;
    for (const d of packDatagrams(pieces, limit)) {
      let size = 0;
      for (let i = 0; i < d.length; i++) {
        const p = d[i]!;
        size += p.length;
        const number = this.stage(p, i < d.length - 1);
        if (carried !== undefined && p.fragment !== undefined) carried.set(carriedKey(p.epoch, number), p.at);
      }
      if (size > this.largestSent) this.largestSent = size;
    }
    if (form.sealedWhenSent) writer.sealStaged();
  }

  /** Stages one record of a flight (`joinsNext`: in one datagram with the next); returns its sequence number. */
  private stage(p: Piece, joinsNext: boolean): number {
    const { writer, outgoing } = this;
    if (p.whole !== undefined) {
      writer.stageWhole(p.whole, outgoing, joinsNext);
      return 0;
    }
    if (p.fragment === undefined) {
      this.changedCipherSpec = true;
      return writer.stagePlaintext('change_cipher_spec', CHANGE_CIPHER_SPEC_BODY, outgoing, joinsNext);
    }
    const bytes = encodeFragmentView(p.fragment);
    return p.epoch === 0
      ? writer.stagePlaintext('handshake', bytes, outgoing, joinsNext)
      : writer.stage(HANDSHAKE, bytes, outgoing, joinsNext, p.epoch);
  }

  /** Records an ACK's record numbers; returns the indexes of messages now wholly acknowledged. */
  acknowledge(recordNumbers: readonly { readonly epoch: bigint; readonly sequenceNumber: bigint }[]): number[] {
    const carried = this.carried;
    const acked = this.acked;
    if (!carried || !acked) return [];
    for (const rn of recordNumbers) {
      const hit = carried.get(carriedKey(rn.epoch, rn.sequenceNumber));
      if (hit === undefined) continue;
      const offset = hit % OFFSET_SPAN;
      const offsets = acked.get((hit - offset) / OFFSET_SPAN)?.offsets;
      if (offsets !== undefined && !offsets.includes(offset)) offsets.push(offset);
      this.unanswered = 0;
    }
    const done: number[] = [];
    for (const [index, a] of acked) if (a.offsets.length >= a.count) done.push(index);
    return done;
  }
}
