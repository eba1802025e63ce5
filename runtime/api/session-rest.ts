import { performance } from 'node:perf_hooks';
import type { ConnectionStats } from '../connection/connection.js';
import type { Connection } from '../shared/connection-api.js';
import type { FrozenSession } from '../shared/hibernation.js';
import { frozenSessionStats } from '../dtls13/connection-hibernation.js';

/**
 * A session's rest, the part of a DtlsSession that says where its connection is: live, parked (key contexts freed)
 * when quiet, hibernated (kept as a frozen string) when also at rest, thawed when something needs the connection,
 * woken by an authenticated record. It holds the state and makes each move; its driver (session-driver.ts) decides
 * when, runs the calls that may throw under its guard and tells the owner.
 */
export class SessionRest {
  /** The connection while it is not hibernated (undefined too before a client's is made). */
  live: Connection | undefined = undefined;
  /** The session while hibernated ({@link hibernate}). */
  frozen: FrozenSession | undefined = undefined;
  /** When the peer last authenticated a record, while hibernated. */
  private frozenAuthenticated: number | undefined = undefined;
  /** The stats last read off {@link frozen}, until the job that read them ends (or the thaw). */
  private frozenStats: { readonly frozen: FrozenSession; readonly stats: ConnectionStats } | undefined = undefined;
  private restlessSince: number | undefined = undefined;
  /** Parked ({@link park}) and not woken by an authenticated record since. */
  parked = false;
  private parkedAt: number | undefined = undefined;
  /** When the session was made (monotonic ms: the clock the connection runs on). */
  private readonly createdAt = performance.now();

  /** Hibernated: kept as a frozen string until something needs its connection. */
  get hibernated(): boolean {
    return this.frozen !== undefined;
  }

  /** When a parked session was last thawed without an authenticated record since (so it may rest again), if it was. */
  get thawedAt(): number | undefined {
    return this.restlessSince;
  }

  /** When the peer last sent an authenticated record, else when the session was made (monotonic ms). */
  get lastAuthenticated(): number {
    if (this.live === undefined) return this.frozenAuthenticated ?? this.createdAt;
    return this.live.lastAuthenticatedReceive ?? this.createdAt;
  }

  /** When a session that could hibernate (`thawable`: it has an owner that thaws) but was not at rest last parked. */
  hibernationDeferredSince(thawable: boolean): number | undefined {
    const live = this.live;
    if (!this.parked || live === undefined || !thawable || !live.canHibernate) return undefined;
    return this.parkedAt;
  }

  /** The connection's stats; a hibernated session's decoded from its frozen form and kept only until this job ends. */
  get connectionStats(): ConnectionStats | undefined {
    const frozen = this.frozen;
    if (frozen === undefined) return this.live?.stats;
    if (this.frozenStats?.frozen === frozen) return this.frozenStats.stats;
    const read = { frozen, stats: frozenSessionStats(frozen) };
    this.frozenStats = read;
    queueMicrotask(() => {
      if (this.frozenStats === read) this.frozenStats = undefined;
    });
    return read.stats;
  }

  /** The session went quiet: `live` frees its key contexts until an authenticated record wakes it (what it throws is the caller's). */
  park(live: Connection, now: number): void {
    this.parked = true;
    this.parkedAt = now;
    this.restlessSince = undefined;
    live.park(now);
  }

  /** After parking, at rest: `live` kept as a frozen string; false when the connection would not (what it throws is the caller's). */
  hibernate(live: Connection, now: number): boolean {
    const frozen = live.hibernate(now);
    if (frozen === undefined) return false;
    this.frozenAuthenticated = live.lastAuthenticatedReceive;
    this.frozen = frozen;
    this.live = undefined;
    return true;
  }

  /** The connection made again of the frozen session; true when it thawed without waking (it may rest again). */
  thawed(live: Connection, ended: boolean): boolean {
    this.live = live;
    this.frozen = undefined;
    this.frozenAuthenticated = undefined;
    this.frozenStats = undefined;
    if (!this.parked || ended) return false;
    this.restlessSince = performance.now();
    return true;
  }

  /** An authenticated record came to a parked session: it is awake again. */
  woke(): void {
    this.parked = false;
    this.restlessSince = undefined;
  }
}
