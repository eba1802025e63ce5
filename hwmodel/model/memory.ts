import type { Simulator, Wait } from '../kernel/index.js';
import type { Delay, GenericPayload } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { CacheModel } from '../timing/index.js';
import { MemorySkeleton, type MemoryParams } from '../../generated/tlm/index.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';

/** Memory behind a 4-way set-associative cache: an access is a burst costing one hit or miss latency plus its bytes at the memory bandwidth; one access per port at a time. */
export class Memory extends MemorySkeleton {
  readonly cache: CacheModel;
  private readonly lanes: Lanes;

  constructor(sim: Simulator, env: ModelEnv, name = 'memory', params: Partial<MemoryParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    const ways = 4;
    this.cache = new CacheModel(
      {
        lineBytes: this.params.lineSize,
        sets: Math.max(1, this.params.cacheSize / this.params.lineSize / ways),
        ways,
        hitLatencyNs: env.cpu ? 0 : this.params.hitLatency / 1000,
        missLatencyNs: env.cpu ? 0 : this.params.latency / 1000,
        perByteNs: env.cpu ? 0 : (8 * 1e9) / this.params.bandwidth,
        burst: true,
      },
      this.fullName,
    );
    this.lanes = computeLanes(env, this.fullName, this.port.length);
  }

  /** The access with its wait annotated (its one wait is its last step); declined when the port's lanes limit their queue. */
  protected override bTransportNowPort(gp: GenericPayload, delay: Delay): boolean {
    if (!this.lanes.books) return false;
    const t = this.cache.access(gp.address, Math.max(1, gp.dataLength)) + delay.value;
    delay.value = this.lanes.book(this.sim, t);
    gp.responseStatus = 'ok';
    return true;
  }

  protected *bTransportPort(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    const t = this.cache.access(gp.address, Math.max(1, gp.dataLength)) + delay.value;
    delay.value = 0;
    const left = this.lanes.book(this.sim, t);
    if (left > 0) yield left;
    else if (left < 0) yield* this.lanes.serve(this.sim, t);
    gp.responseStatus = 'ok';
  }
}
