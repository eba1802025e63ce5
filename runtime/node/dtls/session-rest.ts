import { performance } from 'node:perf_hooks';
import { DtlsConnection, type ConnectionStats } from '../../dtls/connection.js';
import type { Connection } from '../../connection/connection-api.js';
import type { ConnectionEvent } from '../../connection/events.js';
import type { FrozenSession } from '../../connection/hibernation.js';

/**
 * What a server session tells its listener (`S`: the session class, a parameter so this file imports none of it): one
 * table per listener for all its sessions, each call naming one, made by the listener over its own private members
 * (listener.ts `sessionOwner`). A client's session has none.
 */
export interface SessionOwnerOf<S> {
  /** Each event but application data, before the session's own handling. */
  sessionEvent(session: S, e: ConnectionEvent): void;
  /** The session's connection ended (closed, failed, aborted; `crashed`: by what it threw): out of the demux, admission and resting. */
  connectionEnded(session: S, crashed: boolean): void;
  /** The session has settled its promises: it is no longer one the listener's close or destroy ends. */
  sessionEnded(session: S): void;
  /** An application callback ended the session (`duringHandshake`: before it opened). */
  callbackFailed(error: Error, session: S, duringHandshake: boolean): void;
  /** A parked session ({@link SessionRest.park}) took an authenticated record: it is awake again. */
  sessionWoke(session: S): void;
  /** Makes a connection again of a session it hibernated (on the configuration it was made with). */
  thaw(session: S, frozen: FrozenSession, now: number): Connection;
  /** A datagram screened without a thaw: the session kept again, or undefined: thaw for it. */
  screen(session: S, frozen: FrozenSession, datagram: Uint8Array): FrozenSession | undefined;
  /** A hibernated session was thawed without waking (a call on its connection): it may rest again. */
  sessionThawed(session: S): void;
}

/**
 * What a listener's sweep (resting-sessions.ts) reads of a session and does to it: one table for all sessions, made by
 * the class over its own private members (SessionRest's static block, the one place that reaches them).
 */
export interface RestCalls {
  /** When the peer last sent an authenticated record, else when the session was made (monotonic ms). */
  lastAuthenticated(session: SessionRest): number;
  /** Parked, and no authenticated record since. */
  isParked(session: SessionRest): boolean;
  /** Hibernated: kept as a frozen string until something needs its connection. */
  isHibernated(session: SessionRest): boolean;
  /** When a parked session was last thawed without an authenticated record since (so it may rest again), if it was. */
  thawedAt(session: SessionRest): number | undefined;
  /** When a session that could hibernate but was not at rest last parked (parking again may let it go). */
  hibernationDeferredSince(session: SessionRest): number | undefined;
  /** The session went quiet: the connection frees its key contexts until an authenticated record wakes it. */
  park(session: SessionRest, now: number): void;
}

/** The sweep's calls ({@link RestCalls}), made once by SessionRest. */
export let restCalls!: RestCalls;

/**
 * A session at rest: parked (key contexts freed) when quiet, hibernated (kept as a frozen string) when also at rest;
 * thawed when something needs the connection, woken by an authenticated record. The base of DtlsSession.
 */
export abstract class SessionRest {
  /** The connection while it is not hibernated (undefined too before a client's is made). */
  protected live: Connection | undefined;
  /** The session while hibernated ({@link park}), and when its peer last authenticated a record then. */
  protected frozen: FrozenSession | undefined;
  private frozenAuthenticated: number | undefined;
  /** The stats last read off {@link frozen}, until the job that read them ends (or the thaw). */
  private frozenStats: { readonly frozen: FrozenSession; readonly stats: ConnectionStats } | undefined;
  /** When a parked session was last thawed without waking (so it may rest again), if it was. */
  private restlessSince: number | undefined;
  /** Parked ({@link park}) and not woken by an authenticated record since. */
  protected parked = false;
  private parkedAt: number | undefined;
  /** A server session's listener (undefined for a client's: it parks but never hibernates). */
  protected readonly owner: SessionOwnerOf<this> | undefined;
  /** When the session was made (monotonic ms: the clock the connection runs on). */
  private readonly createdAt = performance.now();

  constructor(owner: SessionOwnerOf<SessionRest> | undefined) {
    this.owner = owner;
  }

