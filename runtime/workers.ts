/**
 * `dtls13/workers`: one server on several event loops. `listenWorkers(module, options)` starts `options.workers` worker
 * threads, each with its own SO_REUSEPORT socket on the port; `module` exports the session callback (functions do not
 * cross threads). Connection IDs steer a peer to its worker; ticket keys and anti-replay are shared; `hostId` and
 * `fleet` make several such hosts one service (docs/scale-out.md).
 *
 * The root's `listen(module, { workers })` is the same call under its old, deprecated form (CHANGELOG.md).
 */
export {
  listenWorkers,
  DtlsWorkerListener,
  type DtlsWorkerListenerStats,
  type WorkerListenOptions as DtlsWorkerListenOptions,
  type WorkerExit,
} from './node/dtls/workers/worker-listener.js';
export type { EndedSession } from './node/dtls/workers/worker-death.js';
export type { FleetOptions as DtlsFleetOptions } from './node/dtls/workers/fleet-options.js';
export type { WorkerStats } from './node/dtls/workers/worker-stats.js';
