import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Connection } from '../shared/connection-api.js';
import type { ConnectionEvent } from '../shared/events.js';
import { IPV4_SAFE_DATAGRAM, IPV6_SAFE_DATAGRAM, PeerPaths, pathOf, type RemoteAddress } from '../node/peer-paths.js';
import { Transport } from '../node/transport.js';
import { advanceReceiveTurn, receiveTurnNow, settleAtTurnEnd, type TurnSettler } from '../node/receive-turn.js';
import type { DatagramIo } from '../node/datagram-io.js';
import { SessionPlace } from '../node/session-place.js';
import { describeFailure, type SessionEnding } from './session-failure.js';
import { SessionRest } from './session-rest.js';
import type { FrozenSession } from '../shared/hibernation.js';
import type { SessionAddress, SessionCloseReason } from './session-types.js';

/** Milliseconds on the monotonic clock the connection runs on (the listener's and its sweep's time too). */
export function sessionNow(): number {
  return performance.now();
}

/** What a send's callback hears of its datagrams: the error the socket refused one with, or undefined when all left. */
export type SentWaiter = (refused: Error | undefined) => void;

/** Tells each waiter in a microtask of its own: what one throws does not keep the others from hearing. */
function tellWaiters(waiters: readonly SentWaiter[], refused: Error | undefined): void {
  for (const w of waiters) queueMicrotask(() => w(refused));
}

/** Where a session's peer is before it is known (a client's name not resolved yet). */
const NOWHERE: RemoteAddress = { address: '', port: 0 };

/** What a server session tells the part of its listener that handed it out. */
export interface SessionSide<S> {
  /** The session has settled its promises: it is no longer one the listener's close or destroy ends. */
  sessionEnded(driver: SessionDriver<S>): void;
  /** An application callback ended the session (`duringHandshake`: before it opened). */
  callbackFailed(error: Error, driver: SessionDriver<S>, duringHandshake: boolean): void;
}

/**
 * What a server session tells its listener (`S`: the session the driver drives, a parameter so this file imports none
 * of it): one owner for all the listener's sessions, each call naming the session's driver. A client's session has none.
 */
export interface SessionOwner<S> {
  /** Each event but application data, before the session's own handling. */
  sessionEvent(driver: SessionDriver<S>, e: ConnectionEvent): void;
  /** The session's connection ended (closed, failed, aborted; `crashed`: by what it threw): out of the demux, admission and resting. */
  connectionEnded(driver: SessionDriver<S>, crashed: boolean): void;
  /** The listener's part that hands its sessions out, told of them by the session itself. */
  readonly side: SessionSide<S>;
  /** A parked session ({@link SessionDriver.park}) took an authenticated record: it is awake again. */
  sessionWoke(driver: SessionDriver<S>): void;
  /** Makes a connection again of a session it hibernated (on the configuration it was made with). */
  thaw(driver: SessionDriver<S>, frozen: FrozenSession, now: number): Connection;
  /** A datagram screened without a thaw: the session kept again, or undefined: thaw for it. */
  screen(driver: SessionDriver<S>, frozen: FrozenSession, datagram: Uint8Array): FrozenSession | undefined;
  /** A hibernated session was thawed without waking (a call on its connection): it may rest again. */
  sessionThawed(driver: SessionDriver<S>): void;
}

/**
 * One DTLS connection driven over a UDP socket, the part of a DtlsSession that moves it: datagrams in ({@link deliver}),
 * its datagrams out, one real timer ({@link pump}), its events handed to the owner and the session; time is
 * `performance.now()`. It keeps the session's rest ({@link SessionRest}) and decides when it parks and thaws. Nothing
 * the connection throws escapes a socket handler or timer: the session fails with internal_error.
 *
 * The session is told of events, of the end and of a client's socket failing through three of its own methods, handed
 * over once with the session ({@link serve}) and called with it as `this`: no closure per session.
 */
