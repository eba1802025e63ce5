/**
 * `dtls13/workers`: `listenWorkers(module, options)`, one server on several worker threads, each on its own
 * SO_REUSEPORT socket; `hostId` and `fleet` make several hosts one service (docs/scale-out.md).
 */
export {
  listenWorkers,
  DtlsWorkerListener,
  type DtlsWorkerListenerStats,
  type WorkerListenOptions as DtlsWorkerListenOptions,
  type WorkerExit,
} from './api/workers/worker-listener.js';
export type { EndedSession } from './api/workers/worker-death.js';
export type { FleetOptions as DtlsFleetOptions } from './api/workers/fleet-options.js';
export type { WorkerStats } from './api/workers/worker-stats.js';
