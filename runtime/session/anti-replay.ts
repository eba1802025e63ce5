import { randomFillSync } from 'node:crypto';
import { bytesEqual, toHex } from '../wire/bytes.js';

/**
 * The 0-RTT anti-replay store (RFC 8446 §8.2): each 0-RTT ClientHello's binder is recorded for the freshness window,
 * early data taken only from the first. Servers sharing ticket keys must share the store.
 */
export interface AntiReplayStore {
  /** True the first time `key` is seen within `windowMs`; false for a repeat (or when the store cannot tell). */
  admit(key: Uint8Array, windowMs: number): boolean | Promise<boolean>;
  /**
   * Bytes that change whenever the store may have forgotten its records; tickets carry it, and 0-RTT is taken only
   * under the same generation, so a restarted store never takes an old flight. Absent: no such check.
   */
  readonly generation?: Uint8Array | undefined;
}

/** A store a connection can ask synchronously (the core is sans-I/O); the UDP server resolves an asynchronous one first. */
export interface SyncAntiReplay {
  admit(key: Uint8Array, windowMs: number): boolean;
  /** As {@link AntiReplayStore.generation}. */
  readonly generation?: Uint8Array | undefined;
}

/** Whether a ticket issued under generation `issued` may carry 0-RTT to `store` (the same generation, or neither has one). */
export function sameGeneration(issued: Uint8Array, store: { readonly generation?: Uint8Array | undefined }): boolean {
  const now = store.generation ?? NO_GENERATION;
  return bytesEqual(issued, now);
}

/** The generation of a store that has none (a ticket issued with it matches only such a store). */
export const NO_GENERATION = new Uint8Array(0);

/** The in-memory store of one process: at most `maxEntries` keys, refusing when full; keys expire with their window. */
export class MemoryAntiReplay implements SyncAntiReplay {
  private drawn: Uint8Array | undefined;
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(maxEntries = 100_000, clock: () => number = Date.now) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /**
   * Random per store: tickets issued before this store existed (another process, before a restart) take no 0-RTT here.
   * Drawn at the first read (a client's configuration names the process's store but never reads it), by node:crypto:
   * the global `crypto.getRandomValues` loads and runs WebCrypto's WebIDL converters at its first call (0.5 ms).
   */
  get generation(): Uint8Array {
    return (this.drawn ??= randomFillSync(new Uint8Array(16)));
  }

  get size(): number {
    return this.seen.size;
  }

  admit(key: Uint8Array, windowMs: number): boolean {
    const now = this.clock();
    const id = toHex(key);
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    if (this.seen.size >= this.maxEntries) this.forgetExpired(now);
    if (this.seen.size >= this.maxEntries) return false;
    this.seen.set(id, now + windowMs);
    return true;
  }

  /** Keys go in in the order they expire (one window per server), so the expired ones are at the front: O(expired), not O(size). */
  private forgetExpired(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) return;
      this.seen.delete(id);
    }
  }
}

let processStore: MemoryAntiReplay | undefined;

/** The store servers of this process share when given none. */
export function processAntiReplay(): MemoryAntiReplay {
  return (processStore ??= new MemoryAntiReplay());
}
