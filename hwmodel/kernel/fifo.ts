import { PrimitiveChannel, type ChannelHost } from './channel.js';
import { ConfigError } from './config-error.js';
import type { SimEvent } from './event.js';
import type { Wait } from './wait.js';

/**
 * `sc_fifo<T>` (IEEE 1666-2011 §6.23): a bounded first-in first-out
 * channel. What is written in a delta cycle becomes readable in the next
 * (after the update phase), and a slot freed by a read becomes writable in
 * the next: `numAvailable` counts what was readable at the start of this
 * delta less what was read since, `numFree` the free slots then less what
 * was written since. The update phase notifies `dataWritten` /
 * `dataRead` for the next delta cycle when anything was written / read.
 * Blocking `read` and `write` are generators for `yield*` from a thread.
 */
export class Fifo<T> extends PrimitiveChannel {
  /** Capacity (`sc_fifo(size)`; default 16 as SystemC's). */
  readonly size: number;
  /** Notified (delta) after a delta cycle that wrote (`data_written_event`). */
  readonly dataWritten: SimEvent;
  /** Notified (delta) after a delta cycle that read (`data_read_event`). */
  readonly dataRead: SimEvent;
  readonly #items: T[] = [];
  #head = 0;
  #readable = 0;
  #read = 0;
  #written = 0;

  /** Use `new Fifo(sim, name, size)`. */
  constructor(sim: ChannelHost, name: string, size = 16) {
    super(sim, name);
    if (!Number.isSafeInteger(size) || size < 1)
      throw new ConfigError('size', `fifo "${name}" needs a positive integer size, got ${String(size)}`);
    this.size = size;
    this.dataWritten = this.newEvent(`${name}.data_written`);
    this.dataRead = this.newEvent(`${name}.data_read`);
  }

  /** Items a reader may take now (`num_available`). */
  get numAvailable(): number {
    return this.#readable - this.#read;
  }

  /** Slots a writer may fill now (`num_free`). */
  get numFree(): number {
    return this.size - this.#readable - this.#written;
  }

  /** Takes the oldest item if one is available (`nb_read`); undefined otherwise. */
  nbRead(): { readonly value: T } | undefined {
    if (this.numAvailable === 0) return undefined;
    const value = this.#items[this.#head] as T;
    this.#items[this.#head++] = undefined as T;
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    this.#read++;
    this.requestUpdate();
    return { value };
  }

  /** Appends `value` if a slot is free (`nb_write`); false otherwise. */
  nbWrite(value: T): boolean {
    if (this.numFree === 0) return false;
    this.#items.push(value);
    this.#written++;
    this.requestUpdate();
    return true;
  }

  /** Blocking read (`read()`): waits on `dataWritten` while nothing is available. */
  *read(): Generator<Wait, T, void> {
    for (;;) {
      const r = this.nbRead();
      if (r !== undefined) return r.value;
      yield this.dataWritten;
    }
  }

  /** Blocking write (`write()`): waits on `dataRead` while no slot is free. */
  *write(value: T): Generator<Wait, void, void> {
    while (!this.nbWrite(value)) yield this.dataRead;
  }

  /** update phase */
  update(): void {
    if (this.#read > 0) this.dataRead.notify(0);
    if (this.#written > 0) this.dataWritten.notify(0);
    this.#readable = this.#items.length - this.#head;
    this.#read = 0;
    this.#written = 0;
  }
}
