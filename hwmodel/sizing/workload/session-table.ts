/**
 * A map from session index to a value for the few sessions the flow model holds something for at a time (the key
 * contexts on their way from DRAM: a handful to a pipeline's worth, out of up to millions of sessions): open
 * addressing with linear probing in typed arrays, deletion by moving the entries after it back, so a run's millions of
 * sets and deletes allocate nothing once the table has grown to the most entries held at once (a Map reallocates its
 * table as it grows and shrinks).
 */
const EMPTY = -1;

export class SessionTable<T> {
  #keys = new Int32Array(64).fill(EMPTY);
  #values: (T | undefined)[] = new Array<T | undefined>(64).fill(undefined);
  #mask = 63;
  /** 32 − log2 of the table's length: a probe starts at the product's top bits. */
  #shift = 26;
  #size = 0;

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** The value held for `session` (a whole number from 0 to 2^31 − 1), or undefined. */
  get(session: number): T | undefined {
    const keys = this.#keys;
    for (let i = this.#home(session); ; i = (i + 1) & this.#mask) {
      const k = keys[i]!;
      if (k === session) return this.#values[i];
      if (k === EMPTY) return undefined;
    }
  }

  /** Holds `value` for `session`, in place of any value held for it. */
  set(session: number, value: T): void {
    if (!(Number.isInteger(session) && session >= 0 && session <= 0x7fff_ffff))
      throw new RangeError(`a session index is a whole number from 0 to 2^31 - 1, got ${String(session)}`);
    const keys = this.#keys;
    let i = this.#home(session);
    for (; keys[i] !== EMPTY; i = (i + 1) & this.#mask)
      if (keys[i] === session) {
        this.#values[i] = value;
        return;
      }
    keys[i] = session;
    this.#values[i] = value;
    if (++this.#size * 2 > keys.length) this.#grow();
  }

  /** Lets go of `session`'s value; whether one was held. */
  delete(session: number): boolean {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let i = this.#home(session);
    for (; keys[i] !== session; i = (i + 1) & mask) if (keys[i] === EMPTY) return false;
    this.#size--;
    // Move back each later entry of the run whose home is not between the hole and it, so every key stays reachable.
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.#home(keys[j]!);
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      values[i] = values[j];
      i = j;
    }
    keys[i] = EMPTY;
    values[i] = undefined;
    return true;
  }

  /** The slot a session's probe starts at (Fibonacci hashing: consecutive indices spread over the table). */
  #home(session: number): number {
    return Math.imul(session, 0x9e3779b1) >>> this.#shift;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    this.#keys = new Int32Array(keys.length * 2).fill(EMPTY);
    this.#values = new Array<T | undefined>(keys.length * 2).fill(undefined);
    this.#mask = keys.length * 2 - 1;
    this.#shift--;
    this.#size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i]!, values[i] as T);
  }
}
