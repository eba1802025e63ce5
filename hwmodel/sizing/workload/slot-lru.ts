/**
 * The key slots as a least-recently-used set of session indices: a map
 * from session index to slot and a doubly linked list of slots in typed arrays,
 * so a hit, an install and an eviction each take constant time whatever
 * the number of slots (a Map used as its own LRU slows down as deleted
 * entries pile up at its front). The arrays grow as slots fill.
 */
export class SlotLru {
  readonly capacity: number;
  /** Slot + 1 of each session index (0: none), for indices below the universe. */
  readonly #slotOf: Int32Array;
  #session = new Float64Array(1024);
  #prev = new Int32Array(1024);
  #next = new Int32Array(1024);
  #used = 0;
  /** Least and most recently used slots (-1: none). */
  #lru = -1;
  #mru = -1;

  /** `capacity` slots for session indices 0 ≤ i < `universe`. */
  constructor(capacity: number, universe: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1))
      throw new RangeError(`key slots must be a whole number from 1, got ${String(capacity)}`);
    if (!(Number.isInteger(universe) && universe >= 1 && universe <= 2 ** 27))
      throw new RangeError(`sessions must be a whole number from 1 to 2^27, got ${String(universe)}`);
    this.capacity = capacity;
    this.#slotOf = new Int32Array(universe);
  }

  get size(): number {
    return this.#used;
  }

  /** Whether `session` holds a slot; if so it becomes the most recently used. */
  touch(session: number): boolean {
    const slot = this.#slotOf[session]! - 1;
    if (slot < 0) return false;
    this.#unlink(slot);
    this.#append(slot);
    return true;
  }

  /** Gives `session` a slot (the least recently used one's when all are taken), as the most recently used. */
  install(session: number): void {
    if (this.touch(session)) return;
    let slot: number;
    if (this.#used < this.capacity) {
      slot = this.#used++;
      if (slot >= this.#session.length) this.#grow();
    } else {
      slot = this.#lru;
      this.#slotOf[this.#session[slot]!] = 0;
      this.#unlink(slot);
    }
    this.#session[slot] = session;
    this.#slotOf[session] = slot + 1;
    this.#append(slot);
  }

  #unlink(slot: number): void {
    const p = this.#prev[slot]!;
    const n = this.#next[slot]!;
    if (p >= 0) this.#next[p] = n;
    else this.#lru = n;
    if (n >= 0) this.#prev[n] = p;
    else this.#mru = p;
  }

  #append(slot: number): void {
    this.#prev[slot] = this.#mru;
    this.#next[slot] = -1;
    if (this.#mru >= 0) this.#next[this.#mru] = slot;
    else this.#lru = slot;
    this.#mru = slot;
  }

  #grow(): void {
    const n = Math.min(this.capacity, this.#session.length * 2);
    const s = new Float64Array(n);
    s.set(this.#session);
    this.#session = s;
    const p = new Int32Array(n);
    p.set(this.#prev);
    this.#prev = p;
    const x = new Int32Array(n);
    x.set(this.#next);
    this.#next = x;
  }
}
