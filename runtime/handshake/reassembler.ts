import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { type HandshakeType, handshakeTypeToNumber } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { ByteRanges } from './byte-ranges.js';
import { type HandshakeMessage, MAX_MESSAGE_SEQ, MAX_UINT24 } from './handshake-message.js';

/** Messages beyond next_receive_seq that are buffered by default (RFC 9147 §5.2: SHOULD queue, MAY discard). */
export const DEFAULT_MAX_MESSAGES_AHEAD = 8;

/**
 * Longest message body accepted by default: 128 KiB. Certificate is the
 * large one: ordinary chains are 2–10 KB, long RSA-4096 or post-quantum
 * chains reach tens of KB, and OpenSSL's default cap on a received chain
 * (max_cert_list) is 100 KiB; 0x20000 clears all of these with room, while
 * bounding what an unauthenticated peer can make us allocate.
 */
export const DEFAULT_MAX_MESSAGE_LENGTH = 0x20000;

/**
 * Disjoint received ranges kept per message by default. An honest sender's
 * fragments are contiguous, so gaps come only from loss or reordering; 256
 * covers a 128 KiB message in 512-byte fragments with every other one lost,
 * and costs at most 4 KiB of bookkeeping against the 128 KiB buffer.
 */
export const DEFAULT_MAX_RANGES_PER_MESSAGE = 256;

/** Options of {@link HandshakeReassembler}; every one is an integer. */
export interface HandshakeReassemblerOptions {
  /** The first message_seq expected (next_receive_seq, RFC 9147 §5.2). Default 0; 0..2^16. */
  readonly nextReceiveSeq?: number;
  /** How many messages past next_receive_seq are buffered; fragments beyond are dropped as 'too-far-ahead'. Default 8. */
  readonly maxMessagesAhead?: number;
  /** Messages whose `length` is above this are dropped as 'too-long'. Default {@link DEFAULT_MAX_MESSAGE_LENGTH}. */
  readonly maxMessageLength?: number;
  /** Fragments that would leave a message in more disjoint ranges than this are dropped as 'too-fragmented'. Default 256. */
  readonly maxRangesPerMessage?: number;
}

/** The fields of a fragment that can contradict earlier fragments of its message (wire names). */
export type InconsistentField = 'msg_type' | 'length' | 'fragment' | 'fragment_length';

/**
 * What became of one fragment. Only 'progress' and 'complete' mean the
 * fragment was processed or buffered, so only their records may be ACKed
 * (RFC 9147 §7); the dropped kinds ('too-far-ahead', 'too-long',
 * 'too-fragmented') will be retransmitted by the peer; 'old' is a sign the
 * peer retransmitted a flight (RFC 9147 §5.8.1); 'inconsistent' is a peer
 * that changed message bytes on retransmission, which SHOULD end the
 * handshake with an illegal_parameter alert (RFC 9147 §5.5). A rejected
 * fragment changes nothing in the reassembler.
 */
export type ReassemblyResult =
  /** Buffered; no message completed in order yet. `newBytes` may be 0 (a duplicate). `outOfOrder`: the fragment was not the next piece expected (a later message, or it starts past the in-order prefix) — a trigger for an ACK (RFC 9147 §7.1). */
  | { readonly kind: 'progress'; readonly messageSeq: number; readonly newBytes: number; readonly outOfOrder: boolean }
  /** One or more whole messages, consecutive, from the old next_receive_seq on; next_receive_seq is now past the last. */
  | { readonly kind: 'complete'; readonly messages: readonly HandshakeMessage[] }
  /** message_seq is below next_receive_seq: already delivered, discarded (RFC 9147 §5.2). */
  | { readonly kind: 'old'; readonly messageSeq: number }
  /** message_seq is more than maxMessagesAhead past next_receive_seq: dropped. */
  | { readonly kind: 'too-far-ahead'; readonly messageSeq: number; readonly nextReceiveSeq: number }
  /** The message's length is above maxMessageLength: dropped. */
  | { readonly kind: 'too-long'; readonly messageSeq: number; readonly length: number; readonly maxMessageLength: number }
  /** Buffering the fragment would split its message into more than maxRangesPerMessage ranges: dropped. */
  | { readonly kind: 'too-fragmented'; readonly messageSeq: number }
  /** The fragment contradicts itself or earlier fragments of its message: rejected. */
  | { readonly kind: 'inconsistent'; readonly messageSeq: number; readonly field: InconsistentField; readonly reason: string };

