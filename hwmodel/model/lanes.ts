import type { SimTime, Simulator, Wait } from '../kernel/index.js';
import { ResourcePool } from '../timing/index.js';
import type { ModuleActivity } from '../trace/index.js';

/**
 * A module's compute resource: `count` lanes served first come, first
 * served. A request of `service` ps starts when a lane is free and the
 * calling thread waits until it finishes; busy and queued time go to the
 * activity monitor (utilization, queue depth, VCD). On the software
 * platform every module shares one `Lanes`: the CPU.
 */
export class Lanes {
  readonly name: string;
  readonly count: number;
  private readonly pool: ResourcePool;
  private readonly activity: ModuleActivity | undefined;

  constructor(name: string, count: number, activity?: ModuleActivity) {
    this.name = name;
    this.count = count;
    this.pool = new ResourcePool(name, count);
    this.activity = activity;
  }

  /** Books a lane for `service` ps from the first free instant at or after now; returns when it finishes (for non-blocking transport). */
  reserve(sim: Simulator, service: SimTime): SimTime {
    if (service <= 0) return sim.now;
    const grant = this.pool.request(sim.now, service);
    this.activity?.serve(grant);
    return grant.finish;
  }

  /** Occupies a lane for `service` ps from the first free instant; returns when done. */
  *serve(sim: Simulator, service: SimTime): Generator<Wait, void, void> {
    const left = this.reserve(sim, service) - sim.now;
    if (left > 0) yield left;
  }
}
