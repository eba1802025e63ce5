/**
 * A clock that only moves when told. XState actors take it as their `clock`,
 * so delayed transitions (retransmission timers) become deadlines the
 * sans-I/O connection reports through `pollTimeout()` and fires on
 * `handleTimeout(now)`, with the caller's time: real time from the UDP
 * driver, simulated time from the hardware model and the tests.
 */
export class ManualClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly at: number; readonly fn: () => void }>();

  constructor(start = 0) {
    this.current = start;
  }

  /** The clock's time. */
  get now(): number {
    return this.current;
  }

  /** XState's Clock: schedule `fn` `timeout` from now. */
  setTimeout(fn: () => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.current + timeout, fn });
    return id;
  }

  /** XState's Clock: cancel a scheduled timer. */
  clearTimeout(id: number): void {
    this.timers.delete(id);
  }

  /** The earliest pending deadline, if any. */
  nextDeadline(): number | undefined {
    let t: number | undefined;
    for (const { at } of this.timers.values()) if (t === undefined || at < t) t = at;
    return t;
  }

  /**
   * Moves time forward to `now`, firing every timer due by then in deadline
   * order (scheduling order for ties); a timer scheduled by a firing timer
   * fires too if it is due. Time never moves backwards.
   */
  advanceTo(now: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= now && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = Math.max(this.current, now);
  }
}
