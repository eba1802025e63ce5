/** A clock that only moves when told: timers become deadlines the sans-I/O connection reports and fires. */
export class ManualClock {
  private current: number;
  private nextId = 1;
  /** Allocated with the first timer, dropped when the last one is gone (an idle connection holds none). */
  private timers: Map<number, { readonly at: number; readonly fn: () => void }> | undefined;

  constructor(start = 0) {
    this.current = start;
  }

  get now(): number {
    return this.current;
  }

  /** XState's Clock: schedule `fn` `timeout` from now. */
  setTimeout(fn: () => void, timeout: number): number {
    const id = this.nextId++;
    (this.timers ??= new Map()).set(id, { at: this.current + timeout, fn });
    return id;
  }

  /** XState's Clock: cancel a scheduled timer. */
  clearTimeout(id: number): void {
    if (this.timers?.delete(id) && this.timers.size === 0) this.timers = undefined;
  }

  nextDeadline(): number | undefined {
    let t: number | undefined;
    if (!this.timers) return t;
    for (const { at } of this.timers.values()) if (t === undefined || at < t) t = at;
    return t;
  }

  /** Moves time forward to `now`, firing every timer due by then in deadline order (also those a firing one schedules). */
  advanceTo(now: number): void {
    for (;;) {
      const timers = this.timers;
      if (!timers) break;
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers)
        if (entry[1].at <= now && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      timers.delete(next[0]);
      if (timers.size === 0 && this.timers === timers) this.timers = undefined;
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = Math.max(this.current, now);
  }
}