/** One message being reassembled, for diagnostics. */
export interface PendingMessageView {
  readonly messageSeq: number;
  readonly msgType: HandshakeType;
  readonly length: number;
  readonly receivedBytes: number;
  /** Received [start, end) ranges, ascending and disjoint. */
  readonly ranges: readonly (readonly [number, number])[];
}

/** The reassembler's buffered state, for diagnostics and tests. */
export interface ReassemblerView {
  readonly nextReceiveSeq: number;
  readonly bufferedMessages: number;
  /** Body bytes received and held. */
  readonly receivedBytes: number;
  /** Bytes allocated for bodies (each pending message's `length`). */
  readonly allocatedBytes: number;
  /** In message_seq order. */
  readonly messages: readonly PendingMessageView[];
}

class PendingMessage {
  readonly msgType: HandshakeType;
  readonly msgTypeNumber: number;
  readonly body: Uint8Array;
  readonly ranges = new ByteRanges();

  constructor(msgType: HandshakeType, length: number) {
    this.msgType = msgType;
    this.msgTypeNumber = handshakeTypeToNumber(msgType);
    this.body = new Uint8Array(length);
  }

  get complete(): boolean {
    return this.ranges.isWhole(this.body.length);
  }

  /** Why `f` cannot belong to this message, or undefined. */
  conflict(f: DtlsHandshake): { readonly field: InconsistentField; readonly reason: string } | undefined {
    if (handshakeTypeToNumber(f.msgType) !== this.msgTypeNumber) {
      return { field: 'msg_type', reason: `msg_type ${String(f.msgType)} differs from ${String(this.msgType)} in earlier fragments` };
    }
    if (f.length !== this.body.length) return { field: 'length', reason: `length ${f.length} differs from ${this.body.length} in earlier fragments` };
    const start = f.fragmentOffset;
    return this.ranges.findInOverlaps(start, start + f.fragment.length, (from, to) => {
      for (let i = from; i < to; i++) {
        const had = this.body[i]!;
        const got = f.fragment[i - start]!;
        if (had !== got) return { field: 'fragment' as const, reason: `byte ${i} of the message is 0x${hex2(got)}, but 0x${hex2(had)} in an earlier fragment` };
      }
      return undefined;
    });
  }
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/**
 * Reassembles DTLS handshake messages from fragments that arrive in any
 * order, duplicated or overlapping, and hands them out whole and in
 * message_seq order, starting at next_receive_seq.
 *
 * Memory is bounded by the options: at most maxMessagesAhead + 1 messages
 * are buffered, each with a body of at most maxMessageLength bytes
 * (allocated at its first fragment) and at most maxRangesPerMessage ranges;
 * with the defaults, 9 × 128 KiB. A message is delivered as soon as it and
 * every message before it are whole. Its body is a fresh array the
 * reassembler no longer touches, except when one fragment carried the whole
 * next expected message: then the body is that fragment (zero copy, a view
 * into the caller's record).
 *
 * Sans-I/O and synchronous; never throws on peer input. message_seq does not
 * wrap in DTLS 1.3 (it is never reset, RFC 9147 §5.2), so neither does this.
 *
 * @see RFC 9147 §5.2 (next_receive_seq), §5.5 (fragmentation and reassembly)
 */
export class HandshakeReassembler {
  private next: number;
  private readonly maxMessagesAhead: number;
  private readonly maxMessageLength: number;
  private readonly maxRangesPerMessage: number;
  private readonly pending = new Map<number, PendingMessage>();

