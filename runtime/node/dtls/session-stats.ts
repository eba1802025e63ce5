import { inspect } from 'node:util';
import type { ConnectionStats } from '../../dtls/connection.js';
import { plainStats } from './plain-stats.js';

/** What a session counts itself (as `session.stats` documents it); the rest comes from its connection. */
export interface SessionCounters {
  /** When the session was made, `close()` was called, the handshake completed, the session ended (ms since the epoch). */
  createdAt: number;
  closingAt: number | undefined;
  handshakeCompletedAt: number | undefined;
  destroyedAt: number | undefined;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  messagesDropped: number;
  icmpUnreachable: number;
}

export function newSessionCounters(): SessionCounters {
  return {
    createdAt: Date.now(),
    closingAt: undefined,
    handshakeCompletedAt: undefined,
    destroyedAt: undefined,
    messagesSent: 0,
    messagesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    messagesDropped: 0,
    icmpUnreachable: 0,
  };
}

/**
 * `session.stats`: node:dtls's session statistics, live (one object per session). Times are ms since the epoch, counts
 * numbers (node:dtls: bigints); `JSON.stringify` and `util.inspect` show plain data.
 */
export class DtlsSessionStats {
  readonly #counters: SessionCounters;
  readonly #connection: () => ConnectionStats | undefined;

  /** @internal */
  constructor(counters: SessionCounters, connection: () => ConnectionStats | undefined) {
    this.#counters = counters;
    this.#connection = connection;
  }

  get createdAt(): number {
    return this.#counters.createdAt;
  }
  get closingAt(): number | undefined {
    return this.#counters.closingAt;
  }
  get handshakeCompletedAt(): number | undefined {
    return this.#counters.handshakeCompletedAt;
  }
  get destroyedAt(): number | undefined {
    return this.#counters.destroyedAt;
  }
  /** Application data bytes received. */
  get bytesReceived(): number {
    return this.#counters.bytesReceived;
  }
  /** Application data bytes sent. */
  get bytesSent(): number {
    return this.#counters.bytesSent;
  }
  get messagesReceived(): number {
    return this.#counters.messagesReceived;
  }
  get messagesSent(): number {
    return this.#counters.messagesSent;
  }
  /** Messages dropped because nobody read them (no `onmessage`, 1,024 messages or 1 MiB waiting), or, in 'batch' mode, whose ArrayBuffer the application transferred in a callback before they were handed over. */
  get messagesDropped(): number {
    return this.#counters.messagesDropped;
  }
  /** ICMP port unreachables (`ECONNREFUSED`) after the handshake: not authenticated, so counted and ignored. */
  get icmpUnreachable(): number {
    return this.#counters.icmpUnreachable;
  }
  /** Handshake flights sent again. */
  get retransmitCount(): number {
    return this.#connection()?.retransmissions ?? 0;
  }
  /** UDP datagrams this session sent and received (handshake, ACKs and records). */
  get datagramsSent(): number {
    return this.#connection()?.datagramsSent ?? 0;
  }
  get datagramsReceived(): number {
    return this.#connection()?.datagramsReceived ?? 0;
  }
  /** Whether the session is still live (false once it ended: the values are then final). */
  get isConnected(): boolean {
    return this.#counters.destroyedAt === undefined;
  }
  /** Everything the connection counts (drops by reason, handshake duration, retained state), or undefined before there is a connection. */
  get connectionStats(): ConnectionStats | undefined {
    return this.#connection();
  }
  /** Every value now, as plain data (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown> {
    return plainStats(this);
  }
  /** @internal `console.log(session.stats)`: the values. */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    return `DtlsSessionStats ${show(plainStats(this), options)}`;
  }
}
