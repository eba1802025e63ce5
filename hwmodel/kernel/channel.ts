import type { SimEvent } from './event.js';
import type { Process } from './process.js';

/** What a primitive channel needs from its simulator (a `Simulator`). */
export interface ChannelHost {
  requestUpdate(channel: PrimitiveChannel): void;
  event(name: string): SimEvent;
  readonly currentProcess: Process | undefined;
  readonly deltaCount: number;
}

/**
 * Who may write a signal (`sc_writer_policy`): `one` (SC_ONE_WRITER, the
 * default): a single process, for the whole simulation; `many`
 * (SC_MANY_WRITERS): any process, but not two in the same delta cycle.
 * Writes from outside any process (between runs) are always allowed.
 */
export type WriterPolicy = 'one' | 'many';

/**
 * A second process wrote a signal (SystemC's E115, "sc_signal<T> cannot
 * have more than one driver"); names the signal and both processes.
 */
export class MultipleDriverError extends Error {
  override readonly name = 'MultipleDriverError';
  /** The SystemC message id. */
  readonly code = 'E115';
  constructor(signal: string, first: string, second: string) {
    super(`signal "${signal}" cannot have more than one driver: written by "${first}" and by "${second}"`);
  }
}

/**
 * A primitive channel (`sc_prim_channel`, IEEE 1666-2011 §5.15): writes
 * made in the evaluation phase take effect in the update phase, so every
 * process in the same delta cycle reads the same (old) value, whatever the
 * order processes run in.
 */
export abstract class PrimitiveChannel {
  /** The channel's name (for traces and errors). */
  readonly name: string;
  /** @internal an update is already requested in this delta */ updateRequested = false;
  private readonly host: ChannelHost;

  constructor(sim: ChannelHost, name: string) {
    this.host = sim;
    this.name = name;
  }

  /** Asks for `update()` in this delta cycle's update phase (`request_update`). */
  protected requestUpdate(): void {
    this.host.requestUpdate(this);
  }

  /** A new event of the channel's simulator. */
  protected newEvent(name: string): SimEvent {
    return this.host.event(name);
  }

  /** Called by the kernel in the update phase after `requestUpdate()`. */
  abstract update(): void;
}

/**
 * `sc_signal<T>`: `write` stores a new value that becomes visible in the
 * update phase; if it differs from the current value (`Object.is`), the
 * `changed` event (`value_changed_event`) is notified for the next delta
 * cycle. Several writes in one delta: the last one wins.
 */
export class Signal<T> extends PrimitiveChannel {
  /** Notified (delta) whenever the value changes (`value_changed_event`). */
  readonly changed: SimEvent;
  /** Who may write it. */
  readonly writerPolicy: WriterPolicy;
  private current: T;
  private nextValue: T;
  private readonly sim: ChannelHost;
  private writer: Process | undefined = undefined;
  private writerDelta = -1;

  /** Use `sim.signal(name, initial, writerPolicy)`. */
  constructor(sim: ChannelHost, name: string, initial: T, writerPolicy: WriterPolicy = 'one') {
    super(sim, name);
    this.sim = sim;
    this.current = initial;
    this.nextValue = initial;
    this.writerPolicy = writerPolicy;
    this.changed = this.newEvent(`${name}.changed`);
  }

  /** The current value (`read()`). */
  get value(): T {
    return this.current;
  }

  /** The current value. */
  read(): T {
    return this.current;
  }

  /**
   * Schedules `value` for the update phase of this delta cycle. Throws
   * `MultipleDriverError` when the writer policy forbids this process to write.
   */
  write(value: T): void {
    const p = this.sim.currentProcess;
    if (p !== undefined) this.checkWriter(p);
    this.nextValue = value;
    this.requestUpdate();
  }

  private checkWriter(p: Process): void {
    const first = this.writer;
    if (this.writerPolicy === 'one') {
      if (first === undefined) this.writer = p;
      else if (first !== p) throw new MultipleDriverError(this.name, first.name, p.name);
      return;
    }
    const delta = this.sim.deltaCount;
    if (first !== undefined && first !== p && this.writerDelta === delta)
      throw new MultipleDriverError(this.name, first.name, p.name);
    this.writer = p;
    this.writerDelta = delta;
  }

  /** update phase */
  update(): void {
    if (Object.is(this.nextValue, this.current)) return;
    this.current = this.nextValue;
    this.changed.notify(0);
  }
}
