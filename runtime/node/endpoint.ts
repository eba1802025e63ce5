import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { integerOption } from '../config-error.js';
import type { CallbackName } from '../handshake/callback-error.js';
import type { FrozenSession } from '../connection/hibernation.js';
import { DtlsConnection, type ConnectionStats } from '../dtls/connection.js';
import type { Connection } from '../connection/connection-api.js';
import type { ConnectionEvent, NegotiatedParameters, SessionParameters } from '../connection/events.js';
import {
  describeFailure,
  EndpointClosedError,
  type EndpointCloseReason,
  type EndpointEnding,
} from './endpoint-ending.js';
import type { EndpointObserver, EndpointOwnerOf } from './endpoint-owner.js';
import { LazyOutcome } from './lazy-outcome.js';
import { DEFAULT_INBOX_LIMIT, MessageInbox } from './message-inbox.js';
import { IPV4_SAFE_DATAGRAM, IPV6_SAFE_DATAGRAM, PeerPaths, pathOf, type RemoteAddress } from './peer-paths.js';
import { Transport } from './transport.js';

/** Who made an endpoint and hears of it first (the UDP server's peer, a client's own): {@link EndpointOwnerOf}. */
export type EndpointOwner = EndpointOwnerOf<DtlsEndpoint<SessionParameters>>;

/**
 * One DTLS connection driven over a real UDP socket: datagrams from the peer go into the sans-I/O connection, its
 * datagrams go out on the socket (the ones of one call together, see {@link DatagramIo}), and its next deadline is one
 * real timer. Protocol time is `performance.now()` (monotonic milliseconds).
 *
 * Nothing the connection throws (from `receive`, `handleTimeout`, the polls) escapes a socket handler or timer: the
 * endpoint ends with reason `failed`, alert `internal_error` and the thrown error as `cause` ({@link internalError}),
 * and the other connections on the socket carry on.
 *
 * Internal: not exported from the package. `connect()` and the UDP server under `listen()` each drive their connections
 * through one.
 */
export class DtlsEndpoint<P extends SessionParameters = NegotiatedParameters> {
  /** The connection while it is not hibernated. */
  private live: Connection | undefined;
  /** The session while hibernated ({@link park}), and when its peer last authenticated a record then. */
  private frozen: FrozenSession | undefined;
  private frozenAuthenticated: number | undefined;
  /** The stats last read off {@link frozen}, until the job that read them ends (or the thaw). */
  private frozenStats: { readonly frozen: FrozenSession; readonly stats: ConnectionStats } | undefined;
  /** When a parked endpoint was last thawed without waking (so it may rest again), if it was. */
  private restlessSince: number | undefined;
  /** The peer's address: where datagrams go (it changes when a server's session migrates, RFC 9853). */
  remote: RemoteAddress;
  /** The peer's other paths (addresses by path name, sockets a client left): made when a second path shows up or the client rebinds. */
  private paths: PeerPaths | undefined;
  /** The UDP socket this endpoint sends on (a server's is shared by all its clients). */
  socket: Socket;
  /** The socket's transport: the endpoint's way out. */
  private transport: Transport;
  /** When the endpoint was made (monotonic ms). */
  readonly createdAt = DtlsEndpoint.now();
  /** The socket is connected to the peer (a client's, so ICMP errors reach it): datagrams are sent without an address. */
  socketConnected = false;
  /** Made with the first listener (a server's sessions often have none: the server hears of them as their owner). */
  private listeners: Set<(e: ConnectionEvent) => void> | undefined;
  private observer: EndpointObserver | undefined;
  /** What {@link receive} has not taken yet, and who waits for it: made with the first message kept or the first wait. */
  private inbox: MessageInbox | undefined;
  private inboxLimit = DEFAULT_INBOX_LIMIT;
  /** Application data dropped because `receive()` was not keeping up (the inbox was full). */
  inboxDropped = 0;
  /** When a datagram last came from the peer's address (monotonic ms), authentic or not: for diagnostics only; idle clocks read {@link lastAuthenticated}. */
  lastActivity = this.createdAt;
  /** What the connection threw, when that ended the endpoint. */
  internalError: unknown = undefined;
  private pendingSends = 0;
  private readonly flushWaiters: (() => void)[] = [];
  /** A pump is handing the connection's events out: a pump inside it (a listener calling back in) leaves them to it, so they keep their order. */
  private dispatching = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  /** Why the endpoint ended, once it has; the error is built from it only when someone needs it (most endings are a normal close nobody awaits). */
  private ended: EndpointEnding | undefined;
  private endedError: EndpointClosedError | undefined;
  /** The handshake's outcome, once it completed. */
  private negotiated: SessionParameters | undefined;
  /** The `handshake` and `closed` promises: each made when first asked for (most server endpoints never ask). */
  private handshakeOutcome: LazyOutcome<SessionParameters> | undefined;
  private closedOutcome: LazyOutcome<EndpointCloseReason> | undefined;
  private readonly owner: EndpointOwner | undefined;
  /** Parked ({@link park}) and not woken by an authenticated record since. */
  private parked = false;
  /** When {@link park} last ran. */
  private parkedAt: number | undefined;
  /** The callback of the sends in flight, made with the first and let go once none is left (an idle endpoint holds none). */
  private onSent: ((error?: Error | null) => void) | undefined;

