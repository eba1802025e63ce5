import type { ConnectionStats } from '../connection/connection.js';
import { liveStats, type LiveStats } from './plain-stats.js';

/** What a session counts itself (as `session.stats` documents it); the rest comes from its connection. */
export class SessionCounters {
  /** When the session was made, `close()` was called, the handshake completed, the session ended (ms since the epoch). */
  createdAt = Date.now();
  closingAt: number | undefined = undefined;
  handshakeCompletedAt: number | undefined = undefined;
  destroyedAt: number | undefined = undefined;
  messagesSent = 0;
  messagesReceived = 0;
  bytesSent = 0;
  bytesReceived = 0;
  messagesDropped = 0;
  icmpUnreachable = 0;
}

/** What the stats read of their session: its counters, and its connection's statistics once it has a connection. */
export interface SessionStatsSource {
  readonly counters: SessionCounters;
  readonly connection: () => ConnectionStats | undefined;
}

/**
 * `session.stats`: node:dtls's session statistics, live (one object per session). Times are ms since the epoch, counts
 * numbers (node:dtls: bigints); `JSON.stringify` and `util.inspect` show plain data.
 */
export type DtlsSessionStats = LiveStats<typeof SESSION_STATS>;

/** How each of a session's `stats` is read, and what it is. */
const SESSION_STATS = {
  createdAt: (s) => s.counters.createdAt,
  closingAt: (s) => s.counters.closingAt,
  handshakeCompletedAt: (s) => s.counters.handshakeCompletedAt,
  destroyedAt: (s) => s.counters.destroyedAt,
  /** Application data bytes received. */
  bytesReceived: (s) => s.counters.bytesReceived,
  /** Application data bytes sent. */
  bytesSent: (s) => s.counters.bytesSent,
  messagesReceived: (s) => s.counters.messagesReceived,
  messagesSent: (s) => s.counters.messagesSent,
  /** Messages dropped because nobody read them (no `onmessage`, 1,024 messages or 1 MiB waiting), or, in 'batch' mode, whose ArrayBuffer the application transferred in a callback before they were handed over. */
  messagesDropped: (s) => s.counters.messagesDropped,
  /** ICMP port unreachables (`ECONNREFUSED`) after the handshake: not authenticated, so counted and ignored. */
  icmpUnreachable: (s) => s.counters.icmpUnreachable,
  /** Handshake flights sent again. */
  retransmitCount: (s) => s.connection()?.retransmissions ?? 0,
  /** UDP datagrams this session sent and received (handshake, ACKs and records). */
  datagramsSent: (s) => s.connection()?.datagramsSent ?? 0,
  datagramsReceived: (s) => s.connection()?.datagramsReceived ?? 0,
  /** Whether the session is still live (false once it ended: the values are then final). */
  isConnected: (s) => s.counters.destroyedAt === undefined,
  /** Everything the connection counts (drops by reason, handshake duration, retained state), or undefined before there is a connection. */
  connectionStats: (s) => s.connection(),
} satisfies Readonly<Record<string, (source: SessionStatsSource) => unknown>>;

/** A session's `stats`. */
export const sessionStats: (source: SessionStatsSource) => DtlsSessionStats = liveStats(
  'DtlsSessionStats',
  SESSION_STATS,
);
