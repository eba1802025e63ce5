import type { SimTime, Simulator, Wait } from '../kernel/index.js';
import { GenericPayload, PayloadPool, type Delay } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { KeyManagerSkeleton, type KeyManagerParams } from '../../generated/tlm/index.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';

/** Key slots are 64 bytes each from this address. */
const KEY_BASE = 0x1000_0000;

/**
 * The key manager: a write installs a derived traffic key in a slot
 * (derivation cost, then a memory write); a read fetches a record's key
 * (a memory read). Slots are the connection number modulo `keySlots`.
 */
export class KeyManager extends KeyManagerSkeleton {
  private readonly lanes: Lanes;
  /** Trace hook (the engine trace): each key derivation booked on the lane, with the ps until it finishes (-1: queued by admission). */
  laneTrace: ((service: SimTime, left: SimTime) => void) | undefined;

  constructor(sim: Simulator, env: ModelEnv, name = 'keyManager', params: Partial<KeyManagerParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    this.lanes = computeLanes(env, this.fullName, 1);
  }

  /** The memory access of the path without a generator (nothing keeps it past the call). */
  readonly #access = new GenericPayload();
  /** The generator path's memory accesses: each held while its generator waits, then reused. */
  readonly #accesses = new PayloadPool();

  /**
   * A read with no delay of its own: the slot's memory access, whose wait
   * (its last step) is annotated. A write (a derivation, then the access)
   * or a read arriving with a delay waits first: declined.
   */
  protected override bTransportNowRequests(gp: GenericPayload, delay: Delay): boolean {
    if (gp.command === 'write' || delay.value > 0) return false;
    const access = this.#access;
    access.command = gp.command;
    access.address = KEY_BASE + (gp.address % this.params.keySlots) * 64;
    access.dataLength = 64;
    access.responseStatus = 'incomplete';
    delay.value = 0;
    if (!this.memory.bTransportNow(access, delay)) return false;
    gp.responseStatus = 'ok';
    return true;
  }

  protected *bTransportRequests(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    if (gp.command === 'write') {
      const service = this.params.derivationCost + delay.value;
      const left = this.lanes.book(this.sim, service);
      this.laneTrace?.(service, left);
      if (left > 0) yield left;
      else if (left < 0) yield* this.lanes.serve(this.sim, service);
    } else if (delay.value > 0) yield delay.value;
    delay.value = 0;
    const access = this.#accesses.acquire();
    access.command = gp.command;
    access.address = KEY_BASE + (gp.address % this.params.keySlots) * 64;
    access.dataLength = 64;
    const annotated = { value: 0 }; // b_transport written out (DESIGN.md, "b_transport without a generator")
    if (!this.memory.bTransportNow(access, annotated)) yield* this.memory.bTransport(access, annotated);
    access.release();
    if (annotated.value > 0) yield annotated.value;
    gp.responseStatus = 'ok';
  }
}
