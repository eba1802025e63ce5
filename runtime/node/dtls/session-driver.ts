import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Connection } from '../../connection/connection-api.js';
import type { ConnectionEvent } from '../../connection/events.js';
import { IPV4_SAFE_DATAGRAM, IPV6_SAFE_DATAGRAM, PeerPaths, pathOf, type RemoteAddress } from '../peer-paths.js';
import { Transport } from '../transport.js';
import type { DatagramIo } from '../datagram-io.js';
import { SessionPlace } from '../session-place.js';
import { describeFailure, type SessionEnding } from './session-failure.js';
import type { SessionCloseReason } from './session-types.js';
import { SessionRest, type SessionOwnerOf } from './session-rest.js';

/** Milliseconds on the monotonic clock the connection runs on (the listener's and its sweep's time too). */
export function sessionNow(): number {
  return performance.now();
}

/**
 * What starts and ends a session's drive from outside it: its listener (listener-admission.ts) and a client's setup
 * (connect.ts) start it, the listener and its sweep (resting-sessions.ts) close or end it. One table for all sessions,
 * made by the class over its own members (its static block, the one place that reaches them).
 */
export interface DriverCalls {
  /** Drives `connection` over `socket` to `remote`; `client`: the socket is its own and connected. */
  drive(
    session: SessionDriver,
    connection: Connection,
    socket: Socket,
    remote: RemoteAddress,
    client?: { readonly connected: boolean },
  ): void;
  /** Sends close_notify and stops the timer; the connection ends (a listener closing, an idle session). */
  shut(session: SessionDriver): void;
  /** Ends the connection at once without a close_notify; awaiting callers get `message`. */
  abort(session: SessionDriver, reason: 'timeout' | 'local' | 'replaced', message: string): void;
}

/** The drive's calls ({@link DriverCalls}), made once by SessionDriver. */
export let driverCalls!: DriverCalls;

/** What a send's callback hears of its datagrams: the error the socket refused one with, or undefined when all left. */
export type SentWaiter = (refused: Error | undefined) => void;

/** Tells each waiter in a microtask of its own: what one throws does not keep the others from hearing. */
function tell(waiters: readonly SentWaiter[], refused: Error | undefined): void {
  for (const w of waiters) queueMicrotask(() => w(refused));
}

/** Where a session's peer is before it is known (a client's name not resolved yet). */
const NOWHERE: RemoteAddress = { address: '', port: 0 };

/**
 * One DTLS connection driven over a UDP socket (DtlsSession's base): datagrams in ({@link deliver}), its datagrams out,
 * one real timer, its events handed to the owner and the session ({@link handle}); time is `performance.now()`. Nothing
 * the connection throws escapes a socket handler or timer: the session fails with internal_error.
 */
export abstract class SessionDriver extends SessionRest {
  /** @internal The peer's address: where datagrams go (it changes when a server's session migrates, RFC 9853). */
  remote: RemoteAddress;
  /** The peer's other paths (addresses by path name, sockets a client left): made when a second path shows up or the client rebinds. */
  private paths: PeerPaths | undefined;
  /** The UDP socket this session sends on (a server's is shared by all its clients); undefined until {@link drive}. */
  private socket: Socket | undefined;
  /** The socket's datagram I/O (its transport's): the session's way out. */
  private io: DatagramIo | undefined;
  /** The socket is connected to the peer (a client's, so ICMP errors reach it): datagrams are sent without an address. */
  private socketConnected = false;
  /** Closes the socket once the session ended and what it sent left (a client's own socket). */
  private ownsSocket = false;
  /** What the connection threw, when that ended the session. */
  private internalError: unknown = undefined;
  private pendingSends = 0;
  private readonly flushWaiters: (() => void)[] = [];
  /** A pump is handing the connection's events out: a pump inside it (a handler calling back in) leaves them to it, so they keep their order. */
  private dispatching = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  /** Why the connection ended, once it has; the error is built from it only when someone needs it. */
  protected endedBy: SessionEnding | undefined;
  /** The callback of the sends in flight, made with the first and let go once none is left (an idle session holds none). */
  private onSent: ((error?: Error | null) => void) | undefined;
  /** A pump queued for the end of the turn (DtlsSession.send: a turn's records leave in one system call). */
  protected pumpQueued = false;
  /** What waits to hear of the datagrams the next pump sends: the callbacks of sends sealed in this turn ({@link whenWritten}). */
  private turnWaiters: SentWaiter[] | undefined;
  /** The largest datagram the path carries once it said ours were too large ({@link pathMtuExceeded}); else Infinity. */
  protected pathDatagramLimit = Infinity;

