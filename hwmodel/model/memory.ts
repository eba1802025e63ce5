import type { Simulator, Wait } from '../kernel/index.js';
import type { Delay, GenericPayload } from '../tlm/index.js';
import type { Module } from '../tlm/index.js';
import { CacheModel } from '../timing/index.js';
import { DramChannel } from '../timing/dram-channel.js';
import { loadPlatform } from '../sizing/workload/platform.js';
import { MemorySkeleton, type MemoryParams } from '../../generated/tlm/index.js';
import type { ModuleActivity } from '../trace/index.js';
import { computeLanes, type ModelEnv } from './env.js';
import type { Lanes } from './lanes.js';

/**
 * The memory: a 4-way set-associative cache in front of one DRAM channel
 * (memory.yaml: one DDR4-3200 channel, `bandwidth` its peak). An access
 * whose lines are all cached costs the hit latency and its bytes at the
 * bandwidth, served by the cache at once; one that misses a line goes to
 * the DRAM channel, which all three ports share: first come, first served,
 * its bytes in whole bursts derated by the read/write turnarounds, at least
 * a row activation's share of tFAW, refresh stalls (hwmodel/timing/
 * dram-channel.ts, the figures spec/hw/platform's DRAM gives: the sizing
 * flow model's own), its data `latency` after its bus time. The channel's
 * busy time is the module's utilization. On the software platform every
 * access costs nothing but its annotated delay on the CPU.
 */
export class Memory extends MemorySkeleton {
  readonly cache: CacheModel;
  /** The DRAM channel behind the cache (undefined on the software platform). */
  readonly dram: DramChannel | undefined;
  /** The software platform's CPU. */
  private readonly cpu: Lanes | undefined;
  private readonly activity: ModuleActivity | undefined;
  readonly #hitPs: number;
  readonly #perBytePs: number;

  constructor(sim: Simulator, env: ModelEnv, name = 'memory', params: Partial<MemoryParams> = {}, parent?: Module) {
    super(sim, name, params, parent);
    const ways = 4;
    this.cache = new CacheModel(
      {
        lineBytes: this.params.lineSize,
        sets: Math.max(1, this.params.cacheSize / this.params.lineSize / ways),
        ways,
        hitLatencyNs: 0,
        missLatencyNs: 0,
        perByteNs: 0,
      },
      this.fullName,
    );
    this.#hitPs = this.params.hitLatency;
    this.#perBytePs = (8 * 1e12) / this.params.bandwidth;
    if (env.cpu !== undefined) {
      this.cpu = computeLanes(env, this.fullName, this.port.length);
      this.dram = undefined;
    } else {
      this.dram = new DramChannel(loadPlatform().dram, 1, this.params.bandwidth);
      this.activity = env.monitor?.module(this.fullName, 1);
    }
  }

  /** When the access of `gp` starting `delay` ps from now ends (ps): a hit at the cache, a miss through the DRAM channel. */
  #finish(gp: GenericPayload, delay: number): number {
    const now = this.sim.now;
    const at = now + delay;
    const bytes = Math.max(1, gp.dataLength);
    const line = this.params.lineSize;
    let missed = false;
    for (let l = Math.floor(gp.address / line), last = Math.floor((gp.address + bytes - 1) / line); l <= last; l++)
      if (!this.cache.lookup(l)) missed = true;
    const dram = this.dram!;
    if (!missed) return at + Math.round(this.#hitPs + bytes * this.#perBytePs);
    const end = Math.round(dram.book(at / 1000, bytes) * 1000);
    const a = this.activity;
    if (a !== undefined) {
      const start = Math.round(dram.start * 1000);
      a.keepUp(now);
      a.serve({ arrival: at, start, finish: end, lane: 0 });
      a.countGrant(start - at, end - start);
    }
    return end + this.params.latency;
  }

  /** The access with its wait annotated (its one wait is its last step); declined when the CPU's lanes limit their queue. */
  protected override bTransportNowPort(gp: GenericPayload, delay: Delay): boolean {
    const cpu = this.cpu;
    if (cpu !== undefined) {
      if (!cpu.books) return false;
      delay.value = cpu.book(this.sim, delay.value);
    } else delay.value = this.#finish(gp, delay.value) - this.sim.now;
    gp.responseStatus = 'ok';
    return true;
  }

  protected *bTransportPort(gp: GenericPayload, delay: Delay): Generator<Wait, void, void> {
    const cpu = this.cpu;
    const d = delay.value;
    delay.value = 0;
    if (cpu !== undefined) {
      const left = cpu.book(this.sim, d);
      if (left > 0) yield left;
      else if (left < 0) yield* cpu.serve(this.sim, d);
    } else {
      const left = this.#finish(gp, d) - this.sim.now;
      if (left > 0) yield left;
    }
    gp.responseStatus = 'ok';
  }
}
