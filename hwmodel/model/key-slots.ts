import type { SimTime } from '../kernel/index.js';
import type { BufferFigures } from '../trace/index.js';

/**
 * The key manager's on-chip key slots: a cache of `capacity` connection
 * key contexts (traffic keys and IVs, the record number counters and the
 * replay window: state that changes with every record, so an evicted
 * context is written back), least recently used out. A record whose
 * connection holds a slot reads its key at once (a hit); otherwise (a miss)
 * the least recently used context is written back and the connection's is
 * read from its backing store in memory, both over the memory path, and
 * the record waits for them. It reports as a buffer (`block`: a record is
 * held back by a miss) whose work waits on the key manager and memory.
 */
export class KeySlots {
  readonly name: string;
  readonly capacity: number;
  /** Connections holding a slot, least recently used first (a Map keeps insertion order). */
  readonly #lru = new Map<number, true>();
  /** Connections with a key installed: a read before the first (a ClientHello, epoch 0) has nothing to load. */
  readonly #installed = new Set<number>();
  // Counters since the window start.
  #reads = 0;
  #misses = 0;
  #evictions = 0;
  #missTime = 0;
  #maxOccupancy = 0;
  #from = 0;
  #area = 0;
  #lastChange = 0;
  readonly #feeds: readonly string[];

  constructor(name: string, capacity: number, feeds: readonly string[]) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`${name}: capacity must be a positive integer, got ${String(capacity)}`);
    this.name = name;
    this.capacity = capacity;
    this.#feeds = feeds;
  }

  /** Slots in use. */
  get occupancy(): number {
    return this.#lru.size;
  }

  /** Misses since the window start (for tests and the report). */
  get misses(): number {
    return this.#misses;
  }

  /** Whether a key read of `connection` hits: its context holds a slot, or it has no key yet (nothing counted). */
  holds(connection: number): boolean {
    return this.#lru.has(connection) || !this.#installed.has(connection);
  }

  /** A record's key read: true on a hit (the slot becomes the most recently used), or when no key was installed yet. */
  read(connection: number): boolean {
    if (!this.#installed.has(connection)) return true;
    this.#reads++;
    if (!this.#lru.has(connection)) return false;
    this.#lru.delete(connection);
    this.#lru.set(connection, true);
    return true;
  }

  /**
   * Gives `connection` a slot at `now` (a miss being reloaded, or a key
   * installed): returns the connection whose context was evicted to make
   * room (to be written back), or undefined when a slot was free or it
   * already had one.
   */
  place(connection: number, now: SimTime): number | undefined {
    this.#installed.add(connection);
    if (this.#lru.delete(connection)) {
      this.#lru.set(connection, true);
      return undefined;
    }
    this.#accumulate(now);
    let victim: number | undefined;
    if (this.#lru.size >= this.capacity) {
      victim = this.#lru.keys().next().value;
      if (victim !== undefined) this.#lru.delete(victim);
      this.#evictions++;
    }
    this.#lru.set(connection, true);
    if (this.#lru.size > this.#maxOccupancy) this.#maxOccupancy = this.#lru.size;
    return victim;
  }

  /** A miss was reloaded: the record waited `waited` ps for it. */
  missed(waited: SimTime): void {
    this.#misses++;
    this.#missTime += waited;
  }

  /** ∫ slots in use dt up to `now` (before the count changes). */
  #accumulate(now: SimTime): void {
    this.#area += this.#lru.size * Math.max(0, now - Math.max(this.#lastChange, this.#from));
    this.#lastChange = now;
  }

  resetWindow(at: SimTime): void {
    this.#reads = this.#misses = this.#evictions = this.#missTime = 0;
    this.#area = 0;
    this.#from = at;
    this.#lastChange = at;
    this.#maxOccupancy = this.#lru.size;
  }

  /** The figures over [window start, until]: reads as entries, misses as records held back, evictions. */
  figures(until: SimTime): BufferFigures {
    const span = until - this.#from;
    const area = this.#area + this.#lru.size * Math.max(0, until - Math.max(this.#lastChange, this.#from));
    return {
      name: this.name,
      capacity: this.capacity,
      policy: 'block',
      entered: this.#reads,
      dropped: 0,
      blocked: this.#misses,
      blockedTime: this.#missTime,
      maxOccupancy: this.#maxOccupancy,
      meanOccupancy: span > 0 ? area / span : 0,
      evicted: this.#evictions,
      feeds: this.#feeds,
      knob: 'key_manager.key_slots',
    };
  }
}