  /** @internal Where a listener's session sits in its transport's demux and its admission (the listener sets it; a client's is never placed). */
  readonly place = new SessionPlace();

  constructor(remote: RemoteAddress | undefined, owner: SessionOwnerOf<SessionRest> | undefined) {
    super(owner);
    this.remote = remote ?? NOWHERE;
  }

  /** An event of the connection, handed out by the pump after the owner heard of it. */
  protected abstract handle(e: ConnectionEvent): void;
  /** The connection ended (a microtask after, as a reaction to a promise would run). */
  protected abstract connectionEnded(): void;

  static {
    driverCalls = {
      drive: (s, connection, socket, remote, client) => s.drive(connection, socket, remote, client),
      shut: (s) => s.shut(),
      abort: (s, reason, message) => s.abort(reason, message),
    };
  }

  /** Drives `connection` over `socket` to `remote`; `client`: the socket is its own and connected. */
  private drive(
    connection: Connection,
    socket: Socket,
    remote: RemoteAddress,
    client?: { readonly connected: boolean },
  ): void {
    this.live = connection;
    this.socket = socket;
    this.io = Transport.of(socket).datagrams;
    this.remote = remote;
    this.socketConnected = client?.connected === true;
    this.ownsSocket = client !== undefined;
  }

  /** Whether {@link drive} gave the session a connection. */
  protected get driven(): boolean {
    return this.io !== undefined;
  }

  /** Whether the peer's address is known. */
  protected get placed(): boolean {
    return this.remote !== NOWHERE;
  }

  /** The socket the session sends on (a client's current one: rebind replaces it). */
  protected get currentSocket(): Socket | undefined {
    return this.socket;
  }

  /** @internal Whether the connection has ended (closed, failed or aborted). */
  get isEnded(): boolean {
    return this.endedBy !== undefined;
  }

  protected get underWay(): boolean {
    return (
      this.timer !== undefined ||
      this.pumpQueued ||
      this.dispatching ||
      this.pendingSends > 0 ||
      this.turnWaiters !== undefined ||
      (this.paths !== undefined && !this.paths.atRest)
    );
  }

  protected rested(): void {
    // No check is under way (the connection is at rest): the addresses other paths came from are not needed for probes.
    this.paths = undefined;
    // The queue grew during the handshake and is empty: it lets go of its backing store.
    if (this.flushWaiters.length === 0) this.flushWaiters.length = 0;
  }

  /** Client: sends the ClientHello. */
  protected startHandshake(): void {
    if (this.endedBy) return;
    if (this.guard(() => this.current.connect(performance.now()))) this.pump();
  }

