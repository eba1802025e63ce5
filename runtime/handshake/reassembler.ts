import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { type HandshakeType, handshakeTypeToNumber } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { FragmentStore } from './fragment-store.js';
import { type HandshakeMessage, MAX_MESSAGE_SEQ, MAX_UINT24 } from './handshake-message.js';

/** Messages beyond next_receive_seq that are buffered by default (RFC 9147 §5.2: SHOULD queue, MAY discard). */
export const DEFAULT_MAX_MESSAGES_AHEAD = 8;

/** Longest message body accepted by default: 128 KiB (post-quantum chains reach tens of KB; OpenSSL caps 100 KiB). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 0x20000;

/** Disjoint ranges kept per message: 256 covers 128 KiB in 512-byte fragments with every other one lost. */
export const DEFAULT_MAX_RANGES_PER_MESSAGE = 256;

/** Fragment bytes held for all pending messages by default, 64 KiB: what an unauthenticated peer can make us keep. */
export const DEFAULT_MAX_BUFFERED_BYTES = 0x10000;

/** What each range of a message beyond its first costs against maxBufferedBytes: its bookkeeping's rough V8 size. */
export const RANGE_OVERHEAD = 256;

export interface HandshakeReassemblerOptions {
  /** The first message_seq expected (next_receive_seq, RFC 9147 §5.2). Default 0; 0..2^16. */
  readonly nextReceiveSeq?: number;
  /** How many messages past next_receive_seq are buffered; fragments beyond are refused ('too-far-ahead'). Default 8. */
  readonly maxMessagesAhead?: number;
  /** Messages whose `length` is above this are refused ('too-long'). Default {@link DEFAULT_MAX_MESSAGE_LENGTH}. */
  readonly maxMessageLength?: number;
  /** Fragments that would leave a message in more disjoint ranges than this are refused ('too-fragmented'). Default 256. */
  readonly maxRangesPerMessage?: number;
  /** Bytes held for all pending messages (plus {@link RANGE_OVERHEAD} per extra range); default 64 KiB. */
  readonly maxBufferedBytes?: number;
}

/** Each option's default and range. */
const OPTION_ROWS: Readonly<
  Record<keyof HandshakeReassemblerOptions, { readonly fallback: number; readonly min: number; readonly max: number }>
> = {
  nextReceiveSeq: { fallback: 0, min: 0, max: MAX_MESSAGE_SEQ + 1 },
  maxMessagesAhead: { fallback: DEFAULT_MAX_MESSAGES_AHEAD, min: 0, max: MAX_MESSAGE_SEQ },
  maxMessageLength: { fallback: DEFAULT_MAX_MESSAGE_LENGTH, min: 0, max: MAX_UINT24 },
  maxRangesPerMessage: { fallback: DEFAULT_MAX_RANGES_PER_MESSAGE, min: 1, max: MAX_UINT24 },
  maxBufferedBytes: { fallback: DEFAULT_MAX_BUFFERED_BYTES, min: 0, max: 2 ** 31 },
};

/** Option `name` of `options`, checked against its row; its default when undefined. */
function option(options: HandshakeReassemblerOptions, name: keyof HandshakeReassemblerOptions): number {
  const row = OPTION_ROWS[name];
  return integerOption(name, options[name] ?? row.fallback, row.min, row.max);
}

/** The fields of a fragment that can contradict earlier fragments of its message (wire names). */
export type InconsistentField = 'msg_type' | 'length' | 'fragment' | 'fragment_length';

/** Why a fragment was refused: each names the option whose bound it would pass. */
export type RefusalReason = 'too-far-ahead' | 'too-long' | 'too-fragmented' | 'buffer-cap';

/** What became of one fragment: only 'progress' and 'complete' may be ACKed (RFC 9147 §7); peer input never throws. */
export type ReassemblyResult =
  /** Buffered. `newBytes` 0: a duplicate. `outOfOrder`: not the next piece expected, an ACK trigger (RFC 9147 §7.1). */
  | { readonly kind: 'progress'; readonly messageSeq: number; readonly newBytes: number; readonly outOfOrder: boolean }
  /** One or more whole messages, consecutive, from the old next_receive_seq on; next_receive_seq is now past the last. */
  | { readonly kind: 'complete'; readonly messages: readonly HandshakeMessage[] }
  /** message_seq is below next_receive_seq: already delivered, discarded (RFC 9147 §5.2). */
  | { readonly kind: 'old'; readonly messageSeq: number }
  /** Not buffered, for `reason`: the peer will retransmit it. */
  | { readonly kind: 'refused'; readonly messageSeq: number; readonly reason: RefusalReason }
  /** The fragment contradicts itself or earlier fragments of its message: rejected. */
  | {
      readonly kind: 'inconsistent';
      readonly messageSeq: number;
      readonly field: InconsistentField;
      readonly reason: string;
    };

