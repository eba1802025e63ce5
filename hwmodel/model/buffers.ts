import type { SimEvent, SimTime, Simulator, Wait } from '../kernel/index.js';
import type { BufferFigures } from '../trace/index.js';

/**
 * A bounded buffer of `capacity` slots between two stages of the device:
 * an RX ring that drops what arrives when full (`tryTake`), or a pipeline's
 * slots and a unit's command queue that hold the caller back until a slot
 * frees (`take`, first come first served: a freed slot goes to the caller
 * that has waited longest). It counts what the report shows: entries,
 * drops, callers held back and for how long, and the occupancy over time.
 */
export class BoundedBuffer {
  readonly name: string;
  readonly capacity: number;
  readonly policy: 'drop' | 'block';
  /** The stages its entries wait on before they leave it, and the parameter sizing it (BufferFigures). */
  readonly feeds: readonly string[];
  readonly knob: string | undefined;
  readonly #sim: Simulator;
  #occupancy = 0;
  /** Callers held back, in arrival order: each gets its own event, notified when a slot is handed to it. */
  readonly #waiters: SimEvent[] = [];
  /** Events of waits that are over, for the next caller held back (an event per wait, not a new one each time). */
  readonly #spare: SimEvent[] = [];
  #waiterEvents = 0;
  // Counters since the window start (see resetWindow).
  #entered = 0;
  #dropped = 0;
  #blocked = 0;
  #blockedTime = 0;
  #maxOccupancy = 0;
  /** ∫ occupancy dt since the window start, up to #lastChange. */
  #area = 0;
  #lastChange = 0;
  #from = 0;
  /** Drops since the run began (the window's count restarts). */
  #droppedTotal = 0;
  /** Told each occupancy change and drop as it happens: the occupancy, and the drops since the run began (the VCD's buffer signals). */
  observer: ((occupancy: number, dropped: number) => void) | undefined = undefined;

  constructor(
    sim: Simulator,
    name: string,
    capacity: number,
    policy: 'drop' | 'block',
    stages: { readonly feeds?: readonly string[]; readonly knob?: string } = {},
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`${name}: capacity must be a positive integer, got ${String(capacity)}`);
    this.#sim = sim;
    this.name = name;
    this.capacity = capacity;
    this.policy = policy;
    this.feeds = stages.feeds ?? [];
    this.knob = stages.knob;
  }

  get occupancy(): number {
    return this.#occupancy;
  }

  /** Callers held back now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  #set(n: number): void {
    const now = this.#sim.now;
    this.#area += this.#occupancy * (now - this.#lastChange);
    this.#lastChange = now;
    this.#occupancy = n;
    if (n > this.#maxOccupancy) this.#maxOccupancy = n;
    this.observer?.(n, this.#droppedTotal);
  }

  /** Takes a slot if one is free (and nobody waits for one); otherwise counts a drop and returns false. */
  tryTake(): boolean {
    if (this.#occupancy >= this.capacity || this.#waiters.length > 0) {
      this.#dropped++;
      this.#droppedTotal++;
      this.observer?.(this.#occupancy, this.#droppedTotal);
      return false;
    }
    this.#entered++;
    this.#set(this.#occupancy + 1);
    return true;
  }

  /** Takes a slot, waiting for one in arrival order when none is free. */
  *take(): Generator<Wait, void, void> {
    if (this.#occupancy < this.capacity && this.#waiters.length === 0) {
      this.#entered++;
      this.#set(this.#occupancy + 1);
      return;
    }
    const since = this.#sim.now;
    const granted = this.#spare.pop() ?? this.#sim.event(`${this.name}.slot${this.#waiterEvents++}`);
    this.#waiters.push(granted);
    this.#blocked++;
    yield granted; // the slot is handed over by `give`: the occupancy already counts it
    this.#spare.push(granted);
    this.#entered++;
    this.#blockedTime += this.#sim.now - Math.max(since, this.#from);
  }

  /** Frees a slot: handed straight to the longest-waiting caller, if any. */
  give(): void {
    if (this.#occupancy <= 0) throw new RangeError(`${this.name}: give() with no slot taken`);
    const next = this.#waiters.shift();
    if (next !== undefined) {
      next.notify(0);
      return;
    }
    this.#set(this.#occupancy - 1);
  }

  /** Counters start again at `at` (the warm-up's end); what is in the buffer stays. */
  resetWindow(at: SimTime): void {
    this.#area = 0;
    this.#lastChange = at;
    this.#from = at;
    this.#entered = 0;
    this.#dropped = 0;
    this.#blocked = 0;
    this.#blockedTime = 0;
    this.#maxOccupancy = this.#occupancy;
  }

  /** The figures over [window start, until]. */
  figures(until: SimTime): BufferFigures {
    const area = this.#area + this.#occupancy * Math.max(0, until - this.#lastChange);
    const span = until - this.#from;
    return {
      name: this.name,
      capacity: this.capacity,
      policy: this.policy,
      entered: this.#entered,
      dropped: this.#dropped,
      blocked: this.#blocked,
      blockedTime: this.#blockedTime,
      maxOccupancy: this.#maxOccupancy,
      meanOccupancy: span > 0 ? area / span : 0,
      feeds: this.feeds,
      ...(this.knob !== undefined ? { knob: this.knob } : {}),
    };
  }
}

/** The device's buffers, for the report (the run registers each as it is made). */
export class BufferRegistry {
  readonly #buffers: BoundedBuffer[] = [];
  readonly #extra: { figures(until: SimTime): BufferFigures; resetWindow(at: SimTime): void }[] = [];

  /** The bounded buffers added (not the other sources). */
  get buffers(): readonly BoundedBuffer[] {
    return this.#buffers;
  }

  add(b: BoundedBuffer): BoundedBuffer {
    this.#buffers.push(b);
    return b;
  }

  /** Something that reports as a buffer without being a BoundedBuffer (the crypto engine's intake). */
  addSource(s: { figures(until: SimTime): BufferFigures; resetWindow(at: SimTime): void }): void {
    this.#extra.push(s);
  }

  resetWindow(at: SimTime): void {
    for (const b of this.#buffers) b.resetWindow(at);
    for (const s of this.#extra) s.resetWindow(at);
  }

  figures(until: SimTime): BufferFigures[] {
    return [...this.#buffers.map((b) => b.figures(until)), ...this.#extra.map((s) => s.figures(until))].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }
}
