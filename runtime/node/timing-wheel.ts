/**
 * A hashed timing wheel (Varghese and Lauck): `slots` buckets of `slotMs`; a turn looks only at the buckets the clock
 * moved past, so checking N sessions costs what is due, not N. Scheduling an item again moves it.
 */
export class TimingWheel<T> {
  private readonly slotMs: number;
  private readonly buckets: (Set<T> | undefined)[];
  private readonly dueAt = new Map<T, number>();
  /** The last time {@link advance} ran to; buckets up to it have been looked at. */
  private cursor: number;

  /** `now` starts the wheel; `slotMs` is its resolution: an item fires in the first advance at or after its due time, up to `slotMs` late when the advances are that far apart. */
  constructor(now: number, slotMs: number, slots = 512) {
    if (!Number.isInteger(slotMs) || slotMs < 1) throw new RangeError(`slotMs must be an integer >= 1, got ${slotMs}`);
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be an integer >= 1, got ${slots}`);
    this.slotMs = slotMs;
    this.buckets = new Array<Set<T> | undefined>(slots).fill(undefined);
    this.cursor = now;
  }

  get size(): number {
    return this.dueAt.size;
  }

  /** When `item` is due (the wheel's time, for one scheduled for a time the wheel had passed), if scheduled. */
  due(item: T): number | undefined {
    return this.dueAt.get(item);
  }

  /** `item` is due at `at` (replacing any earlier schedule of it). */
  schedule(item: T, at: number): void {
    this.cancel(item);
    // Due already (at or before the cursor): due at the cursor, in its own bucket, which the next advance visits (not
    // one a turn away), and where cancel looks for it.
    const due = Math.max(at, this.cursor);
    this.dueAt.set(item, due);
    (this.buckets[this.index(due)] ??= new Set()).add(item);
  }

  cancel(item: T): void {
    const at = this.dueAt.get(item);
    if (at === undefined) return;
    this.dueAt.delete(item);
    const i = this.index(at);
    const b = this.buckets[i];
    if (b?.delete(item) && b.size === 0) this.buckets[i] = undefined;
  }

  /** Moves the wheel to `now`: each item due by then goes to `fire` (which may schedule it again). */
  advance(now: number, fire: (item: T) => void): void {
    if (now < this.cursor) return;
    const first = Math.floor(this.cursor / this.slotMs);
    const last = Math.floor(now / this.slotMs);
    const steps = Math.min(this.buckets.length, last - first + 1);
    this.cursor = now;
    const fired: T[] = [];
    for (let s = 0; s < steps; s++) {
      const i = (((first + s) % this.buckets.length) + this.buckets.length) % this.buckets.length;
      const b = this.buckets[i];
      if (!b) continue;
      for (const item of b) {
        const at = this.dueAt.get(item);
        if (at === undefined || at > now) continue; // due in a later turn
        b.delete(item);
        this.dueAt.delete(item);
        fired.push(item);
      }
      if (b.size === 0) this.buckets[i] = undefined;
    }
    // Fired after the walk: an item `fire` schedules again, even for `now`, waits for the next advance.
    for (const item of fired) fire(item);
  }

  private index(at: number): number {
    const n = this.buckets.length;
    return ((Math.floor(at / this.slotMs) % n) + n) % n;
  }
}