export class SessionDriver<S = unknown> implements TurnSettler {
  /** The peer's address: where datagrams go (it changes when a server's session migrates, RFC 9853). */
  remote: RemoteAddress;
  /** Where the session sits in its transport's demux (a client's: at its server's address) and a listener's admission. */
  readonly place = new SessionPlace();
  readonly rest: SessionRest;
  /** A server session's listener (undefined for a client's: it parks but never hibernates). */
  readonly owner: SessionOwner<S> | undefined;
  session!: S;
  private onEvent!: (this: S, e: ConnectionEvent) => void;
  private onEnd!: (this: S) => void;
  private onFail!: (this: S, error: Error, portUnreachable: boolean) => void;
  /** Client: moves the session to a new local UDP port (connect.ts sets it). */
  rebinder: ((address?: string) => Promise<SessionAddress>) | undefined = undefined;
  /** The error the session was ended with from here (destroy's, DNS, ICMP, a timeout); a written send reports it. */
  failedWith: Error | undefined = undefined;
  /** The peer's other paths (addresses by path name, sockets a client left): made when a second path shows up or the client rebinds. */
  private paths: PeerPaths | undefined;
  /** The UDP socket this session sends on (a server's is shared by all its clients); undefined until {@link drive}. */
  private socket: Socket | undefined;
  private io: DatagramIo | undefined;
  /** The socket is connected to the peer (a client's, so ICMP errors reach it): datagrams are sent without an address. */
  private socketConnected = false;
  /**
   * The socket is the session's own (a client's): closed once the session ended and what it sent left. Once that close
   * is under way, the promise of it ({@link socketClosed}): one field either way.
   */
  private ownsSocket: boolean | Promise<void> = false;
  private internalError: unknown = undefined;
  private pendingSends = 0;
  private readonly flushWaiters: (() => void)[] = [];
  /** A pump is handing the connection's events out: a pump inside it (a handler calling back in) leaves them to it, so they keep their order. */
  private dispatching = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  /** Why the connection ended, once it has; the error is built from it only when someone needs it. */
  private ending: SessionEnding | undefined;
  /** The callback of the sends in flight, made with the first and let go once none is left (an idle session holds none). */
  private onSent: ((error?: Error | null) => void) | undefined;
  /** A pump queued for the end of the turn ({@link queuePump}: a turn's records leave in one system call). */
  private pumpQueued = false;
  /** A receive turn delivered to the session: its sends, timer and events other than data wait for the turn's end. */
  private turnPending = false;
  /** What waits to hear of the datagrams the next pump sends: the callbacks of sends sealed in this turn ({@link whenWritten}). */
  private turnWaiters: SentWaiter[] | undefined;
  /** The sender of the last datagram routed by CID, and its path name ({@link cameFrom}). */
  private lastFrom: RemoteAddress | undefined;
  private lastFromPath = '';
  /** {@link sendTime}'s reading, and whether it was read since the connection's sends were last polled. */
  private turnAt = 0;
  private turnTimed = false;
  /** The largest datagram the path carries once it said ours were too large ({@link pathMtuExceeded}); else Infinity. */
  pathDatagramLimit = Infinity;

  constructor(remote: RemoteAddress | undefined, owner: SessionOwner<S> | undefined) {
    this.remote = remote ?? NOWHERE;
    this.owner = owner;
    this.rest = new SessionRest();
  }

  /**
   * Drives for `session`: `handle` hears each event (after the owner), `ended` the end (a microtask after, as a
   * reaction to a promise would run), `failed` a client's socket or name failing; each is called with `session` as `this`.
   */
  serve(
    session: S,
    handle: (this: S, e: ConnectionEvent) => void,
    ended: (this: S) => void,
    failed: (this: S, error: Error, portUnreachable: boolean) => void,
  ): void {
    this.session = session;
    this.onEvent = handle;
    this.onEnd = ended;
    this.onFail = failed;
  }

  /** Drives `connection` over `socket` to `remote`; `client`: the socket is its own and connected. */
  drive(connection: Connection, socket: Socket, remote: RemoteAddress, client?: { readonly connected: boolean }): void {
    this.rest.live = connection;
    this.socket = socket;
    this.io = Transport.of(socket).datagrams;
    this.remote = remote;
    this.socketConnected = client?.connected === true;
    this.ownsSocket = client !== undefined;
  }

