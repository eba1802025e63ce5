import type { Process } from './process.js';
import type { SimTime } from './time.js';

/** Pending notification states of an event (internal). */
export const Pending = { none: 0, delta: 1, timed: 2 } as const;

/** What an event needs from the simulator that owns it (the kernel's scheduler implements it). */
export interface EventHost {
  notifyEvent(ev: SimEvent, delay: SimTime | undefined): void;
  cancelEvent(ev: SimEvent): void;
  readonly now: SimTime;
}

/**
 * A SystemC event (`sc_event`, IEEE 1666-2011 §5.10): something processes
 * wait for or are statically sensitive to. It has no value and no duration;
 * it holds at most one pending notification.
 *
 * Notification (§5.10.8): `notify()` is immediate (processes sensitive to it
 * become runnable in the current evaluation phase, and any pending
 * notification is cancelled); `notify(0)` is a delta notification (they run
 * in the next delta cycle at the same time); `notify(t)` is timed. A pending
 * notification is replaced only by one that would happen earlier: a delta
 * notification replaces a timed one, a timed one replaces a later timed one;
 * anything else is ignored.
 *
 * Create events with `sim.event(name)`.
 */
export class SimEvent {
  /** The name given at creation (for traces and errors). */
  readonly name: string;
  /** @internal */ readonly host: EventHost;
  /** @internal one of `Pending` */ pending: number = Pending.none;
  /** @internal due time of a timed notification */ when = 0;
  /** @internal tie-break: notification order */ seq = 0;
  /** @internal slot in the timed queue, -1 when not queued */ heapIndex = -1;
  /** @internal slot of the live entry in the delta notification list */ deltaSlot = -1;
  /** @internal processes statically sensitive, in the order they were declared */ readonly staticProcs: Process[] = [];
  /** @internal processes dynamically waiting, in the order they began waiting (first `waitCount` slots) */ readonly waitProcs: Process[] =
    [];
  /** @internal the wait id each waiter had when it registered (stale entries are skipped) */ readonly waitIds: number[] =
    [];
  /** @internal live length of `waitProcs` / `waitIds` */ waitCount = 0;
  /** @internal waiter list length at which stale entries are swept */ compactAt = 16;
  /** @internal set on a process's own timeout event */ timeoutOf: Process | null = null;

  /** @internal use `sim.event(name)` */
  constructor(host: EventHost, name: string) {
    this.host = host;
    this.name = name;
  }

  /**
   * Notifies the event: immediately (no argument), in the next delta cycle
   * (`0`) or after `delay` picoseconds, under the override rule above.
   * Throws `RangeError` for a negative or non-integer delay, or one that takes
   * time beyond `Number.MAX_SAFE_INTEGER` ps.
   */
  notify(delay?: SimTime): void {
    this.host.notifyEvent(this, delay);
  }

  /** Cancels a pending delta or timed notification (`sc_event::cancel`); no effect otherwise. */
  cancel(): void {
    this.host.cancelEvent(this);
  }

  /** True while a delta or timed notification is pending. */
  get isPending(): boolean {
    return this.pending !== Pending.none;
  }

  /** When the pending notification is due (`now` for a delta one), or undefined. */
  get pendingTime(): SimTime | undefined {
    if (this.pending === Pending.timed) return this.when;
    if (this.pending === Pending.delta) return this.host.now;
    return undefined;
  }

  /** `event "name"` */
  toString(): string {
    return `event "${this.name}"`;
  }
}