  /** @internal Hands a datagram (`from`: when routed by CID) to the connection; true if a record authenticated. */
  deliver(datagram: Uint8Array, from?: RemoteAddress, path?: string): boolean {
    if (this.endedBy !== undefined || this.io === undefined) return false;
    const now = performance.now();
    if (this.frozen !== undefined && !this.thawsFor(this.frozen, datagram)) return false;
    const fromPath = from === undefined ? undefined : pathOf(from);
    const p = fromPath ?? path;
    let connection: Connection;
    try {
      connection = this.live ?? this.current; // the getter only for a hibernated session: no call per datagram
      connection.receive(datagram, now, p); // guarded inline, not through guard(): no closure per datagram
    } catch (e) {
      this.crash(e);
      return false;
    }
    const authenticated = connection.lastAuthenticatedReceive === now;
    if (from !== undefined && fromPath !== undefined) {
      // Made when a second path shows up, with the peer's own first (a session that never sees another keeps no map:
      // what it would hold, the peer's path, is `remote`). After the connection read it: whether a record authenticated
      // decides which addresses it may push out; what the connection queued leaves in the pump below.
      if (
        this.paths?.tracksAddresses !== true &&
        from.address === this.remote.address &&
        from.port === this.remote.port
      )
        this.remote = from;
      else (this.paths ??= new PeerPaths()).cameFrom(fromPath, from, this.remote, authenticated);
    }
    if (path !== undefined) this.paths?.graceAfter(path, connection.path, connection.lastAuthenticatedReceive);
    if (authenticated && this.parked) this.woke();
    this.pump();
    return authenticated;
  }

  /**
   * Client: our datagrams leave from `socket` (`path`) now. The old socket stays open until an authenticated record
   * arrives on the new one and `graceMs` more: the server may still send there (RFC 9853 §5.2).
   */
  protected moveSocket(socket: Socket, path: string, oldPath: string, graceMs = 2000): void {
    const old = this.socket;
    if (this.endedBy || old === undefined) return;
    (this.paths ??= new PeerPaths()).rebind(old, path, oldPath, graceMs, this.current.lastAuthenticatedReceive);
    this.socket = socket;
    this.io = Transport.of(socket).datagrams;
    if (this.guard(() => this.current.rebind(path))) this.pump();
  }

  /** Runs `call` on the connection (not when ended or not driven yet), then sends what it queued; what it throws ends the session. */
  protected apply(call: (connection: Connection, now: number) => void): void {
    if (this.endedBy || !this.driven) return;
    if (this.guard(() => call(this.current, performance.now()))) this.pump();
  }

  /** Runs `call` on the connection, then sends what it queued; what it throws is the caller's (a state error). */
  protected direct<T>(call: (connection: Connection, now: number) => T): T {
    const result = call(this.current, performance.now());
    this.pump();
    return result;
  }

