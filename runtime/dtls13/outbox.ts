import { allocate } from '../wire/slab.js';
import type { DtlsHandshake } from '../../generated/wire/index.js';
import { encodeFragmentView, fragmentMessage, packDatagrams } from '../handshake/fragmenter.js';
import { DTLS_HANDSHAKE_HEADER_LENGTH, type HandshakeMessage } from '../handshake/handshake-message.js';
import { HEADER12 } from '../record/codec12.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { SealedRecord } from '../record/record-number.js';
import type { DatagramLimit } from '../shared/datagram-limit.js';

/** A handshake message of the current flight, as sent (and re-sent) in `epoch`. */
export interface OutMessage extends HandshakeMessage {
  /** Position in its flight (what ACK bookkeeping refers to). */
  readonly index: number;
  readonly epoch: number;
}

/**
 * The datagram a flight falls back to when a transmission of it went unanswered (RFC 9147 §4.4): 576-byte IPv4
 * datagrams (RFC 791's size every host reassembles) less the IPv4 and UDP headers. IPv6's 1,232 is larger than the
 * default limit, so a silent path is cut to this size on either family.
 */
export const SILENT_PATH_DATAGRAM = 548;

/** Fragment offsets are uint24: a fragment's message index and offset packed in one number. */
const OFFSET_SPAN = 2 ** 24;
const SEQUENCE_SPAN = 2 ** 48;

/** A record number as a Map key: epoch × 2^48 + sequence (exact below 2^53) while the epoch is below 32, else text. */
function carriedKey(epoch: number | bigint, sequenceNumber: number | bigint): number | string {
  return epoch < 32 && sequenceNumber < SEQUENCE_SPAN && sequenceNumber >= 0
    ? Number(epoch) * SEQUENCE_SPAN + Number(sequenceNumber)
    : `${epoch}:${sequenceNumber}`;
}

/** A datagram of `records`: the one record itself, or the records copied into a view of a slab (wire/slab.ts). */
function datagramOf(records: readonly Uint8Array[]): Uint8Array {
  if (records.length === 1) return records[0]!;
  let size = 0;
  for (const r of records) size += r.length;
  const out = allocate(size);
  let at = 0;
  for (const r of records) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

/**
 * Puts a flight on the wire (RFC 9147 §5.5, §5.8), fragmented and packed into as few datagrams as fit, remembering which
 * record carried which fragment so an ACK (RFC 9147 §7) can be turned into the messages it acknowledges.
 */
export class HandshakeOutbox {
  private readonly records: RecordLayer;
  /** The connection's one datagram limit (the common state's): a flight is cut to it, and it falls after silence. */
  readonly limit: DatagramLimit;
  private readonly outgoing: Uint8Array[];
  /** Record number ({@link carriedKey}) → the fragment it carried, index × 2^24 + offset. */
  private carried: Map<number | string, number> | undefined;
  /** The current flight's messages by index, in the order first sent. */
  private acked: Map<number, { readonly offsets: number[]; readonly count: number }> | undefined;
  /** How often the current flight went out without any of its records being acknowledged. */
  private unanswered = 0;
  private largestSent = 0;
  private readonly counts: { handshakeMessagesSent: number };
  /**
   * A lone record just queued (an ACK) that leads the next transmission's first datagram instead, if nothing was queued
   * after it and they fit (RFC 9147 §4.3): one datagram fewer. The connection clears it when the datagram is sent.
   */
  lead: Uint8Array | undefined;

  constructor(
    records: RecordLayer,
    limit: DatagramLimit,
    outgoing: Uint8Array[],
    counts: { handshakeMessagesSent: number },
  ) {
    this.records = records;
    this.counts = counts;
    this.limit = limit;
    this.outgoing = outgoing;
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

  private fragmentBudget(epoch: number): number {
    if (epoch === 0) return this.limit.value - HEADER12 - DTLS_HANDSHAKE_HEADER_LENGTH;
    // Protected records fit both the datagram and the peer's record_size_limit (RFC 8449; plaintext is not subject to it).
    // What a record adds is the writer's: the unified header with the CID our records carry now, the type and the tag.
    const room = Math.min(
      this.limit.value - this.records.writer.protectedOverhead(),
      this.records.writer.maxProtectedContent,
    );
    return room - DTLS_HANDSHAKE_HEADER_LENGTH;
  }

  /**
   * Sends `messages` as fresh records. A flight sent before in datagrams larger than {@link SILENT_PATH_DATAGRAM}, with
   * nothing acknowledged since, is cut to that size from now on (RFC 9147 §4.4's back-off): a server's unconnected socket
   * never hears the ICMP "too big", and the kernel would send IP fragments, which many paths drop.
   */
  transmit(messages: readonly OutMessage[]): void {
    if (this.unanswered > 0 && this.largestSent > SILENT_PATH_DATAGRAM) this.limit.lower(SILENT_PATH_DATAGRAM);
    this.unanswered++;
    this.largestSent = 0;
    const records: Uint8Array[] = [];
    const lead = this.lead;
    this.lead = undefined;
    if (lead !== undefined && this.outgoing[this.outgoing.length - 1] === lead) records.push(this.outgoing.pop()!);
    this.counts.handshakeMessagesSent += messages.length;
    const carried = (this.carried ??= new Map());
    const ackedByIndex = (this.acked ??= new Map());
    for (const m of messages) {
      const fragments = fragmentMessage(
        { msgType: m.msgType, messageSeq: m.messageSeq, body: m.body },
        this.fragmentBudget(m.epoch),
      );
      let acked = ackedByIndex.get(m.index);
      if (!acked) ackedByIndex.set(m.index, (acked = { offsets: [], count: fragments.length }));
      for (const f of fragments) {
        if (acked.offsets.length > 0 && acked.offsets.includes(f.fragmentOffset)) continue;
        const sealed = this.seal(m.epoch, f);
        carried.set(
          carriedKey(sealed.number.epoch, sealed.number.sequenceNumber),
          m.index * OFFSET_SPAN + f.fragmentOffset,
        );
        records.push(sealed.bytes);
      }
    }
    for (const d of packDatagrams(records, this.limit.value)) {
      const datagram = datagramOf(d);
      this.largestSent = Math.max(this.largestSent, datagram.length);
      this.outgoing.push(datagram);
    }
  }

  private seal(epoch: number, f: DtlsHandshake): SealedRecord {
    // A view of a shared buffer: the record layer copies it into the record.
    const bytes = encodeFragmentView(f);
    return epoch === 0
      ? this.records.writer.sealPlaintext('handshake', bytes)
      : this.records.writer.seal('handshake', bytes, { epoch });
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