  /** @throws ConfigError naming the option that is not an integer in its range. */
  constructor(options: HandshakeReassemblerOptions = {}) {
    this.next = integerOption('nextReceiveSeq', options.nextReceiveSeq ?? 0, 0, MAX_MESSAGE_SEQ + 1);
    this.maxMessagesAhead = integerOption('maxMessagesAhead', options.maxMessagesAhead ?? DEFAULT_MAX_MESSAGES_AHEAD, 0, MAX_MESSAGE_SEQ);
    this.maxMessageLength = integerOption('maxMessageLength', options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH, 0, MAX_UINT24);
    this.maxRangesPerMessage = integerOption('maxRangesPerMessage', options.maxRangesPerMessage ?? DEFAULT_MAX_RANGES_PER_MESSAGE, 1, MAX_UINT24);
  }

  /** next_receive_seq: the message_seq of the next message to be delivered. */
  get nextReceiveSeq(): number {
    return this.next;
  }

  /**
   * Takes one fragment, already decoded from a handshake record (the
   * fragment's bytes are copied if they need to be kept, except in the
   * whole-message fast path described on the class).
   */
  receive(f: DtlsHandshake): ReassemblyResult {
    const seq = f.messageSeq;
    if (seq < this.next) return { kind: 'old', messageSeq: seq };
    if (seq - this.next > this.maxMessagesAhead) return { kind: 'too-far-ahead', messageSeq: seq, nextReceiveSeq: this.next };
    const start = f.fragmentOffset;
    const end = start + f.fragment.length;
    if (end > f.length) {
      return { kind: 'inconsistent', messageSeq: seq, field: 'fragment_length', reason: `fragment_offset ${start} + fragment_length ${f.fragment.length} is past length ${f.length}` };
    }
    let p = this.pending.get(seq);
    if (p === undefined) {
      if (f.length > this.maxMessageLength) return { kind: 'too-long', messageSeq: seq, length: f.length, maxMessageLength: this.maxMessageLength };
      if (seq === this.next && start === 0 && end === f.length) {
        this.next++;
        return this.drain([{ msgType: f.msgType, messageSeq: seq, body: f.fragment }]);
      }
      p = new PendingMessage(f.msgType, f.length);
      this.pending.set(seq, p);
    } else {
      const conflict = p.conflict(f);
      if (conflict !== undefined) return { kind: 'inconsistent', messageSeq: seq, ...conflict };
      if (p.ranges.countAfterInsert(start, end) > this.maxRangesPerMessage) return { kind: 'too-fragmented', messageSeq: seq };
    }
    const outOfOrder = seq !== this.next || start > p.ranges.prefixEnd;
    p.body.set(f.fragment, start);
    const newBytes = p.ranges.insert(start, end);
    if (seq === this.next && p.complete) return this.drain([]);
    return { kind: 'progress', messageSeq: seq, newBytes, outOfOrder };
  }

  /** Forgets every buffered fragment and expects `nextReceiveSeq` next. @throws ConfigError when it is not an integer in 0..2^16. */
  reset(nextReceiveSeq: number): void {
    this.next = integerOption('nextReceiveSeq', nextReceiveSeq, 0, MAX_MESSAGE_SEQ + 1);
    this.pending.clear();
  }

  /** A copy of the buffered state. */
  snapshot(): ReassemblerView {
    const messages: PendingMessageView[] = [];
    let receivedBytes = 0;
    let allocatedBytes = 0;
    for (const seq of [...this.pending.keys()].sort((a, b) => a - b)) {
      const p = this.pending.get(seq)!;
      receivedBytes += p.ranges.covered;
      allocatedBytes += p.body.length;
      messages.push({ messageSeq: seq, msgType: p.msgType, length: p.body.length, receivedBytes: p.ranges.covered, ranges: p.ranges.list() });
    }
    return { nextReceiveSeq: this.next, bufferedMessages: messages.length, receivedBytes, allocatedBytes, messages };
  }

  /** Delivers `first` and then every whole message from next_receive_seq on. */
  private drain(first: HandshakeMessage[]): ReassemblyResult {
    const messages = first;
    for (let p = this.pending.get(this.next); p !== undefined && p.complete; p = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      messages.push({ msgType: p.msgType, messageSeq: this.next, body: p.body });
      this.next++;
    }
    return { kind: 'complete', messages };
  }
}