  constructor(connection: Connection, socket: Socket, remote: RemoteAddress, owner?: EndpointOwner) {
    this.live = connection;
    this.socket = socket;
    this.transport = Transport.of(socket);
    this.remote = remote;
    this.owner = owner;
  }

  /**
   * Resolves when the handshake completes; rejects if the connection ends first. `P`: what it resolves with, the 1.3
   * connection's NegotiatedParameters unless the endpoint is made as `DtlsEndpoint<SessionParameters>` (a connection
   * that may speak DTLS 1.2); {@link onEvent} always hands out either version's.
   */
  get handshake(): Promise<P> {
    if (this.handshakeOutcome === undefined) {
      const outcome = (this.handshakeOutcome = new LazyOutcome());
      const ended = this.ended;
      if (this.negotiated !== undefined) outcome.resolve(this.negotiated);
      else if (ended !== undefined) outcome.reject(() => this.errorOf(ended));
    }
    // P names what the maker of this endpoint's connection hands it (the 1.3 connection's parameters by default).
    return this.handshakeOutcome.get() as Promise<P>;
  }

  /** Resolves with why the connection ended. */
  get closed(): Promise<EndpointCloseReason> {
    if (this.closedOutcome === undefined) {
      this.closedOutcome = new LazyOutcome();
      if (this.ended !== undefined) this.closedOutcome.resolve(this.ended.reason);
    }
    return this.closedOutcome.get();
  }

  /** The sans-I/O connection (a hibernated one is thawed first: its owner makes it again). */
  get connection(): Connection {
    return this.live ?? this.thaw();
  }

  private thaw(): Connection {
    const frozen = this.frozen;
    const thaw = this.owner?.thaw;
    if (frozen === undefined || thaw === undefined)
      throw new Error('an endpoint with neither a connection nor a hibernated session');
    const live = thaw.call(this.owner, frozen, this, DtlsEndpoint.now());
    this.live = live;
    this.frozen = undefined;
    this.frozenAuthenticated = undefined;
    this.frozenStats = undefined;
    if (this.parked && !this.ended) {
      this.restlessSince = DtlsEndpoint.now();
      this.owner?.endpointThawed?.(this);
    }
    return live;
  }

  /**
   * Parked, not hibernated, and of a kind that may (an owner that thaws, a connection that hibernates): it was not at
   * rest when parked (a check under way, say), so parking again later may let it go. When it last parked, if so.
   */
  get hibernationDeferredSince(): number | undefined {
    const live = this.live;
    if (!this.parked || live === undefined || this.owner?.thaw === undefined || !live.canHibernate) return undefined;
    return this.parkedAt;
  }

  /** Hibernated ({@link park}): the session is kept as a frozen string until something needs its connection. */
  get isHibernated(): boolean {
    return this.frozen !== undefined;
  }

  /**
   * The connection's stats; a hibernated session's are read from its frozen form, and it stays hibernated. They are
   * kept until the current job ends: a session's stats read field by field decode its form once, and a hibernated
   * session polled keeps no stats object between polls (it would outweigh the session).
   */
  get connectionStats(): ConnectionStats {
    const frozen = this.frozen;
    if (frozen === undefined || this.live !== undefined) return this.connection.stats;
    if (this.frozenStats?.frozen === frozen) return this.frozenStats.stats;
    const read = { frozen, stats: DtlsConnection.frozenStats(frozen) };
    this.frozenStats = read;
    queueMicrotask(() => {
      if (this.frozenStats === read) this.frozenStats = undefined;
    });
    return read.stats;
  }