  static {
    restCalls = {
      lastAuthenticated: (s) => s.lastAuthenticated,
      isParked: (s) => s.parked,
      isHibernated: (s) => s.frozen !== undefined,
      thawedAt: (s) => s.restlessSince,
      hibernationDeferredSince: (s) => s.hibernationDeferredSince,
      park: (s, now) => s.park(now),
    };
  }

  /** Runs a call into the connection; if it throws, the session ends with that error and false is returned. */
  protected abstract guard(call: () => void): boolean;
  /** @internal Whether the connection has ended (closed, failed or aborted). */
  abstract get isEnded(): boolean;
  /** Whether anything is under way outside the connection (a timer, sends, events being handed out, old paths). */
  protected abstract get underWay(): boolean;
  /** The session hibernated: what it held for the connection's work may go. */
  protected abstract rested(): void;

  /** The sans-I/O connection (a hibernated one is thawed first: its owner makes it again). */
  protected get current(): Connection {
    return this.live ?? this.thaw();
  }

  private thaw(): Connection {
    const frozen = this.frozen;
    const owner = this.owner;
    if (frozen === undefined || owner === undefined)
      throw new Error('a session with neither a connection nor a hibernated session');
    const live = owner.thaw(this, frozen, performance.now());
    this.live = live;
    this.frozen = undefined;
    this.frozenAuthenticated = undefined;
    this.frozenStats = undefined;
    if (this.parked && !this.isEnded) {
      this.restlessSince = performance.now();
      owner.sessionThawed(this);
    }
    return live;
  }

  /** When a session that could hibernate but was not at rest last parked (parking again may let it go). */
  private get hibernationDeferredSince(): number | undefined {
    const live = this.live;
    if (!this.parked || live === undefined || this.owner === undefined || !live.canHibernate) return undefined;
    return this.parkedAt;
  }

  /** The connection's stats; a hibernated session's decoded from its frozen form and kept only until this job ends. */
  protected get connectionStats(): ConnectionStats | undefined {
    const frozen = this.frozen;
    if (frozen === undefined) return this.live?.stats;
    if (this.frozenStats?.frozen === frozen) return this.frozenStats.stats;
    const read = { frozen, stats: DtlsConnection.frozenStats(frozen) };
    this.frozenStats = read;
    queueMicrotask(() => {
      if (this.frozenStats === read) this.frozenStats = undefined;
    });
    return read.stats;
  }

  /** When the peer last sent an authenticated record, else when the session was made (monotonic ms). */
  private get lastAuthenticated(): number {
    if (this.live === undefined) return this.frozenAuthenticated ?? this.createdAt;
    return this.live.lastAuthenticatedReceive ?? this.createdAt;
  }

  /** The session went quiet: the connection frees its key contexts until an authenticated record wakes it. */
  private park(now: number): void {
    const live = this.live;
    if (this.isEnded || live === undefined) return;
    this.parked = true;
    this.parkedAt = now;
    this.restlessSince = undefined;
    if (this.guard(() => live.park(now))) this.hibernate(live, now);
  }

  /** After parking: a connection at rest, nothing under way, an owner that thaws: kept as a frozen string. */
  private hibernate(live: Connection, now: number): void {
    if (this.owner === undefined || !live.canHibernate || this.underWay) return;
    let frozen: FrozenSession | undefined;
    if (!this.guard(() => (frozen = live.hibernate(now)))) return;
    if (frozen === undefined) return;
    this.frozenAuthenticated = live.lastAuthenticatedReceive;
    this.frozen = frozen;
    this.live = undefined;
    this.rested();
  }

  /** Whether a datagram at a hibernated session holds anything new and authentic for it (else it stays hibernated). */
  protected thawsFor(frozen: FrozenSession, datagram: Uint8Array): boolean {
    const owner = this.owner;
    if (owner === undefined) return true;
    let kept: FrozenSession | undefined;
    if (!this.guard(() => (kept = owner.screen(this, frozen, datagram)))) return false;
    if (kept === undefined) return true;
    this.frozen = kept;
    return false;
  }

  /** An authenticated record came to a parked session: it is awake again, and its owner hears of it. */
  protected woke(): void {
    this.parked = false;
    this.restlessSince = undefined;
    this.owner?.sessionWoke(this);
  }
}