  /** Whether {@link drive} gave the session a connection. */
  get driven(): boolean {
    return this.io !== undefined;
  }

  get placed(): boolean {
    return this.remote !== NOWHERE;
  }

  /** The socket the session sends on (a client's current one: rebind replaces it). */
  get currentSocket(): Socket | undefined {
    return this.socket;
  }

  get isEnded(): boolean {
    return this.ending !== undefined;
  }

  get endedBy(): SessionEnding | undefined {
    return this.ending;
  }

  /** The sans-I/O connection (a hibernated one is thawed first: its owner makes it again). */
  get current(): Connection {
    return this.rest.live ?? this.thaw();
  }

  /** The connection once driven (tests and the listener look below the session). */
  get connection(): Connection | undefined {
    return this.driven ? this.current : undefined;
  }

  get sentFailure(): Error | undefined {
    return this.ending !== undefined ? this.failedWith : undefined;
  }

  /** Whether anything is under way outside the connection (a timer, sends, events being handed out, old paths). */
  private get underWay(): boolean {
    return (
      this.timer !== undefined ||
      this.pumpQueued ||
      this.turnPending ||
      this.dispatching ||
      this.pendingSends > 0 ||
      this.turnWaiters !== undefined ||
      (this.paths !== undefined && !this.paths.atRest)
    );
  }

  private thaw(): Connection {
    const frozen = this.rest.frozen;
    const owner = this.owner;
    if (frozen === undefined || owner === undefined)
      throw new Error('a session with neither a connection nor a hibernated session');
    const live = owner.thaw(this, frozen, performance.now());
    if (this.rest.thawed(live, this.ending !== undefined)) owner.sessionThawed(this);
    return live;
  }

  /** When a session that could hibernate but was not at rest last parked (parking again may let it go). */
  get hibernationDeferredSince(): number | undefined {
    return this.rest.hibernationDeferredSince(this.owner !== undefined);
  }

  /**
   * The session went quiet: the connection frees its key contexts until an authenticated record wakes it; with an
   * owner that thaws, at rest and nothing under way, it is kept as a frozen string.
   */
  park(now: number): void {
    const live = this.rest.live;
    if (this.ending !== undefined || live === undefined) return;
    const rest = this.rest;
    if (!this.guard(() => rest.park(live, now))) return;
    if (this.owner === undefined || !live.canHibernate || this.underWay) return;
    let hibernated = false;
    if (!this.guard(() => (hibernated = rest.hibernate(live, now))) || !hibernated) return;
    // No check is under way (the connection is at rest): the addresses other paths came from are not needed for probes.
    this.paths = undefined;
    // The queue grew during the handshake and is empty: it lets go of its backing store.
    if (this.flushWaiters.length === 0) this.flushWaiters.length = 0;
  }

  /** Whether a datagram at a hibernated session holds anything new and authentic for it (else it stays hibernated). */
  private thawsFor(frozen: FrozenSession, datagram: Uint8Array): boolean {
    const owner = this.owner;
    if (owner === undefined) return true;
    let kept: FrozenSession | undefined;
    if (!this.guard(() => (kept = owner.screen(this, frozen, datagram)))) return false;
    if (kept === undefined) return true;
    this.rest.frozen = kept;
    return false;
  }

  /** Client: sends the ClientHello. */
  startHandshake(): void {
    if (this.ending) return;
    if (this.guard(() => this.current.connect(performance.now()))) this.pump();
  }

  /** Client: its socket or its server's name failed (`portUnreachable`: ICMP, ECONNREFUSED); the session decides. */
  fail(error: Error, portUnreachable = false): void {
    this.onFail.call(this.session, error, portUnreachable);
  }

