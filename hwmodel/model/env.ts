import type { SeededRandom } from '../kernel/index.js';
import type { TimingProfile } from '../timing/index.js';
import type { ActivityMonitor } from '../trace/index.js';
import type { BufferRegistry } from './buffers.js';
import { Lanes } from './lanes.js';

/** What every behavioural module of one simulation shares. */
export interface ModelEnv {
  readonly profile: TimingProfile;
  /**
   * Where the modules report their activity (utilization, queues, VCD); none
   * for a host whose activity nobody reads (the simulated clients): its
   * lanes then book and wait with no per-grant bookkeeping.
   */
  readonly monitor: ActivityMonitor | undefined;
  /**
   * Where the host's network channel reports when `monitor` is none: the
   * clients' egress link is the device's ingress, a candidate bottleneck
   * the report must see though the clients' modules report nothing.
   */
  readonly linkMonitor?: ActivityMonitor;
  readonly random: SeededRandom;
  /**
   * The software platform's CPU: when set, every module computes on these
   * lanes (a library on a host runs its crypto and its protocol on the same
   * cores); when undefined each module has its own hardware lanes.
   */
  readonly cpu: Lanes | undefined;
  /** On the software platform: datagrams go through sockets, each sent or received costing the profile's `processing.datagramUs` on the CPU. */
  readonly sockets?: boolean;
  /** The server's host: with `sockets`, its datagrams cost `processing.serverDatagramUs` when the profile has it. */
  readonly server?: boolean;
  /** Where the device's bounded buffers are registered for the report (offload platform). */
  readonly buffers?: BufferRegistry;
}

/** The module's compute lanes: the shared CPU, or its own `count` lanes named after it. */
export function computeLanes(env: ModelEnv, name: string, count: number): Lanes {
  return env.cpu ?? new Lanes(name, count, env.monitor?.module(name, count));
}