  /** When a parked endpoint was last thawed without an authenticated record since (so it may rest again), if it was. */
  get thawedAt(): number | undefined {
    return this.restlessSince;
  }

  /** Milliseconds on the monotonic clock the connection runs on. */
  static now(): number {
    return performance.now();
  }

  /**
   * When the peer last sent a record that authenticated under this connection's keys, else when the endpoint was made
   * (monotonic ms). Forged, replayed or plaintext datagrams never move it.
   */
  get lastAuthenticated(): number {
    if (this.live === undefined) return this.frozenAuthenticated ?? this.createdAt;
    return this.live.lastAuthenticatedReceive ?? this.createdAt;
  }

  /** Sets the one {@link EndpointObserver} (the session object over this endpoint). */
  observe(observer: EndpointObserver): void {
    this.observer = observer;
    if (this.ended) queueMicrotask(() => observer.endpointEnded()); // ended already: told as a reaction to `closed` would be
  }

  /** Calls `listener` with every event of the connection, in order. Returns the unsubscribe function. */
  onEvent(listener: (e: ConnectionEvent) => void): () => void {
    (this.listeners ??= new Set()).add(listener);
    return () => this.listeners?.delete(listener);
  }

  /** Client: sends the ClientHello. */
  connect(): void {
    if (this.ended) return;
    if (this.guard(() => this.connection.connect(DtlsEndpoint.now()))) this.pump();
  }

  /**
   * The session has gone quiet (its owner decides when): the connection frees its keys' contexts (DtlsConnection.park).
   * The next authenticated record wakes it, and the owner hears of that (endpointWoke).
   */
  park(now: number): void {
    if (this.ended || this.live === undefined) return;
    this.parked = true;
    this.parkedAt = now;
    this.restlessSince = undefined;
    const live = this.live;
    if (this.guard(() => live.park(now))) this.hibernate(live, now);
  }

  /**
   * After parking, with an owner that can thaw it: a connection at rest (DtlsConnection.hibernate) and an endpoint with
   * nothing under way (no timer, nothing queued, sent or being handed out, no socket left behind) is let go, its
   * session kept as a frozen string.
   */
  private hibernate(live: Connection, now: number): void {
    if (this.owner?.thaw === undefined || !live.canHibernate) return;
    if (
      this.timer !== undefined ||
      this.pumpQueued ||
      this.dispatching ||
      this.pendingSends > 0 ||
      (this.inbox?.length ?? 0) > 0
    )
      return;
    if (this.paths !== undefined && !this.paths.atRest) return;
    let frozen: FrozenSession | undefined;
    if (!this.guard(() => (frozen = live.hibernate(now)))) return;
    if (frozen === undefined) return;
    this.frozenAuthenticated = live.lastAuthenticatedReceive;
    this.frozen = frozen;
    this.live = undefined;
    // No check is under way (the connection is at rest): the addresses other paths came from are not needed for probes.
    this.paths = undefined;
    // The queues grew during the handshake and are empty: they let go of their backing stores (a hibernated endpoint keeps none).
    if (this.flushWaiters.length === 0) this.flushWaiters.length = 0;
    if (this.inbox?.idle === true) this.inbox = undefined;
  }

  /** A hibernated session thaws for a datagram only when a record of it is new and authentic (EndpointOwner.screen); else it stays hibernated. */
  private thawsFor(frozen: FrozenSession, datagram: Uint8Array): boolean {
    const screen = this.owner?.screen;
    if (screen === undefined) return true;
    let kept: FrozenSession | undefined;
    if (!this.guard(() => (kept = screen.call(this.owner, frozen, datagram)))) return false;
    if (kept === undefined) return true;
    this.frozen = kept;
    return false;
  }

  /** Parked, and no authenticated record since. */
  get isParked(): boolean {
    return this.parked;
  }

