/** Each worker's counters in one SharedArrayBuffer, row i written by worker i, summed by the primary on read. */

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

/** How often a worker refreshes its row when no datagram comes (sessions closing on timers). */
export const STATS_FLUSH_MS = 100;

/** A worker's row, written by that worker only. */
export function statsRow(buffer: SharedArrayBuffer, worker: number): Float64Array {
  return new Float64Array(buffer, worker * WORKER_STAT_NAMES.length * 8, WORKER_STAT_NAMES.length);
}

export function statsBuffer(workers: number): SharedArrayBuffer {
  return new SharedArrayBuffer(workers * WORKER_STAT_NAMES.length * 8);
}

export function readRow(buffer: SharedArrayBuffer, worker: number): WorkerStats {
  const row = statsRow(buffer, worker);
  const out: Record<string, number> = {};
  WORKER_STAT_NAMES.forEach((name, i) => (out[name] = row[i]!));
  return out as WorkerStats;
}
