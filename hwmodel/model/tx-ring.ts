import type { SimEvent, SimTime, Simulator, Wait } from '../kernel/index.js';
import { TlmExtension } from '../tlm/index.js';
import type { BufferRegistry } from './buffers.js';
import { BoundedBuffer } from './buffers.js';

/**
 * When the egress link finished serializing a datagram (ps), written by the
 * network channel as it takes the datagram: the record layer's TX ring
 * frees the datagram's slot and credit then. -1 until a channel wrote it.
 */
export class LinkDeparture extends TlmExtension {
  at = -1;

  clone(): LinkDeparture {
    const d = new LinkDeparture();
    d.at = this.at;
    return d;
  }

  copyFrom(other: LinkDeparture): void {
    this.at = other.at;
  }
}

/**
 * The device's TX ring and the credits the record layer holds for it
 * (credit-based flow control toward the link). An outgoing datagram takes
 * a credit (`tx_credits`; waiting in arrival order when none is left: the
 * sender is held back), then a slot of the ring (`tx_ring_depth`; dropped
 * and counted when the ring is full, which only credits above the depth
 * allow). Both come back when the link has serialized the datagram (its
 * {@link LinkDeparture}): the link's bandwidth drains the ring, and
 * nothing leaves the record layer faster than the link takes it.
 */
export class TxRing {
  readonly ring: BoundedBuffer;
  readonly credits: BoundedBuffer;
  readonly #sim: Simulator;
  /** Departures not yet reached, in link order (the link serializes first in, first out), from #head on. */
  #departures: SimTime[] = [];
  #head = 0;
  readonly #wake: SimEvent;

  /** `name` is the record layer's full name; `link` the egress link's module name. */
  constructor(sim: Simulator, name: string, depth: number, credits: number, link: string, buffers?: BufferRegistry) {
    this.#sim = sim;
    this.ring = new BoundedBuffer(sim, `${name}.txRing`, depth, 'drop', {
      feeds: [link],
      knob: 'record_layer.tx_ring_depth',
    });
    this.credits = new BoundedBuffer(sim, `${name}.txCredits`, credits, 'block', {
      feeds: [this.ring.name, link],
      knob: 'record_layer.tx_credits',
    });
    buffers?.add(this.ring);
    buffers?.add(this.credits);
    this.#wake = sim.event(`${name}.txRing.departure`);
    sim.thread(`${name}.txRing.drain`, () => this.#drain());
  }

  /** A credit, then a slot of the ring: true when the datagram is in the ring; false when the ring was full (dropped, the credit back). */
  *enter(): Generator<Wait, boolean, void> {
    yield* this.credits.take();
    if (this.ring.tryTake()) return true;
    this.credits.give();
    return false;
  }

  /** The datagram in the ring leaves it at `at` (its serialization's end; now or earlier: at once). */
  depart(at: SimTime): void {
    const t = Math.max(at, this.#sim.now);
    const last = this.#departures.length > this.#head ? this.#departures[this.#departures.length - 1]! : -1;
    // The link is FIFO, so departures come in order; one that would not keeps the order (it leaves with the one before).
    this.#departures.push(Math.max(t, last));
    if (this.#departures.length - this.#head === 1) this.#wake.notify();
  }

  *#drain(): Generator<Wait, void, void> {
    for (;;) {
      const at = this.#departures[this.#head];
      if (at === undefined) {
        yield this.#wake;
        continue;
      }
      if (at > this.#sim.now) {
        yield at - this.#sim.now;
        continue;
      }
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#departures.length) {
        this.#departures = this.#departures.slice(this.#head);
        this.#head = 0;
      }
      this.ring.give();
      this.credits.give();
    }
  }
}
