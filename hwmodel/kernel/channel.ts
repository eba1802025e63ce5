import type { SimEvent } from './event.js';

/** What a primitive channel needs from its simulator (a `Simulator`). */
export interface ChannelHost {
  requestUpdate(channel: PrimitiveChannel): void;
  event(name: string): SimEvent;
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
  private current: T;
  private nextValue: T;

  /** Use `sim.signal(name, initial)`. */
  constructor(sim: ChannelHost, name: string, initial: T) {
    super(sim, name);
    this.current = initial;
    this.nextValue = initial;
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

  /** Schedules `value` for the update phase of this delta cycle. */
  write(value: T): void {
    this.nextValue = value;
    this.requestUpdate();
  }

  /** @internal update phase */
  update(): void {
    if (Object.is(this.nextValue, this.current)) return;
    this.current = this.nextValue;
    this.changed.notify(0);
  }
}
