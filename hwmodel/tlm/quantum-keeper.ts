import { ConfigError } from '../../runtime/config-error.js';
import type { SimTime, Simulator, Wait } from '../kernel/index.js';

let globalQuantum: SimTime = 0;

/**
 * tlm_quantumkeeper with tlm_global_quantum (IEEE 1666-2011 §16.2, §12.2):
 * lets a loosely-timed initiator run ahead of simulated time by a local
 * offset and synchronise (wait) only when the offset reaches the next
 * quantum boundary.
 *
 * The global quantum is one value for the whole process, as the standard's
 * singleton; default 0 (synchronise on every `needSync`). The next sync point
 * is the next multiple of the global quantum after the time of the last
 * `reset` (`compute_local_quantum`). A new keeper starts reset (the standard's
 * constructor leaves that to the caller).
 */
export class QuantumKeeper {
  /** The simulator whose time the keeper runs ahead of. */
  readonly sim: Simulator;
  #localTime: SimTime = 0;
  #nextSyncPoint: SimTime = 0;

  constructor(sim: Simulator) {
    this.sim = sim;
    this.reset();
  }

  /** Sets the global quantum (ps, a non-negative integer; 0 disables quantum-based decoupling). */
  static setGlobalQuantum(t: SimTime): void {
    if (!Number.isSafeInteger(t) || t < 0)
      throw new ConfigError('globalQuantum', `must be a non-negative integer number of picoseconds, got ${String(t)}`);
    globalQuantum = t;
  }

  /** The global quantum (ps). */
  static get globalQuantum(): SimTime {
    return globalQuantum;
  }

  /** Time from `now` to the next multiple of the global quantum (0 when the quantum is 0). */
  static computeLocalQuantum(now: SimTime): SimTime {
    return globalQuantum === 0 ? 0 : globalQuantum - (now % globalQuantum);
  }

  /** Adds `t` to the local time offset. */
  inc(t: SimTime): void {
    if (!(t >= 0)) throw new RangeError(`QuantumKeeper.inc: time must be >= 0, got ${String(t)}`);
    this.#localTime += t;
  }

  /** Sets the local time offset. */
  set(t: SimTime): void {
    if (!(t >= 0)) throw new RangeError(`QuantumKeeper.set: time must be >= 0, got ${String(t)}`);
    this.#localTime = t;
  }

  /** The local time offset ahead of `sim.now`. */
  get localTime(): SimTime {
    return this.#localTime;
  }

  /** `sim.now + localTime`: the initiator's notion of the current time. */
  get currentTime(): SimTime {
    return this.sim.now + this.#localTime;
  }

  /** The absolute time at which `needSync` turns true. */
  get nextSyncPoint(): SimTime {
    return this.#nextSyncPoint;
  }

  /** True when the current time has reached the sync point. */
  needSync(): boolean {
    return this.sim.now + this.#localTime >= this.#nextSyncPoint;
  }

  /** Waits the local time offset (`yield* qk.sync()` in a thread), then resets. */
  *sync(): Generator<Wait, void, void> {
    yield this.#localTime;
    this.reset();
  }

  /** Local offset to 0 and the sync point to the next quantum boundary after `sim.now`. */
  reset(): void {
    this.#localTime = 0;
    this.#nextSyncPoint = this.sim.now + QuantumKeeper.computeLocalQuantum(this.sim.now);
  }
}
