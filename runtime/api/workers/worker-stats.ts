/** Each worker's counters in one SharedArrayBuffer, row i written by worker i, summed by the primary on read. */
import type { AntiReplayWaitStats } from '../../node/anti-replay-wait.js';
import { LISTENER_STAT_NAMES, type DtlsListenerStats, type ListenerCounts } from '../listener-stats.js';
import { liveStats } from '../plain-stats.js';

/** The counters, in row order: the listener's statistics, then the worker's own forwarding. */
export const WORKER_STAT_NAMES = [
  'packetsReceived',
  'bytesReceived',
  'serverSessions',
  'sessions',
  'handshaking',
  'serverRefusedCount',
  'handshakeErrors',
  'callbackErrors',
  'handshakeTimeouts',
  'idleClosed',
  'parked',
  'hibernated',
  'thawed',
  'restarts',
  /** Records whose CID no session holds: the server's, and those naming another worker dropped before crossing (cid-directory.ts). */
  'unknownConnectionId',
  'migrations',
  /** Datagrams (and bytes) this worker received carrying a CID of another worker, and handed to it. */
  'forwardedOut',
  'forwardedOutBytes',
  /** Datagrams (and bytes) another worker handed this one. */
  'forwardedIn',
  'forwardedInBytes',
  /** Datagrams dropped because their CID names a worker or host that does not exist here (a forgery, or a stale CID). */
  'unknownOwner',
  /** Datagrams this worker forwarded to another host of the fleet (their CID names it), and datagrams another host forwarded to it. */
  'fleetForwardedOut',
  'fleetForwardedIn',
  /** This worker's answers sent through another host (its client reaches the fleet there), and another host's answers it sent for it. */
  'fleetRelayedOut',
  'fleetRelayedIn',
  /** Datagrams on the fleet's link dropped: not tagged with the fleet's key, stale, from an address not the named host's, or not this worker's. */
  'fleetRejected',
  /** Messages this worker posted to the primary or another worker: forwarded batches, 0-RTT anti-replay questions, handshake errors. */
  'messagesPosted',
  /** CPU time of the worker's event loop thread, ms (the native addon's thread clock; 0 without it), refreshed every {@link STATS_FLUSH_MS}. */
  'threadCpuMs',
] as const;

export type WorkerStatName = (typeof WORKER_STAT_NAMES)[number];
export type WorkerStats = { readonly [K in WorkerStatName]: number };

/** The fields of the listener's `antiReplay`, each summed over the workers. */
const ANTI_REPLAY = [
  'waiting',
  'bytes',
  'overflowed',
  'dropped',
  'refused',
  'timedOut',
] as const satisfies readonly (keyof AntiReplayWaitStats)[];

/** Not counts: the listener's own (its life) or summed field by field (`antiReplay`). */
const NOT_SUMMED = new Set<string>(['createdAt', 'destroyedAt', 'isConnected', 'antiReplay']);

/** A row: the worker's stats, then the listener's other counts, then the fields of its `antiReplay`. */
export const ROW: readonly string[] = [
  ...WORKER_STAT_NAMES,
  ...LISTENER_STAT_NAMES.filter((n) => !NOT_SUMMED.has(n) && !(WORKER_STAT_NAMES as readonly string[]).includes(n)),
  ...ANTI_REPLAY.map((n) => `antiReplay.${n}`),
];

/** Each name's column in a row. */
export const COLUMN: Readonly<Record<string, number>> = Object.fromEntries(ROW.map((name, i) => [name, i]));

/** How often a worker refreshes its row when no datagram comes (sessions closing on timers). */
export const STATS_FLUSH_MS = 100;

/** A worker's row, written by that worker only. */
export function statsRow(buffer: SharedArrayBuffer, worker: number): Float64Array {
  return new Float64Array(buffer, worker * ROW.length * 8, ROW.length);
}

export function statsBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(workers * ROW.length * 8);
}

export function readRow(buffer: SharedArrayBuffer, worker: number): WorkerStats {
  const row = statsRow(buffer, worker);
  const out: Record<string, number> = {};
  WORKER_STAT_NAMES.forEach((name, i) => (out[name] = row[i]!));
  return out as WorkerStats;
}

/**
 * `stats` of a listener on workers: the listener's stats, each count every worker's summed (at most 100 ms old), with
 * the workers' own counts, whether the kernel steers, and each worker's in `workers`.
 */
export type DtlsWorkerListenerStats = DtlsListenerStats &
  WorkerStats & {
    /** Whether the kernel steers CID records to their worker (the native addon's program); else they are forwarded between workers. */
    readonly steered: boolean;
    /** Each worker's counts, by worker number. */
    readonly workers: readonly WorkerStats[];
  };

/** What the stats of a listener on workers read: its life, the rows its workers write, whether the kernel steers. */
export interface WorkerStatsSource {
  readonly workers: number;
  readonly counts: ListenerCounts;
  readonly rows: SharedArrayBuffer;
  steered(): boolean;
}

/** Column `at` summed over the workers' rows. */
function summed(s: WorkerStatsSource, at: number): number {
  let total = 0;
  for (let w = 0; w < s.workers; w++) total += statsRow(s.rows, w)[at]!;
  return total;
}

type Reader = (s: WorkerStatsSource) => unknown;

/** What is not a column summed: the listener's life, and its `antiReplay` summed field by field. */
const OWN: Readonly<Record<string, Reader>> = {
  createdAt: (s) => s.counts.createdAt,
  destroyedAt: (s) => s.counts.destroyedAt,
  isConnected: (s) => s.counts.destroyedAt === undefined,
  antiReplay: (s) => Object.fromEntries(ANTI_REPLAY.map((n) => [n, summed(s, COLUMN[`antiReplay.${n}`]!)])),
  steered: (s) => s.steered(),
  workers: (s) => Array.from({ length: s.workers }, (_, i) => readRow(s.rows, i)),
};

/** How each value is read: the listener's, in its order, then the workers' own. */
const READERS: Record<string, Reader> = {};
for (const name of new Set([...LISTENER_STAT_NAMES, ...WORKER_STAT_NAMES, 'steered', 'workers'])) {
  const at = COLUMN[name];
  READERS[name] = OWN[name] ?? ((s) => summed(s, at!));
}

/** The stats of a listener on workers, live (one object for its life; `toJSON` and `util.inspect` show the values). */
export const workerListenerStats = liveStats<WorkerStatsSource, Record<string, Reader>>(
  'DtlsWorkerListenerStats',
  READERS,
) as unknown as (source: WorkerStatsSource) => DtlsWorkerListenerStats;
