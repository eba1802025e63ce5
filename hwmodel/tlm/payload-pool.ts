import { GenericPayload, type MemoryManager } from './generic-payload.js';

/**
 * A memory manager (IEEE 1666-2011 §14.5) that recycles generic payloads so a
 * hot path does not allocate: `acquire()` hands out a payload holding one
 * reference; every holder that keeps it calls `gp.acquire()` too; the last
 * `gp.release()` resets it (auto extensions dropped, sticky ones kept) and
 * puts it back on the free list.
 */
export class PayloadPool implements MemoryManager {
  readonly #free: GenericPayload[] = [];
  #created = 0;

  /** Payloads created so far (the pool's high-water mark). */
  get created(): number {
    return this.#created;
  }

  /** Payloads on the free list. */
  get available(): number {
    return this.#free.length;
  }

  /** A free payload with reference count 0 (`allocate` of the standard's examples); call `gp.acquire()`. */
  allocate(): GenericPayload {
    const gp = this.#free.pop();
    if (gp !== undefined) return gp;
    this.#created++;
    return new GenericPayload(this);
  }

  /** A free payload already holding one reference. */
  acquire(): GenericPayload {
    const gp = this.allocate();
    gp.acquire();
    return gp;
  }

  /** Called by `gp.release()` at reference count 0: resets the payload and keeps it. */
  free(gp: GenericPayload): void {
    gp.reset();
    this.#free.push(gp);
  }
}
