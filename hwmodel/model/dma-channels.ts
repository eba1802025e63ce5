import type { SimTime, Simulator } from '../kernel/index.js';
import type { ActivityMonitor, ModuleActivity } from '../trace/index.js';
import { Lanes } from './lanes.js';

/**
 * The crypto engine's DMA channels (`dma_channels`, each at
 * `dma_bandwidth`), arbitrated one of two ways:
 *
 * - first come, first served (the default): one pool, a transfer on the
 *   channel free first (lowest index on ties). The pool reports as
 *   `<engine>.dma` and, with more than one channel, each channel's share as
 *   `<engine>.dma.ch<i>` (judged as the pool by the bottleneck analysis:
 *   a transfer takes any free channel);
 * - round-robin (`dma_round_robin`): transfer k on channel k mod N, each
 *   channel queueing its own transfers even while another is idle; each
 *   reports as `<engine>.dma.ch<i>`, a resource of its own.
 *
 * The generated SystemC engine books the same way (`dma_reserve`).
 */
export class DmaChannels {
  readonly #pool: Lanes | undefined;
  readonly #channels: readonly Lanes[];
  /** First come, first served with more than one channel: each channel's share of the pool's grants. */
  readonly #shares: readonly (ModuleActivity | undefined)[];
  #next = 0;

  constructor(name: string, count: number, roundRobin: boolean, monitor: ActivityMonitor | undefined) {
    if (roundRobin) {
      this.#pool = undefined;
      this.#channels = Array.from(
        { length: count },
        (_, i) => new Lanes(`${name}.ch${i}`, 1, monitor?.module(`${name}.ch${i}`, 1)),
      );
      this.#shares = [];
    } else {
      this.#pool = new Lanes(name, count, monitor?.module(name, count));
      this.#channels = [];
      this.#shares = count > 1 ? Array.from({ length: count }, (_, i) => monitor?.module(`${name}.ch${i}`, 1)) : [];
    }
  }

  /** Books a transfer of `service` ps now; returns how long the caller waits for its end. */
  book(sim: Simulator, service: SimTime): SimTime {
    const pool = this.#pool;
    if (pool === undefined) {
      const channel = this.#channels[this.#next++ % this.#channels.length]!;
      return channel.reserve(sim, service) - sim.now;
    }
    const finish = pool.reserve(sim, service);
    const share = this.#shares[pool.lastLane];
    if (share !== undefined && service > 0) {
      const start = finish - service;
      share.keepUp(sim.now);
      share.serve({ arrival: sim.now, start, finish, lane: 0 });
      share.countGrant(start - sim.now, service);
    }
    return finish - sim.now;
  }
}
