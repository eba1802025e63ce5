import type { AntiReplayWaitStats } from '../node/anti-replay-wait.js';
import type { DatagramIo } from '../node/datagram-io.js';
import type { UdpServerStats } from './server-options.js';
import { liveStats } from './plain-stats.js';

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
export interface DtlsListenerStats {
  readonly createdAt: number;
  readonly destroyedAt: number | undefined;
  /** UDP datagrams and bytes that reached the socket. */
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  /** UDP datagrams and bytes the listener sent (handshakes, cookie exchanges, records, ACKs, alerts). */
  readonly packetsSent: number;
  readonly bytesSent: number;
  /** Sessions accepted (their peer passed the cookie exchange), over the listener's life. */
  readonly serverSessions: number;
  /** Sessions this endpoint started as a client: 0 (node:dtls's name; a listener only accepts). */
  readonly clientSessions: number;
  /** ClientHellos of new peers dropped, silently, while `listener.busy` was true. */
  readonly serverBusyCount: number;
  /** Datagrams of no session that could not be a ClientHello, dropped before any handshake state was made. */
  readonly serverRejectedCount: number;
  /** Handshake attempts refused, silently, because of `maxSessions` or `maxSessionsPerHost` (`refusedGlobal` + `refusedPerHost`). */
  readonly serverRefusedCount: number;
  /** Sessions open now, handshaking or established. */
  readonly sessions: number;
  /** Sessions still handshaking. */
  readonly handshaking: number;
  /** Of {@link serverRefusedCount}: refused because of `maxSessions` / `maxHandshakes` (the whole server full). */
  readonly refusedGlobal: number;
  /** Of {@link serverRefusedCount}: refused because of `maxSessionsPerHost` / `maxHandshakesPerHost` (that host's share full). */
  readonly refusedPerHost: number;
  /** First ClientHellos held in fragments before the cookie exchange, now (`maxPendingClientHellos`). */
  readonly pendingClientHellos: number;
  /** 0-RTT ClientHellos the anti-replay store refused (they went on without early data). */
  readonly storeRejections: number;
  /** 0-RTT ClientHellos waiting for an asynchronous anti-replay store (`antiReplayWait`): held now, overflowed, dropped, timed out. */
  readonly antiReplay: AntiReplayWaitStats | undefined;
  /** Handshakes that failed here with an alert of ours (the cookie exchange's, a callback's, a handshake's). */
  readonly handshakeErrors: number;
  /** Application callbacks that threw or rejected; each ended its handshake or session with internal_error. */
  readonly callbackErrors: number;
  /** Sessions dropped because their handshake outlived `handshakeTimeout`. */
  readonly handshakeTimeouts: number;
  /** Sessions closed for idleness (`idleTimeoutMs`). */
  readonly idleClosed: number;
  /** Times a quiet session was parked (`parkAfterMs`: its keys' contexts freed until its next record). */
  readonly parked: number;
  /** Times a parked session hibernated (kept as a string of a few hundred bytes until it is needed again), and times one was thawed. */
  readonly hibernated: number;
  readonly thawed: number;
  /** Sessions a restarted client replaced (RFC 9147 §5.11). */
  readonly restarts: number;
  /** Datagrams dropped because their connection ID is no session's (never issued, retired, or of an ended session). */
  readonly unknownConnectionId: number;
  /** Sessions moved to a new client address after a return routability check (RFC 9853). */
  readonly migrations: number;
  /** DTLS 1.2 sessions kept for resumption by session ID now (at most `maxSessionIds12`). */
  readonly sessionIds12: number;
  /** Whether the listener is still open (false once closed: the values are then final). */
  readonly isConnected: boolean;
  /** Every value now, as plain data (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown>;
}

/** A count its UDP server keeps (0 before it listens). */
function server(count: Exclude<keyof UdpServerStats, 'antiReplay'>): (l: ListenerStatsSource) => number {
  return (l) => l.serverStats()?.[count] ?? 0;
}

/** A listener's `stats` (`util.inspect` shows the values, not the listener behind them). */
export const listenerStats = liveStats<ListenerStatsSource, DtlsListenerStats>('DtlsListenerStats', {
  createdAt: (l) => l.counts.createdAt,
  destroyedAt: (l) => l.counts.destroyedAt,
  packetsReceived: (l) => l.datagramCounts()?.datagramsIn ?? 0,
  bytesReceived: (l) => l.datagramCounts()?.bytesIn ?? 0,
  packetsSent: (l) => l.datagramCounts()?.datagramsOut ?? 0,
  bytesSent: (l) => l.datagramCounts()?.bytesOut ?? 0,
  serverSessions: (l) => l.counts.serverSessions,
  clientSessions: () => 0,
  serverBusyCount: server('busyRefused'),
  serverRejectedCount: server('notClientHello'),
  serverRefusedCount: server('refused'),
  sessions: (l) => l.openSessions(),
  handshaking: server('handshaking'),
  refusedGlobal: server('refusedGlobal'),
  refusedPerHost: server('refusedPerHost'),
  pendingClientHellos: server('pendingClientHellos'),
  storeRejections: server('storeRejections'),
  antiReplay: (l) => {
    const a = l.serverStats()?.antiReplay;
    return a === undefined ? undefined : { ...a };
  },
  handshakeErrors: (l) => l.counts.handshakeErrors,
  callbackErrors: (l) => l.counts.callbackErrors,
  handshakeTimeouts: server('handshakeTimeouts'),
  idleClosed: server('idleClosed'),
  parked: server('parked'),
  hibernated: server('hibernated'),
  thawed: server('thawed'),
  restarts: server('restarts'),
  unknownConnectionId: server('unknownConnectionId'),
  migrations: server('migrations'),
  sessionIds12: server('sessionIds12'),
  isConnected: (l) => l.counts.destroyedAt === undefined,
});
