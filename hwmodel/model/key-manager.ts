import type { SimTime, Simulator, Wait } from '../kernel/index.js';
import { GenericPayload, PayloadPool, type Delay } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { KeyManagerSkeleton, type KeyManagerParams } from '../../generated/tlm/index.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';
import { KeySlots } from './key-slots.js';

/** Key contexts are 64 bytes each from this address (connection i's at KEY_BASE + i × 64; software hosts: slot i mod key_slots). */
const KEY_BASE = 0x1000_0000;

/**
 * The key manager. On the offload device its `key_slots` slots cache the
 * connections' key contexts (`KeySlots`, least recently used out): a
 * record's key read is a hit (no memory access) or a miss (the victim
 * written back and the context's traffic secret read, both over the memory
 * path, then its key and IV derived again: `derivation_cost` on the key
 * manager's one lane; the record waits for all of it); a write installs a derived key (derivation cost on its
 * lane, then the context written to its backing store and placed in a
 * slot). On a software host a read is a memory read of slot connection
 * mod `key_slots` (its costs are the profile's, not modelled apart).
 */
export class KeyManager extends KeyManagerSkeleton {
  private readonly lanes: Lanes;
  /** The slot cache (offload device), reported as the buffer `<host>.keySlots`. */
  readonly slots: KeySlots | undefined;
  /** Trace hook (the engine trace): each key derivation booked on the lane, with the ps until it finishes (-1: queued by admission), and the connection when it installs a key. */
  laneTrace: ((service: SimTime, left: SimTime, install?: number) => void) | undefined;

  constructor(
    sim: Simulator,
    env: ModelEnv,
    name = 'keyManager',
    params: Partial<KeyManagerParams> = {},
    parent?: Module,
  ) {
    super(sim, name, params, parent);
    this.lanes = computeLanes(env, this.fullName, 1);
    if (env.cpu === undefined) {
      const host = parent === undefined ? '' : `${parent.fullName}.`;
      this.slots = new KeySlots(`${host}keySlots`, this.params.keySlots, [this.fullName, `${host}memory`]);
      env.buffers?.addSource(this.slots);
    }
  }

  /** Where connection `n`'s key context lives: its backing store (offload), or its slot (software host). */
  #address(n: number): number {
    return KEY_BASE + (this.slots === undefined ? n % this.params.keySlots : n % 65_536) * 64;
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
    if (this.slots !== undefined) {
      if (!this.slots.holds(gp.address)) return false; // a miss: reloaded on the generator path
      this.slots.read(gp.address);
      gp.responseStatus = 'ok';
      return true;
    }
    const access = this.#access;
    access.command = gp.command;
    access.address = this.#address(gp.address);
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
      this.laneTrace?.(service, left, gp.address);
      if (left > 0) yield left;
      else if (left < 0) yield* this.lanes.serve(this.sim, service);
    } else if (delay.value > 0) yield delay.value;
    delay.value = 0;
    const slots = this.slots;
    if (slots !== undefined) {
      const since = this.sim.now;
      // A read that hits (or finds no key installed yet: a ClientHello) needs nothing; a miss or an install takes a slot, the
      // victim's context written back first.
      if (gp.command === 'write' || !slots.read(gp.address)) {
        const victim = slots.place(gp.address, this.sim.now);
        if (victim !== undefined) yield* this.#memoryAccess('write', victim);
        if (gp.command !== 'write') {
          // A miss: the context's traffic secret read back and its key and IV derived again, on the key manager's one lane.
          yield* this.#memoryAccess('read', gp.address);
          const service = this.params.derivationCost;
          const left = this.lanes.book(this.sim, service);
          this.laneTrace?.(service, left);
          if (left > 0) yield left;
          else if (left < 0) yield* this.lanes.serve(this.sim, service);
          slots.missed(this.sim.now - since);
        } else yield* this.#memoryAccess('write', gp.address);
      }
    } else yield* this.#memoryAccess(gp.command === 'write' ? 'write' : 'read', gp.address);
    gp.responseStatus = 'ok';
  }

  /** One 64-byte access to connection `n`'s key context over the memory path. */
  *#memoryAccess(command: 'read' | 'write', n: number): Generator<Wait, void, void> {
    const access = this.#accesses.acquire();
    access.command = command;
    access.address = this.#address(n);
    access.dataLength = 64;
    const annotated = { value: 0 }; // b_transport written out (DESIGN.md, "b_transport without a generator")
    if (!this.memory.bTransportNow(access, annotated)) yield* this.memory.bTransport(access, annotated);
    access.release();
    if (annotated.value > 0) yield annotated.value;
  }
}