  /**
   * Hands a datagram from the peer to the connection. `from`: the address it came from, when it may differ from
   * `remote` (a server routing by connection ID); `path`: a client's own socket path. True when a record of it
   * authenticated (what may move a route that follows the peer).
   */
  deliver(datagram: Uint8Array, from?: RemoteAddress, path?: string): boolean {
    if (this.ended) return false;
    const now = DtlsEndpoint.now();
    this.lastActivity = now;
    if (this.frozen !== undefined && !this.thawsFor(this.frozen, datagram)) return false;
    let p = path;
    if (from !== undefined) {
      p = pathOf(from);
      // Made when a second path shows up, with the peer's own first (a session that never sees another keeps no map:
      // what it would hold, the peer's path, is `remote`).
      if (
        this.paths?.tracksAddresses !== true &&
        from.address === this.remote.address &&
        from.port === this.remote.port
      )
        this.remote = from;
      else (this.paths ??= new PeerPaths()).cameFrom(p, from, this.remote);
    }
    let connection: Connection;
    try {
      connection = this.connection;
      connection.receive(datagram, now, p); // guarded inline, not through guard(): no closure per datagram
    } catch (e) {
      this.crash(e);
      return false;
    }
    const authenticated = connection.lastAuthenticatedReceive === now;
    if (path !== undefined) this.paths?.graceAfter(path, connection.path, connection.lastAuthenticatedReceive);
    if (this.parked && authenticated) {
      this.parked = false;
      this.restlessSince = undefined;
      this.owner?.endpointWoke?.(this);
    }
    this.pump();
    return authenticated;
  }

  /**
   * Client: our datagrams leave from `socket` now (bound to a new local port, connected to the server); `path` names
   * it. The old socket stays open until the server shows it knows the new path (an authenticated record arrives on the
   * new socket) and `graceMs` more: until then the server may still send there (what it sent before our first record
   * from the new port, and with enhanced RRC a path_challenge, answered with path_drop, RFC 9853 §5.2), however long
   * the session idles (at most two old sockets are kept: {@link PeerPaths}). The connection uses a spare CID of the
   * server's on the new path when it has one.
   */
  rebind(socket: Socket, path: string, oldPath: string, graceMs = 2000): void {
    if (this.ended) return;
    (this.paths ??= new PeerPaths()).rebind(
      this.socket,
      path,
      oldPath,
      graceMs,
      this.connection.lastAuthenticatedReceive,
    );
    this.socket = socket;
    this.transport = Transport.of(socket);
    if (this.guard(() => this.connection.rebind(path))) this.pump();
  }

  /** Sends what the connection has queued (after a call made on it directly, such as issuing connection IDs). */
  pumpNow(): void {
    this.pump();
  }

