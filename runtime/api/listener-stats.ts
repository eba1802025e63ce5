import type { AntiReplayWaitStats } from '../node/anti-replay-wait.js';
import type { DatagramIo } from '../node/datagram-io.js';
import type { ListenerAdmission, UdpServerStats } from './listener-admission.js';
import { liveStats, type LiveStats } from './plain-stats.js';

/** What a listener counts itself; the rest comes from its UDP server. */
export class ListenerCounts {
  createdAt = Date.now();
  destroyedAt: number | undefined = undefined;
  serverSessions = 0;
  handshakeErrors = 0;
  callbackErrors = 0;
}

/** What the stats read of their listener: what it hands them (listener.ts), its own members staying its own. */
export interface ListenerStatsSource {
  readonly counts: ListenerCounts;
  /** The UDP server's counts, once it listens. */
  serverStats(): UdpServerStats | undefined;
  openSessions(): number;
  /** What its socket delivered and sent, once it listens. */
  datagramCounts(): DatagramIo['counts'] | undefined;
}

/**
 * `listener.stats`: node:dtls's endpoint statistics and dtls13's own, live (one object for the listener's life). Times
 * are ms since the epoch, counts numbers (node:dtls: bigints); `JSON.stringify` and `util.inspect` show plain data.
 */
export type DtlsListenerStats = LiveStats<typeof LISTENER_STATS>;

/** A count its UDP server keeps (0 before it listens). */
function server(count: Exclude<keyof UdpServerStats, 'antiReplay'>): (l: ListenerStatsSource) => number {
  return (l) => l.serverStats()?.[count] ?? 0;
}

/** How each of a listener's `stats` is read, and what it is. */
const LISTENER_STATS = {
  createdAt: (l) => l.counts.createdAt,
  destroyedAt: (l) => l.counts.destroyedAt,
  /** UDP datagrams and bytes that reached the socket. */
  packetsReceived: (l) => l.datagramCounts()?.datagramsIn ?? 0,
  bytesReceived: (l) => l.datagramCounts()?.bytesIn ?? 0,
  /** UDP datagrams and bytes the listener sent (handshakes, cookie exchanges, records, ACKs, alerts). */
  packetsSent: (l) => l.datagramCounts()?.datagramsOut ?? 0,
  bytesSent: (l) => l.datagramCounts()?.bytesOut ?? 0,
  /** Sessions accepted (their peer passed the cookie exchange), over the listener's life. */
  serverSessions: (l) => l.counts.serverSessions,
  /** Sessions this endpoint started as a client: 0 (node:dtls's name; a listener only accepts). */
  clientSessions: () => 0,
  /** ClientHellos of new peers dropped, silently, while `listener.busy` was true. */
  serverBusyCount: server('busyRefused'),
  /** Datagrams of no session that could not be a ClientHello, dropped before any handshake state was made. */
  serverRejectedCount: server('notClientHello'),
  /** Handshake attempts refused, silently, because of `maxSessions` or `maxSessionsPerHost` (`refusedGlobal` + `refusedPerHost`). */
  serverRefusedCount: server('refused'),
  /** Sessions open now, handshaking or established. */
  sessions: (l) => l.openSessions(),
  /** Sessions still handshaking. */
  handshaking: server('handshaking'),
  /** Of {@link serverRefusedCount}: refused because of `maxSessions` / `maxHandshakes` (the whole server full). */
  refusedGlobal: server('refusedGlobal'),
  /** Of {@link serverRefusedCount}: refused because of `maxSessionsPerHost` / `maxHandshakesPerHost` (that host's share full). */
  refusedPerHost: server('refusedPerHost'),
  /** First ClientHellos held in fragments before the cookie exchange, now (`maxPendingClientHellos`). */
  pendingClientHellos: server('pendingClientHellos'),
  /** 0-RTT ClientHellos the anti-replay store refused (they went on without early data). */
  storeRejections: server('storeRejections'),
  /** 0-RTT ClientHellos waiting for an asynchronous anti-replay store (`antiReplayWait`): held now, overflowed, dropped, timed out. */
  antiReplay: (l): AntiReplayWaitStats | undefined => {
    const a = l.serverStats()?.antiReplay;
    return a === undefined ? undefined : { ...a };
  },
  /** Handshakes that failed here with an alert of ours (the cookie exchange's, a callback's, a handshake's). */
  handshakeErrors: (l) => l.counts.handshakeErrors,
  /** Application callbacks that threw or rejected; each ended its handshake or session with internal_error. */
  callbackErrors: (l) => l.counts.callbackErrors,
  /** Sessions dropped because their handshake outlived `handshakeTimeout`. */
  handshakeTimeouts: server('handshakeTimeouts'),
  /** Sessions closed for idleness (`idleTimeoutMs`). */
  idleClosed: server('idleClosed'),
  /** Times a quiet session was parked (`parkAfterMs`: its keys' contexts freed until its next record). */
  parked: server('parked'),
  /** Times a parked session hibernated (kept as a string of a few hundred bytes until it is needed again), and times one was thawed. */
  hibernated: server('hibernated'),
  thawed: server('thawed'),
  /** Sessions a restarted client replaced (RFC 9147 §5.11). */
  restarts: server('restarts'),
  /** Datagrams dropped because their connection ID is no session's (never issued, retired, or of an ended session). */
  unknownConnectionId: server('unknownConnectionId'),
  /** Sessions moved to a new client address after a return routability check (RFC 9853). */
  migrations: server('migrations'),
  /** DTLS 1.2 sessions kept for resumption by session ID now (at most `maxSessionIds12`). */
  sessionIds12: server('sessionIds12'),
  /** Whether the listener is still open (false once closed: the values are then final). */
  isConnected: (l) => l.counts.destroyedAt === undefined,
} satisfies Readonly<Record<string, (source: ListenerStatsSource) => unknown>>;

/** A listener's `stats` (`util.inspect` shows the values, not the listener behind them). */
export const listenerStats: (source: ListenerStatsSource) => DtlsListenerStats = liveStats(
  'DtlsListenerStats',
  LISTENER_STATS,
);

/** The names of a listener's `stats`, in order. */
export const LISTENER_STAT_NAMES = Object.keys(LISTENER_STATS) as readonly (keyof typeof LISTENER_STATS)[];

/** What the stats of a listener served here read: its counts, and what its admission counts once bound. */
export function servedHereStats(admission: ListenerAdmission, counts: ListenerCounts): ListenerStatsSource {
  return {
    counts,
    serverStats: () => admission.serverStats,
    openSessions: () => admission.openSessions,
    datagramCounts: () => (admission.served ? admission.transport.datagrams.counts : undefined),
  };
}

/** Every value of a listener's stats now, its server's counts read once (a worker writes them after each read). */
export function listenerValues(source: ListenerStatsSource): Omit<DtlsListenerStats, 'toJSON'> {
  const server = source.serverStats();
  const once: ListenerStatsSource = { ...source, serverStats: () => server };
  const out: Record<string, unknown> = {};
  for (const name of LISTENER_STAT_NAMES) out[name] = LISTENER_STATS[name](once);
  return out as Omit<DtlsListenerStats, 'toJSON'>;
}