  /**
   * Hands a datagram (`from`: when routed by CID) to the connection; true if a record authenticated. Inside a receive
   * turn (runtime/node/receive-turn.ts) the clock is the turn's and the pump waits for the turn's end, its messages
   * handed out at once ({@link afterReceive}); outside one, the clock is read and the pump runs now.
   */
  deliver(datagram: Uint8Array, from?: RemoteAddress, path?: string): boolean {
    if (this.ending !== undefined || this.io === undefined) return false;
    const turnNow = receiveTurnNow();
    let now = turnNow ?? performance.now();
    const rest = this.rest;
    if (rest.frozen !== undefined && !this.thawsFor(rest.frozen, datagram)) return false;
    const fromPath = from === undefined ? undefined : from === this.lastFrom ? this.lastFromPath : this.cameFrom(from);
    const p = fromPath ?? path;
    let connection: Connection;
    try {
      connection = rest.live ?? this.current; // the getter only for a hibernated session: no call per datagram
      // Whether a record of this datagram authenticated is read below as `lastAuthenticatedReceive === now`: where it
      // matters (a datagram routed by CID, a parked session) and an earlier one of the turn authenticated at the turn's
      // reading, this datagram reads the clock itself, and the turn goes on from there.
      if (turnNow !== undefined && (from !== undefined || rest.parked) && connection.lastAuthenticatedReceive === now) {
        now = performance.now();
        advanceReceiveTurn(now);
      }
      connection.receive(datagram, now, p); // guarded inline, not through guard(): no closure per datagram
    } catch (e) {
      this.crash(e);
      return false;
    }
    const authenticated = connection.lastAuthenticatedReceive === now;
    if (from !== undefined && fromPath !== undefined) this.cameOver(from, fromPath, authenticated);
    if (path !== undefined) this.paths?.graceAfter(path, connection.path, connection.lastAuthenticatedReceive);
    if (authenticated && rest.parked) {
      rest.woke();
      this.owner?.sessionWoke(this);
    }
    this.afterReceive(turnNow !== undefined);
    return authenticated;
  }

  /**
   * The run road (runtime/node/transport.ts): the datagram the receive batch is at (`at`, `length` in `buffer`), placed
   * here by its address or (`from`) its CID, handed to the connection without a view of it ({@link Connection.receiveNext}) when the session
   * is live in a receive turn; then what {@link deliver} does after the connection read it. False, nothing done: the
   * transport delivers it.
   */
  deliverNext(buffer: Uint8Array, at: number, length: number, path?: string, from?: RemoteAddress): boolean {
    const connection = this.rest.live;
    const rest = this.rest;
    if (this.ending !== undefined || this.io === undefined || connection?.receiveNext === undefined) return false;
    const now = receiveTurnNow();
    if (now === undefined || rest.frozen !== undefined || rest.parked) return false;
    // Routed by CID: from the sender of the run's first datagram, whose path deliver named (one GRO run, one sender).
    if (from !== undefined && from !== this.lastFrom) return false;
    const fromPath = from === undefined ? undefined : this.lastFromPath;
    try {
      if (!connection.receiveNext(buffer, at, length, now, fromPath ?? path)) return false;
    } catch (e) {
      this.crash(e);
      return true;
    }
    if (from !== undefined && fromPath !== undefined) this.cameOver(from, fromPath, true);
    if (path !== undefined) this.paths?.graceAfter(path, connection.path, connection.lastAuthenticatedReceive);
    this.afterReceive(true);
    return true;
  }

  /**
   * A datagram routed by CID came from `from` (`fromPath`). Its paths are made when a second shows up, with the peer's
   * own first (a session that never sees another keeps no map: what it would hold, the peer's path, is `remote`).
   * After the connection read it: whether a record authenticated decides which addresses it may push out; what the
   * connection queued leaves in the pump after.
   */
  private cameOver(from: RemoteAddress, fromPath: string, authenticated: boolean): void {
    if (this.paths?.tracksAddresses !== true && from.address === this.remote.address && from.port === this.remote.port)
      this.remote = from;
    else (this.paths ??= new PeerPaths()).cameFrom(fromPath, from, this.remote, authenticated);
  }

  /** The receive turn that delivered to the session ended: what its datagrams left to send goes, the timer is set. */
  settleTurn(): void {
    this.turnPending = false;
    this.pump();
  }

  /** `from`'s path name, kept with it: the transport hands the same object while datagrams come from one sender. */
  private cameFrom(from: RemoteAddress): string {
    this.lastFrom = from;
    return (this.lastFromPath = pathOf(from));
  }

