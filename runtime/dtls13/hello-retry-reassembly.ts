import { readDtlsHandshake } from '../../generated/wire/index.js';
import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import type { ProtocolVersion } from '../../generated/wire/enums.js';
import { integerOption } from '../config-error.js';
import { decodeDatagram, type DtlsRecord } from '../wire/datagram.js';
import { DecodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';

/** Options of {@link ClientHelloReassembly}; every one is an integer. */
export interface ClientHelloReassemblyOptions {
  /** ClientHellos being reassembled at once, over every peer: more evicts the oldest; 0 turns reassembly off. */
  readonly maxPendingClientHellos?: number;
  /** Longest ClientHello body reassembled, in bytes; a fragment of a longer one is dropped. */
  readonly maxClientHelloLength?: number;
  /** A partial ClientHello is forgotten this many ms after its first fragment. */
  readonly pendingClientHelloMs?: number;
}

/** Partial ClientHellos kept at once by default: fragments come within a round trip; worst case 1 MiB plus bitmaps. */
export const DEFAULT_MAX_PENDING_CLIENT_HELLOS = 128;

/** Longest ClientHello body reassembled by default: big or post-quantum key shares stay under 3 KB. */
export const DEFAULT_MAX_CLIENT_HELLO_LENGTH = 8192;

/** How long a partial ClientHello is kept by default: several retransmissions of the client's first flight. */
export const DEFAULT_PENDING_CLIENT_HELLO_MS = 10_000;

/** What became of one fragment. */
export type ClientHelloFragmentResult =
  /** The message is whole: its body, and the highest record sequence number that carried a piece of it. */
  | { readonly kind: 'complete'; readonly body: Uint8Array; readonly recordSequence: number }
  /** Kept; more fragments are needed. */
  | { readonly kind: 'buffered' }
  /** Not kept (too long, contradicting earlier fragments, or reassembly is off). */
  | { readonly kind: 'drop'; readonly reason: string };

/** The first ClientHello of a datagram, or why there is none to act on yet. */
export type FoundClientHello =
  | {
      readonly kind: 'whole';
      readonly body: Uint8Array;
      readonly messageSeq: number;
      /** The sequence number of the record that carried it (the highest, when it came in pieces). */
      readonly recordSequence: number;
      /** The datagram held it in one fragment (so the datagram can be handed on as it is). */
      readonly inOneFragment: boolean;
      /** The legacy_record_version of the record that carried it (that completed it, when it came in pieces). */
      readonly legacyRecordVersion: ProtocolVersion;
    }
  /** A fragment of a ClientHello, kept until the rest arrives. */
  | { readonly kind: 'buffered' }
  | { readonly kind: 'drop'; readonly reason: string };

/** One ClientHello being reassembled: the body as far as received and a bitmap of the bytes received. */
class PartialHello {
  readonly body: Uint8Array;
  private readonly seen: Uint8Array;
  private covered = 0;
  recordSequence = 0;
  readonly createdAt: number;

  constructor(length: number, now: number) {
    this.body = new Uint8Array(length);
    this.seen = new Uint8Array((length + 7) >>> 3);
    this.createdAt = now;
  }

  get complete(): boolean {
    return this.covered === this.body.length;
  }

  /** Copies the fragment in; false when it contradicts bytes received before (RFC 9147 §5.5: message bytes never change). */
  add(offset: number, fragment: Uint8Array): boolean {
    for (let i = 0; i < fragment.length; i++) {
      const at = offset + i;
      const bit = 1 << (at & 7);
      const byte = at >>> 3;
      if ((this.seen[byte]! & bit) !== 0) {
        if (this.body[at] !== fragment[i]) return false;
        continue;
      }
      this.seen[byte]! |= bit;
      this.body[at] = fragment[i]!;
      this.covered++;
    }
    return true;
  }
}

/**
 * The stateless responder's only memory: fragmented ClientHellos (RFC 9147 §5.5) by address and message_seq until
 * whole, bounded in count, size and time. Eviction is by age: a flood of first fragments pushes out a real client's
 * partial ClientHello, which its retransmission brings back; an entry whose fragments disagree is dropped.
 */
export class ClientHelloReassembly {
  private readonly entries = new Map<string, PartialHello>();
  private readonly maxEntries: number;
  private readonly maxLength: number;
  private readonly lifetime: number;
  /** Entries pushed out by a newer one while the cache was full. */
  evicted = 0;

  /** @throws ConfigError naming the option that is not an integer in its range. */
  constructor(options: ClientHelloReassemblyOptions = {}) {
    this.maxEntries = integerOption(
      'maxPendingClientHellos',
      options.maxPendingClientHellos ?? DEFAULT_MAX_PENDING_CLIENT_HELLOS,
      0,
      1_000_000,
    );
    this.maxLength = integerOption(
      'maxClientHelloLength',
      options.maxClientHelloLength ?? DEFAULT_MAX_CLIENT_HELLO_LENGTH,
      64,
      16_372,
    );
    this.lifetime = integerOption(
      'pendingClientHelloMs',
      options.pendingClientHelloMs ?? DEFAULT_PENDING_CLIENT_HELLO_MS,
      1,
      3_600_000,
    );
  }

  /** Partial ClientHellos held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes held for bodies and bitmaps now. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.body.length + ((e.body.length + 7) >>> 3);
    return n;
  }

  /**
   * The first ClientHello (message_seq 0 or 1, the first and the second after a HelloRetryRequest) in `datagram` from
   * `clientAddress`: whole in one fragment, or completed by a fragment this datagram brings. Never throws for peer input.
   */
  find(datagram: Uint8Array, clientAddress: string, now: number): FoundClientHello {
    let records: DtlsRecord[];
    try {
      records = decodeDatagram(datagram);
    } catch (e) {
      if (e instanceof DecodeError) return { kind: 'drop', reason: e.message };
      throw e;
    }
    let buffered = false;
    for (const rec of records) {
      if (rec.kind !== 'plaintext' || rec.record.type !== 'handshake' || rec.record.epoch !== 0) continue;
      const { fragment, sequenceNumber, legacyRecordVersion } = rec.record;
      const reader = new Reader(fragment, 'HandshakeRecord');
      try {
        while (reader.pos < reader.end) {
          const f = readDtlsHandshake(reader);
          if (f.msgType !== 'client_hello' || f.messageSeq > 1) continue;
          const { messageSeq } = f;
          if (f.fragmentOffset === 0 && f.fragment.length === f.length)
            return {
              kind: 'whole',
              body: f.fragment,
              messageSeq,
              recordSequence: sequenceNumber,
              inOneFragment: true,
              legacyRecordVersion,
            };
          const r = this.add(clientAddress, sequenceNumber, f, now);
          if (r.kind === 'complete')
            return {
              kind: 'whole',
              body: r.body,
              messageSeq,
              recordSequence: r.recordSequence,
              inOneFragment: false,
              legacyRecordVersion,
            };
          if (r.kind === 'buffered') buffered = true;
        }
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        // A malformed handshake header ends this record; fragments read before it stand.
      }
    }
    return buffered ? { kind: 'buffered' } : { kind: 'drop', reason: 'no ClientHello in the datagram' };
  }

  /** Takes one fragment (not a whole message) of a ClientHello from `clientAddress`, carried by record `recordSequence`. */
  add(clientAddress: string, recordSequence: number, f: DtlsHandshake, now: number): ClientHelloFragmentResult {
    this.expire(now);
    if (this.maxEntries === 0) return { kind: 'drop', reason: 'ClientHello reassembly is off' };
    if (f.length > this.maxLength)
      return {
        kind: 'drop',
        reason: `ClientHello of ${f.length} bytes is above maxClientHelloLength ${this.maxLength}`,
      };
    if (f.fragmentOffset + f.fragment.length > f.length)
      return { kind: 'drop', reason: 'fragment past the end of its message' };
    const key = `${f.messageSeq}#${clientAddress}`;
    let entry = this.entries.get(key);
    if (entry !== undefined && entry.body.length !== f.length) {
      // Another ClientHello under the same message_seq (a restarted client): start over with this one.
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      if (f.fragment.length === 0) return { kind: 'drop', reason: 'empty fragment' };
      while (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
        this.evicted++;
      }
      entry = new PartialHello(f.length, now);
      this.entries.set(key, entry);
    }
    if (!entry.add(f.fragmentOffset, f.fragment)) {
      this.entries.delete(key);
      return { kind: 'drop', reason: 'fragment contradicts earlier fragments of the ClientHello' };
    }
    entry.recordSequence = Math.max(entry.recordSequence, recordSequence);
    if (!entry.complete) return { kind: 'buffered' };
    this.entries.delete(key);
    return { kind: 'complete', body: entry.body, recordSequence: entry.recordSequence };
  }

  /** Forgets entries older than the lifetime (the map is in creation order, so the oldest come first). */
  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.createdAt <= this.lifetime) break;
      this.entries.delete(key);
    }
  }
}