export interface PendingMessageView {
  readonly messageSeq: number;
  readonly msgType: HandshakeType;
  readonly length: number;
  readonly receivedBytes: number;
  readonly retainedBytes: number;
  /** Received [start, end) ranges, ascending. */
  readonly ranges: readonly (readonly [number, number])[];
}

export interface ReassemblerView {
  readonly nextReceiveSeq: number;
  readonly bufferedMessages: number;
  readonly receivedBytes: number;
  readonly retainedBytes: number;
  readonly messages: readonly PendingMessageView[];
}

class PendingMessage {
  readonly msgType: HandshakeType;
  readonly msgTypeNumber: number;
  readonly store: FragmentStore;

  constructor(msgType: HandshakeType, length: number) {
    this.msgType = msgType;
    this.msgTypeNumber = handshakeTypeToNumber(msgType);
    this.store = new FragmentStore(length);
  }

  get charge(): number {
    return charge(this.store.held, this.store.ranges.count);
  }

  conflict(f: DtlsHandshake): { readonly field: InconsistentField; readonly reason: string } | undefined {
    if (handshakeTypeToNumber(f.msgType) !== this.msgTypeNumber) {
      return {
        field: 'msg_type',
        reason: `msg_type ${String(f.msgType)} differs from ${String(this.msgType)} in earlier fragments`,
      };
    }
    if (f.length !== this.store.length)
      return { field: 'length', reason: `length ${f.length} differs from ${this.store.length} in earlier fragments` };
    const bad = this.store.firstMismatch(f.fragmentOffset, f.fragment);
    if (bad === undefined) return undefined;
    return {
      field: 'fragment',
      reason: `byte ${bad.at} of the message is 0x${hex2(bad.got)}, but 0x${hex2(bad.had)} in an earlier fragment`,
    };
  }
}

