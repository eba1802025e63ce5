import type { DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { integerOption } from '../config-error.js';

/** Options of {@link ClientHelloReassembly}; every one is an integer. */
export interface ClientHelloReassemblyOptions {
  /**
   * ClientHellos being reassembled at once, over every peer (default {@link DEFAULT_MAX_PENDING_CLIENT_HELLOS}). A
   * fragment that would start one more evicts the oldest; 0 turns reassembly off (fragmented ClientHellos are dropped,
   * as before).
   */
  readonly maxPendingClientHellos?: number;
  /** Longest ClientHello body reassembled, in bytes (default {@link DEFAULT_MAX_CLIENT_HELLO_LENGTH}); a fragment of a longer one is dropped. */
  readonly maxClientHelloLength?: number;
  /** A partial ClientHello is forgotten this many ms after its first fragment (default {@link DEFAULT_PENDING_CLIENT_HELLO_MS}). */
  readonly pendingClientHelloMs?: number;
}

/**
 * Partial ClientHellos kept at once by default: 128. Reassembly is only for the few clients whose ClientHello does not
 * fit one datagram (big key shares, small MTUs); their fragments arrive within a round trip, so a short list suffices,
 * and the worst case (every entry claiming the largest length) stays at 128 × 8 KiB = 1 MiB plus 1/8 of that for the
 * bitmaps.
 */
export const DEFAULT_MAX_PENDING_CLIENT_HELLOS = 128;

/**
 * Longest ClientHello body reassembled by default: 8 KiB. Classic ClientHellos are 200–600 bytes; one with several big
 * shares (P-521, X448) or a post-quantum hybrid share (X25519MLKEM768, ~1.2 KB) stays under 3 KB.
 */
export const DEFAULT_MAX_CLIENT_HELLO_LENGTH = 8192;

/** How long a partial ClientHello is kept by default: 10 s, several retransmissions of the client's first flight. */
export const DEFAULT_PENDING_CLIENT_HELLO_MS = 10_000;

/** What became of one fragment. */
export type ClientHelloFragmentResult =
  /** The message is whole: its body, and the highest record sequence number that carried a piece of it. */
  | { readonly kind: 'complete'; readonly body: Uint8Array; readonly recordSequence: number }
  /** Kept; more fragments are needed. */
  | { readonly kind: 'buffered' }
  /** Not kept (too long, contradicting earlier fragments, or reassembly is off). */
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
 * The stateless responder's only memory: ClientHellos that arrived in several fragments (RFC 9147 §5.5), keyed by the
 * client's transport address and message_seq, until they are whole. Bounded in count (`maxPendingClientHellos`, oldest
 * evicted first), in size per entry (`maxClientHelloLength`) and in time (`pendingClientHelloMs`). An entry whose
 * fragments disagree is dropped: the client's retransmission starts it again.
 *
 * Eviction is by age, not use: a flood of first fragments from many addresses pushes out a legitimate client's partial
 * ClientHello, which its retransmission brings back; the server's own table is never touched.
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