  /**
   * Client: our datagrams leave from `socket` (`path`) now. The old socket stays open until an authenticated record
   * arrives on the new one and `graceMs` more: the server may still send there (RFC 9853 §5.2).
   */
  moveSocket(socket: Socket, path: string, oldPath: string, graceMs = 2000): void {
    const old = this.socket;
    if (this.ending || old === undefined) return;
    (this.paths ??= new PeerPaths()).rebind(old, path, oldPath, graceMs, this.current.lastAuthenticatedReceive);
    this.socket = socket;
    this.io = Transport.of(socket).datagrams;
    if (this.guard(() => this.current.rebind(path))) this.pump();
  }

  /** Runs `call` on the connection (not when ended or not driven yet), then sends what it queued; what it throws ends the session. */
  apply(call: (connection: Connection, now: number) => void): void {
    if (this.ending || !this.driven) return;
    if (this.guard(() => call(this.current, performance.now()))) this.pump();
  }

  /** Runs `call` on the connection, then sends what it queued; what it throws is the caller's (a state error). */
  direct<T>(call: (connection: Connection, now: number) => T): T {
    const result = call(this.current, performance.now());
    this.pump();
    return result;
  }

  flushedOut(): Promise<void> {
    if (this.pumpQueued || this.turnPending) this.pump();
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Sends close_notify and stops the timer; the connection ends (a listener closing, an idle session). */
  shut(): void {
    if (this.ending) return;
    if (this.guard(() => this.current.close())) this.pump();
    if (!this.ending) this.end('local', undefined, 'closed locally');
  }

  /** Ends the connection at once without a close_notify; awaiting callers get `message`. */
  abort(reason: 'timeout' | 'local' | 'replaced', message: string): void {
    this.end(reason, undefined, message);
  }

  /** One callback for every send in flight; a send error is a loss, except EMSGSIZE ({@link pathMtuExceeded}). */
  private sending(count: number): (error?: Error | null) => void {
    this.pendingSends += count;
    return (this.onSent ??= this.sentCallback());
  }

  /**
   * `waiter` hears what became of the datagrams that carry this turn's records, once all have left: the error the
   * socket gave one of them (refused: EMSGSIZE, ENOBUFS...), else undefined. A turn's records share datagrams, so a
   * refusal is told to every send of the turn. Told in a microtask of its own, also when the session ends first.
   */
  whenWritten(waiter: SentWaiter): void {
    if (this.ending) return tellWaiters([waiter], undefined);
    (this.turnWaiters ??= []).push(waiter);
    this.queuePump();
  }

  /**
   * The time a send of this turn is given (what times a KeyUpdate the send starts): inside a receive turn the turn's
   * reading (receive-turn.ts); else the clock read once, at the first send after a pump, not once per send of a burst.
   */
  sendTime(): number {
    const inTurn = receiveTurnNow();
    if (inTurn !== undefined) return inTurn;
    if (!this.turnTimed) {
      this.turnAt = performance.now();
      this.turnTimed = true;
    }
    return this.turnAt;
  }

  /** Pumps at the end of the turn: every record sealed in it leaves in one system call (one closure per turn that sends). */
  queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      if (this.pumpQueued) this.pump();
    });
  }

  /** The callback of a pump's `count` datagrams when sends wait on them: the shared one's work, then the waiters told. */
  private toldWhenSent(count: number, waiters: readonly SentWaiter[]): (error?: Error | null) => void {
    const shared = (this.onSent ??= this.sentCallback());
    let left = count;
    let refused: Error | undefined;
    return (error) => {
      if (error) refused ??= error;
      shared(error);
      if (--left === 0) tellWaiters(waiters, refused);
    };
  }

  private sentCallback(): (error?: Error | null) => void {
    return (error) => {
      if ((error as NodeJS.ErrnoException | null | undefined)?.code === 'EMSGSIZE') this.pathMtuExceeded();
      if (this.pendingSends > 0 && --this.pendingSends > 0) return; // 0 already: a crash settled it (crash)
      this.onSent = undefined;
      if (this.flushWaiters.length > 0) for (const f of this.flushWaiters.splice(0)) f();
    };
  }

  /**
   * The path cannot carry our datagrams (ICMP fragmentation-needed, EMSGSIZE): from now on what every path carries, 548
   * bytes over IPv4 and 1,232 over IPv6 (RFC 9147 §4.4); node:dgram does not give the kernel's figure.
   */
  pathMtuExceeded(): void {
    const size = this.remote.address.includes(':') ? IPV6_SAFE_DATAGRAM : IPV4_SAFE_DATAGRAM;
    // One send() is one record in one datagram: what it takes follows (DtlsSession.maxMessageSize).
    if (size < this.pathDatagramLimit) this.pathDatagramLimit = size;
    if (this.driven) this.guard(() => this.current.pathMtuExceeded(size));
  }

  private guard(call: () => void): boolean {
    try {
      call();
      return true;
    } catch (e) {
      this.crash(e);
      return false;
    }
  }

  private crash(e: unknown): void {
    if (this.ending) return;
    this.internalError = e;
    // A send that threw had its datagrams counted as pending, and nothing calls back for them: what waits for the flush
    // (a client's socket close) goes on now, or the socket stays open and keeps the process alive.
    this.pendingSends = 0;
    for (const f of this.flushWaiters.splice(0)) f();
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.end('failed', 'internal_error', `internal_error: the connection threw ${what}`, e);
  }

  /**
   * Sends what the connection has to send and re-arms the timer (guarded), then hands out its events outside the guard
   * (an application's exception is its own); a handler's nested pump sends but leaves the events to this one.
   */
  pump(): void {
    this.pumpQueued = false;
    if (this.ending || !this.transmit()) return;
    if (this.dispatching) return; // the outer pump hands the events out, in order
    this.handOutEvents(false);
  }

  /**
   * After a datagram the connection read: outside a receive turn, the pump now. Inside one, the pump waits for the
   * turn's end, and the datagram's messages go to the session at once, one by one as they came (a 'batch' message is
   * never queued behind another of its ArrayBuffer: wire/message-arena.ts); at the first event that is not data, the
   * pump's sends and timer first, as {@link pump} would, then that event and the rest.
   */
  private afterReceive(inTurn: boolean): void {
    if (this.turnPending || (inTurn && settleAtTurnEnd(this))) {
      this.turnPending = true;
      if (!this.dispatching) this.handOutEvents(true);
    } else this.pump();
  }

  /** The pump's first half: what the connection has to send, sent; the timer armed. False when the connection threw. */
  private transmit(): boolean {
    this.turnTimed = false;
    let at: number | undefined;
    try {
      const connection = this.rest.live ?? this.current;
      const out: Uint8Array[] = [];
      const count = connection.pollTransmitAll(out);
      // The connection may have moved the peer in this call (a check passed): what it held goes to the validated address.
      const bound = connection.path;
      const moved = bound === undefined ? undefined : this.paths?.addressOf(bound);
      if (moved !== undefined) this.remote = moved;
      const waiters = this.turnWaiters;
      if (waiters !== undefined) this.turnWaiters = undefined;
      if (count > 0) {
        const r = this.remote;
        this.pendingSends += count; // as sending() counts them, without the call
        const sent = waiters === undefined ? (this.onSent ??= this.sentCallback()) : this.toldWhenSent(count, waiters);
        this.io!.send(out, count, r.port, r.address, this.socketConnected, sent);
      } else if (waiters !== undefined) tellWaiters(waiters, undefined);
      for (let p = connection.pollPathTransmit(); p !== undefined; p = connection.pollPathTransmit())
        this.sendOnPath(p.path, p.datagram);
      at = connection.pollTimeout();
    } catch (e) {
      this.crash(e);
      return false;
    }
    if (at !== this.timerAt) this.arm(at);
    return true;
  }

  /**
   * The pump's second half: the connection's events handed out, until the queue is empty, also once a handler ended the
   * session (what the connection said before it ended is told). `dataFirst`: the sends and timer wait until an event
   * other than data comes ({@link afterReceive}). (`live`: never hibernated while dispatching, hibernate waits for it.)
   * Polling is guarded, each handler is not.
   */
  private handOutEvents(dataFirst: boolean): void {
    this.dispatching = true;
    try {
      for (;;) {
        let e: ConnectionEvent | undefined;
        try {
          e = this.rest.live?.pollEvent();
        } catch (thrown) {
          this.crash(thrown);
        }
        if (e === undefined) break;
        if (e.type === 'data') {
          this.onEvent.call(this.session, e); // data goes to the session, not through the listener
          continue;
        }
        if (dataFirst) {
          dataFirst = false;
          if (this.ending === undefined && !this.transmit()) break;
        }
        this.dispatch(e);
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** A return routability message for a path other than the current one: to the address it names, or on the socket it names. */
  private sendOnPath(path: string, datagram: Uint8Array): void {
    const paths = this.paths;
    const to =
      paths?.addressOf(path) ?? (paths?.rebound !== true && path === pathOf(this.remote) ? this.remote : undefined);
    const own = paths?.socketOf(path);
    if (to !== undefined) {
      // Through the transport as every other send (a fleet's worker may divert it: runtime/api/workers/fleet-link.ts);
      // a connected socket sends to its peer without an address (node:dgram refuses one).
      this.io!.send([datagram], 1, to.port, to.address, this.socketConnected, this.sending(1));
    } else if (own !== undefined) {
      // Through its transport, as every send of a socket the library made: the socket's Don't Fragment mode is kept there.
      Transport.of(own).datagrams.send([datagram], 1, 0, '', true, this.sending(1));
    }
  }

  /** An event other than application data: the listener hears of it before the session. */
  private dispatch(e: ConnectionEvent): void {
    if (e.type === 'pathMigrated') {
      const to = this.paths?.addressOf(e.to);
      if (to !== undefined) this.remote = to;
    }
    this.owner?.sessionEvent(this, e);
    this.onEvent.call(this.session, e);
    if (e.type === 'closed') {
      const f = this.current.failure;
      this.end(
        e.reason,
        f?.alert,
        f ? describeFailure(f) : `connection closed (${e.reason})`,
        undefined,
        f?.callbackError,
      );
    }
  }

  private arm(at: number | undefined): void {
    if (this.ending) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    // A closure per armed timer (Node's timer is an object per arming anyway), not one held for the session's life.
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(at - performance.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.ending) return;
    if (this.guard(() => this.current.handleTimeout(performance.now()))) this.pump();
  }

  private end(
    reason: SessionCloseReason,
    alert: string | undefined,
    message: string,
    cause?: unknown,
    callbackError?: unknown,
  ): void {
    if (this.ending) return;
    this.ending = { reason, alert, message, cause, callbackError };
    this.paths?.closeAll();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    const live = this.rest.live; // a hibernated session holds no keys: not thawed to free them
    if (live) this.guard(() => live.releaseKeys()); // what it had to send went out in the pump that saw it end
    this.owner?.connectionEnded(this, this.internalError !== undefined);
    if (this.ownsSocket === true) this.ownsSocket = this.flushedOut().then(() => this.closeSocket());
    const waiters = this.turnWaiters; // sealed, never sent: the session's ending is what they hear
    this.turnWaiters = undefined;
    if (waiters !== undefined) tellWaiters(waiters, undefined);
    queueMicrotask(() => this.onEnd.call(this.session));
  }

  /**
   * Resolves once the session's own socket is closed, its port free to bind again (at once for a shared socket, or
   * before the session ended). node:dgram sends, and so closes, later than the session ends.
   */
  socketClosed(): Promise<void> {
    return typeof this.ownsSocket === 'object' ? this.ownsSocket : Promise.resolve();
  }

  /** A client's socket, closed once the session ended and what it sent left (the current one: a rebind replaces the first). */
  private closeSocket(): Promise<void> {
    const socket = this.socket;
    return new Promise((resolve) => {
      try {
        if (socket === undefined) resolve();
        else socket.close(resolve);
      } catch {
        resolve(); // already closed
      }
    });
  }
}