function charge(held: number, ranges: number): number {
  return held + RANGE_OVERHEAD * Math.max(0, ranges - 1);
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Reassembles handshake messages from fragments in any order (RFC 9147 §5.5), bounded; peer input never throws. */
export class HandshakeReassembler {
  private next: number;
  private readonly maxMessagesAhead: number;
  private readonly maxMessageLength: number;
  private readonly maxRangesPerMessage: number;
  private readonly maxBufferedBytes: number;
  /** Messages with fragments held, by message_seq; made with the first (most messages arrive whole). */
  private pending: Map<number, PendingMessage> | undefined;
  /** The pending messages' charges against maxBufferedBytes, and their bytes. */
  private charged = 0;
  private retained = 0;

  /** @throws ConfigError naming an option that is not an integer in its range. */
  constructor(options: HandshakeReassemblerOptions = {}) {
    this.next = option(options, 'nextReceiveSeq');
    this.maxMessagesAhead = option(options, 'maxMessagesAhead');
    this.maxMessageLength = option(options, 'maxMessageLength');
    this.maxRangesPerMessage = option(options, 'maxRangesPerMessage');
    this.maxBufferedBytes = option(options, 'maxBufferedBytes');
  }

  get nextReceiveSeq(): number {
    return this.next;
  }

  /** Bytes held for pending messages (each byte that arrived, once); never above maxBufferedBytes. */
  get retainedBytes(): number {
    return this.retained;
  }

  /** Takes one decoded fragment, copying what must be kept (but for the whole-message fast path). */
  receive(f: DtlsHandshake): ReassemblyResult {
    const seq = f.messageSeq;
    if (seq < this.next) return { kind: 'old', messageSeq: seq };
    if (seq - this.next > this.maxMessagesAhead) return refused(seq, 'too-far-ahead');
    const start = f.fragmentOffset;
    const end = start + f.fragment.length;
    if (end > f.length) {
      return {
        kind: 'inconsistent',
        messageSeq: seq,
        field: 'fragment_length',
        reason: `fragment_offset ${start} + fragment_length ${f.fragment.length} is past length ${f.length}`,
      };
    }
    let p = this.pending?.get(seq);
    if (p === undefined) {
      if (f.length > this.maxMessageLength) return refused(seq, 'too-long');
      if (seq === this.next && start === 0 && end === f.length) {
        this.next++;
        return this.drain([{ msgType: f.msgType, messageSeq: seq, body: f.fragment }]);
      }
      if (f.length > this.maxBufferedBytes) return refused(seq, 'too-long');
      // A zero-length fragment of a longer message says nothing worth keeping.
      if (start === end && f.length > 0)
        return { kind: 'progress', messageSeq: seq, newBytes: 0, outOfOrder: seq !== this.next || start > 0 };
    } else {
      const conflict = p.conflict(f);
      if (conflict !== undefined) return { kind: 'inconsistent', messageSeq: seq, ...conflict };
    }
    const ranges = p?.store.ranges;
    const newBytes = end - start - (ranges?.coveredWithin(start, end) ?? 0);
    const rangesAfter = ranges?.countAfterInsert(start, end) ?? (end > start ? 1 : 0);
    if (rangesAfter > this.maxRangesPerMessage) return refused(seq, 'too-fragmented');
    const before = p?.charge ?? 0;
    const after = charge((p?.store.held ?? 0) + newBytes, rangesAfter);
    if (this.charged - before + after > this.maxBufferedBytes) return refused(seq, 'buffer-cap');
    if (p === undefined) {
      p = new PendingMessage(f.msgType, f.length);
      (this.pending ??= new Map()).set(seq, p);
    }
    const outOfOrder = seq !== this.next || start > p.store.ranges.prefixEnd;
    p.store.insert(start, f.fragment);
    this.charged += after - before;
    this.retained += newBytes;
    if (seq === this.next && p.store.complete) return this.drain([]);
    return { kind: 'progress', messageSeq: seq, newBytes, outOfOrder };
  }

  /** Forgets the fragments held for `messageSeq` (a caller's choice when they may be an attacker's); the rest stay. */
  forget(messageSeq: number): void {
    const p = this.pending?.get(messageSeq);
    if (p === undefined) return;
    this.pending!.delete(messageSeq);
    this.charged -= p.charge;
    this.retained -= p.store.held;
  }

  /** Forgets every buffered fragment and expects `nextReceiveSeq` next. @throws ConfigError outside 0..2^16. */
  reset(nextReceiveSeq: number): void {
    this.next = integerOption('nextReceiveSeq', nextReceiveSeq, 0, MAX_MESSAGE_SEQ + 1);
    this.pending = undefined;
    this.charged = 0;
    this.retained = 0;
  }

  snapshot(): ReassemblerView {
    const messages: PendingMessageView[] = [];
    let receivedBytes = 0;
    const pending = this.pending ?? new Map<number, PendingMessage>();
    for (const seq of [...pending.keys()].sort((a, b) => a - b)) {
      const p = pending.get(seq)!;
      receivedBytes += p.store.held;
      messages.push({
        messageSeq: seq,
        msgType: p.msgType,
        length: p.store.length,
        receivedBytes: p.store.held,
        retainedBytes: p.store.held,
        ranges: p.store.ranges.list(),
      });
    }
    return {
      nextReceiveSeq: this.next,
      bufferedMessages: messages.length,
      receivedBytes,
      retainedBytes: this.retained,
      messages,
    };
  }

  private drain(first: HandshakeMessage[]): ReassemblyResult {
    const messages = first;
    const pending = this.pending;
    if (!pending) return { kind: 'complete', messages };
    for (let p = pending.get(this.next); p?.store.complete; p = pending.get(this.next)) {
      pending.delete(this.next);
      this.charged -= p.charge;
      this.retained -= p.store.held;
      messages.push({ msgType: p.msgType, messageSeq: this.next, body: p.store.body() });
      this.next++;
    }
    if (pending.size === 0) this.pending = undefined;
    return { kind: 'complete', messages };
  }
}

function refused(messageSeq: number, reason: RefusalReason): ReassemblyResult {
  return { kind: 'refused', messageSeq, reason };
}
