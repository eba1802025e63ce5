import { inspect } from 'node:util';
import type { AntiReplayWaitStats } from '../anti-replay-wait.js';
import type { DatagramIo } from '../datagram-io.js';
import type { UdpServerStats } from '../server-options.js';
import { plainStats } from './plain-stats.js';

/** What a listener counts itself; the rest comes from its UDP server. */
export interface ListenerCounts {
  createdAt: number;
  destroyedAt: number | undefined;
  serverSessions: number;
  handshakeErrors: number;
  callbackErrors: number;
}

/** What the stats read of their listener. */
export interface ListenerStatsSource {
  readonly counts: ListenerCounts;
  /** The UDP server's counts, once it listens. */
  readonly serverStats: UdpServerStats | undefined;
  readonly openSessions: number;
  /** What its socket delivered and sent, once it listens. */
  readonly datagramCounts: DatagramIo['counts'] | undefined;
}

/**
 * `listener.stats`: node:dtls's endpoint statistics and dtls13's own, live (one object for the listener's life). Times
 * are ms since the epoch, counts numbers (node:dtls: bigints); `JSON.stringify` and `util.inspect` show plain data.
 */
export class DtlsListenerStats {
  readonly #source: ListenerStatsSource;
  /** @internal */
  constructor(source: ListenerStatsSource) {
    this.#source = source;
  }
  get #server(): UdpServerStats | undefined {
    return this.#source.serverStats;
  }
  get createdAt(): number {
    return this.#source.counts.createdAt;
  }
  get destroyedAt(): number | undefined {
    return this.#source.counts.destroyedAt;
  }
  /** UDP datagrams and bytes that reached the socket. */
  get packetsReceived(): number {
    return this.#source.datagramCounts?.datagramsIn ?? 0;
  }
  get bytesReceived(): number {
    return this.#source.datagramCounts?.bytesIn ?? 0;
  }
  /** UDP datagrams and bytes the listener sent (handshakes, cookie exchanges, records, ACKs, alerts). */
  get packetsSent(): number {
    return this.#source.datagramCounts?.datagramsOut ?? 0;
  }
  get bytesSent(): number {
    return this.#source.datagramCounts?.bytesOut ?? 0;
  }
  /** Sessions accepted (their peer passed the cookie exchange), over the listener's life. */
  get serverSessions(): number {
    return this.#source.counts.serverSessions;
  }
  /** Sessions this endpoint started as a client: 0 (node:dtls's name; a listener only accepts). */
  get clientSessions(): number {
    return 0;
  }
  /** ClientHellos of new peers dropped, silently, while `listener.busy` was true. */
  get serverBusyCount(): number {
    return this.#server?.busyRefused ?? 0;
  }
  /** Datagrams of no session that could not be a ClientHello, dropped before any handshake state was made. */
  get serverRejectedCount(): number {
    return this.#server?.notClientHello ?? 0;
  }
  /** Handshake attempts refused, silently, because of `maxSessions` or `maxSessionsPerHost` (`refusedGlobal` + `refusedPerHost`). */
  get serverRefusedCount(): number {
    return this.#server?.refused ?? 0;
  }
  /** Sessions open now, handshaking or established. */
  get sessions(): number {
    return this.#source.openSessions;
  }
  /** Sessions still handshaking. */
  get handshaking(): number {
    return this.#server?.handshaking ?? 0;
  }
  /** Of {@link serverRefusedCount}: refused because of `maxSessions` / `maxHandshakes` (the whole server full). */
  get refusedGlobal(): number {
    return this.#server?.refusedGlobal ?? 0;
  }
  /** Of {@link serverRefusedCount}: refused because of `maxSessionsPerHost` / `maxHandshakesPerHost` (that host's share full). */
  get refusedPerHost(): number {
    return this.#server?.refusedPerHost ?? 0;
  }
  /** First ClientHellos held in fragments before the cookie exchange, now (`maxPendingClientHellos`). */
  get pendingClientHellos(): number {
    return this.#server?.pendingClientHellos ?? 0;
  }
  /** 0-RTT ClientHellos the anti-replay store refused (they went on without early data). */
  get storeRejections(): number {
    return this.#server?.storeRejections ?? 0;
  }
  /** 0-RTT ClientHellos waiting for an asynchronous anti-replay store (`antiReplayWait`): held now, overflowed, dropped, timed out. */
  get antiReplay(): AntiReplayWaitStats | undefined {
    const a = this.#server?.antiReplay;
    return a === undefined ? undefined : { ...a };
  }
  /** Handshakes that failed here with an alert of ours (the cookie exchange's, a callback's, a handshake's). */
  get handshakeErrors(): number {
    return this.#source.counts.handshakeErrors;
  }
  /** Application callbacks that threw or rejected; each ended its handshake or session with internal_error. */
  get callbackErrors(): number {
    return this.#source.counts.callbackErrors;
  }
  /** Sessions dropped because their handshake outlived `handshakeTimeout`. */
  get handshakeTimeouts(): number {
    return this.#server?.handshakeTimeouts ?? 0;
  }
  /** Sessions closed for idleness (`idleTimeoutMs`). */
  get idleClosed(): number {
    return this.#server?.idleClosed ?? 0;
  }
  /** Times a quiet session was parked (`parkAfterMs`: its keys' contexts freed until its next record). */
  get parked(): number {
    return this.#server?.parked ?? 0;
  }
  /** Times a parked session hibernated (kept as a string of a few hundred bytes until it is needed again), and times one was thawed. */
  get hibernated(): number {
    return this.#server?.hibernated ?? 0;
  }
  get thawed(): number {
    return this.#server?.thawed ?? 0;
  }
  /** Sessions a restarted client replaced (RFC 9147 §5.11). */
  get restarts(): number {
    return this.#server?.restarts ?? 0;
  }
  /** Datagrams dropped because their connection ID is no session's (never issued, retired, or of an ended session). */
  get unknownConnectionId(): number {
    return this.#server?.unknownConnectionId ?? 0;
  }
  /** Sessions moved to a new client address after a return routability check (RFC 9853). */
  get migrations(): number {
    return this.#server?.migrations ?? 0;
  }
  /** DTLS 1.2 sessions kept for resumption by session ID now (at most `maxSessionIds12`). */
  get sessionIds12(): number {
    return this.#server?.sessionIds12 ?? 0;
  }
  /** Whether the listener is still open (false once closed: the values are then final). */
  get isConnected(): boolean {
    return this.#source.counts.destroyedAt === undefined;
  }
  /** Every value now, as plain data (what `JSON.stringify` writes). */
  toJSON(): Record<string, unknown> {
    return plainStats(this);
  }
  /** @internal `console.log(listener.stats)`: the values, not the listener behind them. */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    return `DtlsListenerStats ${show(plainStats(this), options)}`;
  }
}