  /** Resolves once every datagram sent so far has left the socket. */
  protected flushedOut(): Promise<void> {
    if (this.pumpQueued) this.pump();
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Sends close_notify and stops the timer; the connection ends (a listener closing, an idle session). */
  protected shut(): void {
    if (this.endedBy) return;
    if (this.guard(() => this.current.close())) this.pump();
    if (!this.endedBy) this.end('local', undefined, 'closed locally');
  }

  /** Ends the connection at once without a close_notify; awaiting callers get `message`. */
  protected abort(reason: 'timeout' | 'local' | 'replaced', message: string): void {
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
  protected whenWritten(waiter: SentWaiter): void {
    if (this.endedBy) return tell([waiter], undefined);
    (this.turnWaiters ??= []).push(waiter);
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      queueMicrotask(() => {
        if (this.pumpQueued) this.pump();
      });
    }
  }

  /** The callback of a pump's `count` datagrams when sends wait on them: the shared one's work, then the waiters told. */
  private toldWhenSent(count: number, waiters: readonly SentWaiter[]): (error?: Error | null) => void {
    const shared = (this.onSent ??= this.sentCallback());
    let left = count;
    let refused: Error | undefined;
    return (error) => {
      if (error) refused ??= error;
      shared(error);
      if (--left === 0) tell(waiters, refused);
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
  protected pathMtuExceeded(): void {
    const size = this.remote.address.includes(':') ? IPV6_SAFE_DATAGRAM : IPV4_SAFE_DATAGRAM;
    // One send() is one record in one datagram: what it takes follows (DtlsSession.maxMessageSize).
    if (size < this.pathDatagramLimit) this.pathDatagramLimit = size;
    if (this.driven) this.guard(() => this.current.pathMtuExceeded(size));
  }

  protected guard(call: () => void): boolean {
    try {
      call();
      return true;
    } catch (e) {
      this.crash(e);
      return false;
    }
  }

  private crash(e: unknown): void {
    if (this.endedBy) return;
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
  protected pump(): void {
    this.pumpQueued = false;
    if (this.endedBy) return;
    let at: number | undefined;
    try {
      const connection = this.live ?? this.current;
      const out: Uint8Array[] = [];
      for (let d = connection.pollTransmit(); d !== undefined; d = connection.pollTransmit()) out.push(d);
      // The connection may have moved the peer in this call (a check passed): what it held goes to the validated address.
      const bound = connection.path;
      const moved = bound === undefined ? undefined : this.paths?.addressOf(bound);
      if (moved !== undefined) this.remote = moved;
      const count = out.length;
      const waiters = this.turnWaiters;
      if (waiters !== undefined) this.turnWaiters = undefined;
      if (count > 0) {
        const r = this.remote;
        this.pendingSends += count; // as sending() counts them, without the call
        const sent = waiters === undefined ? (this.onSent ??= this.sentCallback()) : this.toldWhenSent(count, waiters);
        this.io!.send(out, count, r.port, r.address, this.socketConnected, sent);
      } else if (waiters !== undefined) tell(waiters, undefined);
      for (let p = connection.pollPathTransmit(); p !== undefined; p = connection.pollPathTransmit())
        this.sendOnPath(p.path, p.datagram);
      at = connection.pollTimeout();
    } catch (e) {
      this.crash(e);
      return;
    }
    if (at !== this.timerAt) this.arm(at);
    if (this.dispatching) return; // the outer pump hands the events out, in order
    this.dispatching = true;
    try {
      // Until the queue is empty, also once a handler ended the session: what the connection said before it ended is
      // told. (`live`: never hibernated while dispatching, hibernate waits for it.) Polling is guarded, each handler is
      // not.
      for (;;) {
        let e: ConnectionEvent | undefined;
        try {
          e = this.live?.pollEvent();
        } catch (thrown) {
          this.crash(thrown);
        }
        if (e === undefined) break;
        if (e.type === 'data')
          this.handle(e); // data goes to the session, not through the listener
        else this.dispatch(e);
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
      // Through the transport as every other send of a server's (a fleet's worker may divert it: runtime/node/dtls/workers/fleet-link.ts).
      if (this.socketConnected) this.socket!.send(datagram, to.port, to.address, this.sending(1));
      else this.io!.send([datagram], 1, to.port, to.address, false, this.sending(1));
    } else if (own !== undefined) {
      own.send(datagram, this.sending(1));
    }
  }

  /** An event other than application data: the listener hears of it before the session. */
  private dispatch(e: ConnectionEvent): void {
    if (e.type === 'pathMigrated') {
      const to = this.paths?.addressOf(e.to);
      if (to !== undefined) this.remote = to;
    }
    this.owner?.sessionEvent(this, e);
    this.handle(e);
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
    if (this.endedBy) return;
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
    if (this.endedBy) return;
    if (this.guard(() => this.current.handleTimeout(performance.now()))) this.pump();
  }

  private end(
    reason: SessionCloseReason,
    alert: string | undefined,
    message: string,
    cause?: unknown,
    callbackError?: unknown,
  ): void {
    if (this.endedBy) return;
    this.endedBy = { reason, alert, message, cause, callbackError };
    this.paths?.closeAll();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    const live = this.live; // a hibernated session holds no keys: not thawed to free them
    if (live) this.guard(() => live.releaseKeys()); // what it had to send went out in the pump that saw it end
    this.owner?.connectionEnded(this, this.internalError !== undefined);
    if (this.ownsSocket) void this.flushedOut().then(() => this.closeSocket());
    const waiters = this.turnWaiters; // sealed, never sent: the session's ending is what they hear
    this.turnWaiters = undefined;
    if (waiters !== undefined) tell(waiters, undefined);
    queueMicrotask(() => this.connectionEnded());
  }

  /** A client's socket, closed once the session ended and what it sent left (the current one: a rebind replaces the first). */
  private closeSocket(): void {
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
  }
}