  /**
   * Sends application data once the handshake is complete (a ConnectionStateError before then or after a failure). The
   * record is sealed now; it leaves at the end of the current turn (a microtask), with every other record sent in the
   * same turn, in one system call where the platform allows ({@link DatagramIo}).
   */
  send(data: Uint8Array): void {
    try {
      this.connection.send(data, DtlsEndpoint.now());
    } finally {
      // Also for a refused send: the refusal may have ended the connection (a 1.2 key at its usage limit), whose alert goes out.
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        queueMicrotask(() => this.queuedPump()); // one closure per turn that sends, not one held for the endpoint's life
      }
    }
  }

  /** Server: asks the client for its certificate (post-handshake authentication). */
  requestClientCertificate(): void {
    this.connection.requestClientCertificate(DtlsEndpoint.now());
    this.pump();
  }

  /** Updates our keys (and with `requestPeer`, the peer's). */
  updateKeys(requestPeer = false): void {
    this.connection.updateKeys(requestPeer, DtlsEndpoint.now());
    this.pump();
  }

  /**
   * How many unread messages {@link receive} keeps (default {@link DEFAULT_INBOX_LIMIT}); more are dropped, as a full
   * socket buffer drops datagrams, and counted in `inboxDropped`. An application that takes its data from
   * {@link onEvent} alone sets 0, so nothing is kept for a `receive()` that never comes.
   */
  setInboxLimit(messages: number): void {
    this.inboxLimit = integerOption('inboxLimit', messages, 0, 1_000_000_000);
    this.inboxDropped += this.inbox?.trim(messages) ?? 0;
  }

  /** The next application data from the peer. */
  receive(): Promise<Uint8Array> {
    const ready = this.inbox?.take();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(this.errorOf(this.ended));
    return (this.inbox ??= new MessageInbox()).wait();
  }

  /** Resolves once every datagram sent so far has left the socket. */
  flushed(): Promise<void> {
    if (this.pumpQueued) this.pump();
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** Sends close_notify and stops the timer; the endpoint ends. */
  close(): void {
    if (this.ended) return;
    if (this.guard(() => this.connection.close())) this.pump();
    if (!this.ended) this.end('local', undefined, 'closed locally');
  }

  /** An application callback threw (`onmessage`, ...): the connection ends with internal_error, and the error keeps what was thrown. */
  failForCallback(callback: CallbackName, thrown: unknown): void {
    if (this.ended) return;
    if (this.guard(() => this.connection.failForCallback(callback, thrown))) this.pump();
  }

  /** Whether the endpoint has ended (closed, failed or aborted). */
  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** The reason the endpoint ended with (what `closed` resolves with), once it has. */
  get endReason(): EndpointCloseReason | undefined {
    return this.ended?.reason;
  }

  /** What an application callback threw when that ended the endpoint (without making {@link endError}, whose stack costs). */
  get endCallbackError(): unknown {
    return this.ended?.callbackError;
  }

  /** Why the endpoint ended, once it has. */
  get endError(): EndpointClosedError | undefined {
    return this.ended && this.errorOf(this.ended);
  }

  private errorOf(e: EndpointEnding): EndpointClosedError {
    return (this.endedError ??= new EndpointClosedError(e.reason, e.alert, e.message, e.cause, e.callbackError));
  }

  /**
   * Ends the endpoint at once without a close_notify (a timeout, the caller giving up, or a server replacing it with a
   * restarted client's new connection); awaiting callers get `message`.
   */
  abort(reason: 'timeout' | 'local' | 'replaced', message: string): void {
    this.end(reason, undefined, message);
  }

  /** A pump queued by {@link send} for the end of the turn. */
  private pumpQueued = false;
  private queuedPump(): void {
    if (this.pumpQueued) this.pump();
  }

  /**
   * One callback for every send in flight (not a closure per datagram, nor one per endpoint while nothing is in
   * flight); a send error is the network's loss, like a dropped datagram, except EMSGSIZE: the kernel knows the path
   * cannot carry it ({@link pathMtuExceeded}).
   */
  private sending(count: number): (error?: Error | null) => void {
    this.pendingSends += count;
    return (this.onSent ??= (error) => this.sent(error));
  }

  private sent(error?: Error | null): void {
    if ((error as NodeJS.ErrnoException | null | undefined)?.code === 'EMSGSIZE') this.pathMtuExceeded();
    if (this.pendingSends > 0 && --this.pendingSends > 0) return; // 0 already: a crash settled it (crash)
    this.onSent = undefined;
    if (this.flushWaiters.length > 0) for (const f of this.flushWaiters.splice(0)) f();
  }

  /**
   * The path cannot carry our datagrams (ICMP fragmentation-needed reported on the connected socket, or a send refused
   * with EMSGSIZE): from now on at most what every path must carry, 548 bytes over IPv4 (576 − 28) and 1,232 over IPv6
   * (1,280 − 48), RFC 9147 §4.4. The kernel's own figure is not readable through node:dgram.
   */
  pathMtuExceeded(): void {
    const size = this.remote.address.includes(':') ? IPV6_SAFE_DATAGRAM : IPV4_SAFE_DATAGRAM;
    this.guard(() => this.connection.pathMtuExceeded(size));
  }

  /** Runs a call into the connection; if it throws, the endpoint ends with that error and false is returned. */
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
    if (this.ended) return;
    this.internalError = e;
    // A send that threw had its datagrams counted as pending, and nothing calls back for them: what waits for the flush
    // (a client's socket close) goes on now, or the socket stays open and keeps the process alive.
    this.pendingSends = 0;
    for (const f of this.flushWaiters.splice(0)) f();
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.end('failed', 'internal_error', `internal_error: the connection threw ${what}`, e);
  }

  /**
   * Sends what the connection has to send and re-arms the timer (guarded), then hands the connection's events to the
   * listeners straight from its queue (`pollEvent`, the one event queue between the record layer and the application),
   * each outside the guard: an exception from application code is the application's, as in any Node event handler. A
   * listener that calls back in (send, close) pumps again; that inner pump sends but leaves the events to this one,
   * which takes them in order.
   */
  private pump(): void {
    this.pumpQueued = false;
    if (this.ended) return;
    let at: number | undefined;
    try {
      const out: Uint8Array[] = [];
      for (let d = this.connection.pollTransmit(); d !== undefined; d = this.connection.pollTransmit()) out.push(d);
      // The connection may have moved the peer in this call (a check passed): what it held goes to the validated address.
      const bound = this.connection.path;
      const moved = bound === undefined ? undefined : this.paths?.addressOf(bound);
      if (moved !== undefined) this.remote = moved;
      if (out.length > 0) {
        this.transport.send(
          out,
          out.length,
          this.remote.port,
          this.remote.address,
          this.socketConnected,
          this.sending(out.length),
        );
      }
      for (let p = this.connection.pollPathTransmit(); p !== undefined; p = this.connection.pollPathTransmit())
        this.sendOnPath(p.path, p.datagram);
      at = this.connection.pollTimeout();
    } catch (e) {
      this.crash(e);
      return;
    }
    this.arm(at);
    if (this.dispatching) return; // the outer pump hands the events out, in order
    this.dispatching = true;
    try {
      // Until the queue is empty, also once a listener ended the endpoint: what the connection said before it ended is
      // told. (`live`: never hibernated while dispatching, hibernate waits for it.) Polling is guarded, each listener
      // is not.
      for (;;) {
        let e: ConnectionEvent | undefined;
        try {
          e = this.live?.pollEvent();
        } catch (thrown) {
          this.crash(thrown);
        }
        if (e === undefined) break;
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
      // Through the transport as every other send of a server's (a fleet's worker may divert it: runtime/node/dtls/workers/fleet-link.ts).
      if (this.socketConnected) this.socket.send(datagram, to.port, to.address, this.sending(1));
      else this.transport.send([datagram], 1, to.port, to.address, false, this.sending(1));
    } else if (own !== undefined) {
      own.send(datagram, this.sending(1));
    }
  }

  private dispatch(e: ConnectionEvent): void {
    if (e.type === 'pathMigrated') {
      const to = this.paths?.addressOf(e.to);
      if (to !== undefined) this.remote = to;
    }
    if (e.type !== 'data') this.owner?.endpointEvent?.(this, e); // data goes to the session, not back through the server
    this.observer?.endpointEvent(e);
    if (this.listeners) for (const l of this.listeners) l(e);
    if (e.type === 'handshakeComplete') {
      this.negotiated = e.parameters;
      this.handshakeOutcome?.resolve(e.parameters);
    } else if (e.type === 'data') {
      const inbox = this.inbox ?? (this.inboxLimit > 0 ? (this.inbox = new MessageInbox()) : undefined);
      if (inbox?.put(e.data, this.inboxLimit) !== true) this.inboxDropped++;
    } else if (e.type === 'closed') {
      const f = this.connection.failure;
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
    if (this.ended) return;
    if (at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    // A closure per armed timer (Node's timer is an object per arming anyway), not one held for the endpoint's life.
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(at - DtlsEndpoint.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.ended) return;
    if (this.guard(() => this.connection.handleTimeout(DtlsEndpoint.now()))) this.pump();
  }

  private end(
    reason: EndpointCloseReason,
    alert: string | undefined,
    message: string,
    cause?: unknown,
    callbackError?: unknown,
  ): void {
    if (this.ended) return;
    const ended = (this.ended = { reason, alert, message, cause, callbackError });
    this.paths?.closeAll();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    // In the order they always settled: handshake, receive() callers, closed.
    this.handshakeOutcome?.reject(() => this.errorOf(ended));
    this.inbox?.fail(() => this.errorOf(ended));
    this.closedOutcome?.resolve(reason);
    const live = this.live; // a hibernated session holds no keys: not thawed to free them
    if (live) this.guard(() => live.releaseKeys()); // what it had to send went out in the pump that saw it end
    this.owner?.endpointEnded(this);
    const observer = this.observer;
    if (observer) queueMicrotask(() => observer.endpointEnded());
  }
}
