import { ConfigError } from '../../config-error.js';
import { isIP } from 'node:net';
import type { Socket } from 'node:dgram';
import type { DatagramRoute } from '../transport.js';
import type { DatagramIo } from '../datagram-io.js';
import type { RemoteAddress } from '../peer-paths.js';
import { ListenerAdmission } from './listener-admission.js';
import { attachTransport } from './transport.js';
import { thrownError } from '../../handshake/callback-error.js';
import { DtlsSessionError, withCode, type HandshakeErrorHandler } from './errors.js';
import { tell } from './application-callback.js';
import { serverOptions, type ListenerOptions, type ListenOptions } from './options.js';
import { DtlsSession, sessionKeyLog, type SessionAddress, type SessionListener, type SessionLocal } from './session.js';
import { ListenerCounts, listenerStats, type DtlsListenerStats } from './listener-stats.js';
import { inspect } from 'node:util';
import { listenWorkers, type DtlsWorkerListener, type WorkerListenOptions } from './workers/worker-listener.js';
import { localEntry } from '../../pki/raw-public-key.js';
import { DATAGRAM_SIZE } from '../../connection/config.js';
import type { ConnectionEvent } from '../../connection/events.js';

export type { HandshakeErrorHandler } from './errors.js';
export type { DtlsListenerStats } from './listener-stats.js';

/** `listen`'s first argument: called with each new session, before its handshake completes (await `session.opened`). */
export type SessionHandler = (session: DtlsSession<DtlsListener>) => void;

/** `listen`'s options: with a session callback, {@link ListenOptions}; with a module (the deprecated form of `listenWorkers`), {@link WorkerListenOptions}. */
export type ListenOptionsFor<H> = H extends SessionHandler ? ListenOptions : WorkerListenOptions;
/** What `listen` returns: a {@link DtlsListener}, or with a module (deprecated) a {@link DtlsWorkerListener}. */
export type ListenerFor<H> = H extends SessionHandler ? DtlsListener : DtlsWorkerListener;

/** A DTLS 1.3/1.2 server on one UDP socket, node:dtls's DTLSEndpoint: each admitted peer is a {@link DtlsSession}. */
export class DtlsListener extends ListenerAdmission {
  /** Resolves with the bound address once listening; rejects with the system error (`EADDRINUSE`). Never unhandled. */
  readonly listening: Promise<SessionAddress>;
  /** Resolves when the endpoint has closed; rejects with the bind error when it never opened. Never unhandled. */
  readonly closed: Promise<void>;
  readonly stats: DtlsListenerStats;
  /** Set to be told of handshakes refused by the cookie exchange or failed by an application callback, and who. */
  onhandshakeerror: HandshakeErrorHandler | null = null;
  /** What it counts itself (`stats` reads them with its server's counts). */
  private readonly counts = new ListenerCounts();
  private readonly sessions = new Set<DtlsSession>();
  /** Sessions by their ClientHello.random (hex; the session's own is `session.place.random`), for their key log lines. */
  private readonly byClientRandom = new Map<string, DtlsSession>();
  /** Whether a session ever had `onkeylog` set when `onsession` returned (where it is to be set: its secrets come after). */
  private keyLogOn = false;
  private readonly mtu: number;
  /** This end as each of its sessions shows it: the leaf certificate. */
  private readonly local: SessionLocal;
  private bound: SessionAddress | undefined;
  private closing: Promise<void> | undefined;
  private settleClosed!: { resolve: () => void; reject: (e: Error) => void };
  private readonly onsession: SessionHandler;
  /** What its sessions tell it (session-rest.ts): one table for all of them, over members that stay its own. */
  private readonly sessionOwner: SessionListener = {
    sessionEvent: (s, e) => this.sessionEvent(s, e),
    connectionEnded: (s, crashed) => this.connectionEnded(s, crashed),
    sessionEnded: (s) => this.sessionEnded(s),
    callbackFailed: (error, s, duringHandshake) => this.callbackFailed(error, s, duringHandshake),
    sessionWoke: (s) => this.sessionWoke(s),
    thaw: (s, frozen, now) => this.thaw(s, frozen, now),
    screen: (s, frozen, datagram) => this.screen(s, frozen, datagram),
    sessionThawed: (s) => this.sessionThawed(s),
  };

  /** @internal Use {@link listen}. `adopted`: a bound socket to serve on, and what to take off it first (a worker's). */
  constructor(
    onsession: SessionHandler,
    listenerOptions: ListenerOptions,
    adopted?: { readonly socket: Socket; readonly route: DatagramRoute },
  ) {
    super();
    this.onsession = onsession;
    const { udp, transport, server: options, limits } = listenerOptions;
    this.mtu = options.maxDatagramSize ?? DATAGRAM_SIZE.default;
    this.local = { certificate: localEntry(options) };
    this.stats = listenerStats({
      counts: this.counts,
      serverStats: () => this.serverStats,
      openSessions: () => this.openSessions,
      datagramCounts: () => this.datagramCounts,
    });
    this.closed = new Promise<void>((resolve, reject) => (this.settleClosed = { resolve, reject }));
    this.closed.catch(() => {});
    const socket = adopted?.socket ?? (transport === undefined ? undefined : attachTransport(transport));
    if (socket !== undefined) {
      const a = socket.address();
      this.bound = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
    } else if (udp.port !== 0) {
      // node:dtls's endpoint.address is there once listen() returns when the port is given (port 0: once bound).
      this.bound = { address: udp.host, family: isIP(udp.host) === 6 ? 'IPv6' : 'IPv4', port: udp.port };
    }
    const io = socket !== undefined ? { socket, ...(adopted !== undefined ? { route: adopted.route } : {}) } : { udp };
    // Key log lines (named by ClientHello.random) go to `keyLog` and `onkeylog`; none is formatted unless asked.
    const keyLog = options.keyLog;
    const route = (line: string): void => {
      keyLog?.(line);
      this.keyLogged(line);
    };
    options.keyLog = Object.assign(route, { wanted: () => keyLog !== undefined || this.keyLogOn });
    this.listening = this.bind(options, limits, io).then((bound) => {
      this.served = true;
      const a = bound.address();
      this.bound = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
      return this.bound;
    });
    this.listening.catch((e: unknown) => {
      this.bound = undefined;
      socket?.close(); // a transport's, free for another endpoint
      this.counts.destroyedAt = Date.now();
      this.settleClosed.reject(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /** The local address, family and port: at once when `port` or `transport` was given, else once bound. */
  get address(): SessionAddress | undefined {
    return this.bound;
  }

  /** Whether the endpoint has closed. */
  get destroyed(): boolean {
    return this.counts.destroyedAt !== undefined;
  }

  /** node:dtls's `endpoint.busy`: while true, new peers' ClientHellos are dropped (`stats.serverBusyCount`). */
  get busy(): boolean {
    return this.busyNow;
  }

  set busy(busy: boolean) {
    this.busyNow = busy === true;
  }

  /** The datagrams and bytes its socket delivered and sent (the socket's own counts: no call per datagram), once listening. */
  private get datagramCounts(): DatagramIo['counts'] | undefined {
    return this.served ? this.transport.datagrams.counts : undefined;
  }

  /** @internal The bound UDP socket (undefined before `listening` resolves, or with a failed bind): for benches that read its counts. */
  get socket(): Socket | undefined {
    return this.served ? this.udp : undefined;
  }

  /** @internal A datagram handed to the server as if read from its socket (benches); dropped before the bind. */
  receive(datagram: Uint8Array, address: string, port: number): void {
    if (this.served) this.transport.receive(datagram, address, port);
  }

  /** @internal `console.log(listener)`: where it listens, its state and its counts, not its insides. */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    const state = this.destroyed ? 'closed' : this.served ? 'listening' : 'binding';
    const a = this.bound;
    return `DtlsListener ${show({ address: a ? `${a.address}:${a.port}` : undefined, state, busy: this.busyNow, stats: this.stats.toJSON() }, options)}`;
  }

  /** Closes every session with close_notify, then the socket; resolves when closed. */
  close(): Promise<void> {
    this.closing ??= this.served
      ? this.shut()
      : this.listening.then(
          () => this.shut(),
          () => {},
        );
    return this.closing;
  }

  /** Ends every session at once, without close_notify (their `closed` rejects with `error`, or `ERR_DTLS_ENDPOINT_DESTROYED`), and closes the socket. */
  destroy(error?: Error): void {
    const reason =
      error ?? new DtlsSessionError('ERR_DTLS_ENDPOINT_DESTROYED', 'the endpoint carrying the session was destroyed');
    for (const s of this.sessions) s.destroy(reason);
    void this.close();
  }

  /** `await using endpoint = listen(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shut(): Promise<void> {
    if (this.served && this.counts.destroyedAt === undefined) {
      await this.closeAll();
      this.counts.destroyedAt = Date.now();
      this.settleClosed.resolve();
    }
  }

  protected makeSession(remote: RemoteAddress): DtlsSession<DtlsListener> {
    return new DtlsSession<DtlsListener>('server', this.mtu, remote, undefined, this, this.sessionOwner, this.local);
  }

  protected accepted(session: DtlsSession<DtlsListener>, clientRandom: string | undefined): void {
    const onsession = this.onsession;
    this.counts.serverSessions++;
    this.sessions.add(session);
    if (clientRandom !== undefined) this.byClientRandom.set(clientRandom, session);
    try {
      onsession(session);
      if (session.onkeylog !== null) this.keyLogOn = true;
    } catch (e) {
      // The session cannot go on without its handler: its handshake ends with internal_error, reported as any callback's.
      session.callbackFailed('onsession', e);
    }
  }

  /** A session of this endpoint ended: it is no longer one of those `close()` or `destroy()` ends. */
  private sessionEnded(session: DtlsSession): void {
    this.sessions.delete(session);
    const random = session.place.random;
    if (random !== undefined && this.byClientRandom.get(random) === session) this.byClientRandom.delete(random);
  }

  /** A key log line (NSS format: `LABEL <client_random> <secret>`), to the `onkeylog` of the session whose ClientHello had that random. */
  private keyLogged(line: string): void {
    const random = line.split(' ', 2)[1];
    const session = random === undefined ? undefined : this.byClientRandom.get(random);
    if (session?.onkeylog) sessionKeyLog(session, line);
  }

  /** An application callback ended a session: counted, and a failed handshake told to `onhandshakeerror`. */
  private callbackFailed(error: Error, session: DtlsSession, duringHandshake: boolean): void {
    this.counts.callbackErrors++;
    if (duringHandshake) {
      this.counts.handshakeErrors++;
      const remote = session.remoteAddress;
      tell(
        this.onhandshakeerror,
        withCode(error, 'ERR_DTLS_CALLBACK'),
        remote ? { address: remote.address, port: remote.port } : { address: '', port: 0 },
      );
    }
  }

  /**
   * Each event of a session but application data: a fatal alert of ours while handshaking (not a callback's nor a
   * timeout's) counts as a refused handshake, as the cookie exchange's refusals do.
   */
  protected override sessionEvent(session: DtlsSession, e: ConnectionEvent): void {
    super.sessionEvent(session, e);
    if (e.type !== 'alert' || !e.sent || e.level !== 'fatal' || !session.place.handshaking) return;
    const c = session.connection;
    if (c?.failure?.callbackError === undefined && c?.expired === undefined) this.counts.handshakeErrors++;
  }

  protected refused(
    remote: { readonly address: string; readonly port: number },
    alert: string,
    reason: string,
    thrown: unknown,
  ): void {
    this.counts.handshakeErrors++;
    if (thrown !== undefined) this.counts.callbackErrors++;
    const error =
      thrown !== undefined
        ? withCode(thrownError(thrown), 'ERR_DTLS_CALLBACK')
        : new DtlsSessionError(
            'ERR_DTLS_ALERT',
            reason.startsWith(`${alert}:`) ? reason : `${alert}: ${reason}`,
            alert,
          );
    tell(this.onhandshakeerror, error, remote);
  }
}

/**
 * Starts a DTLS server (node:dtls's `listen(callback, options)`): hands `onsession` each new session before its
 * handshake completes (await `session.opened`). Options are checked now; `endpoint.listening` settles with the bind.
 * Deprecated: `listen(module, { workers })`, which calls `listenWorkers` (`dtls13/workers`).
 *
 * One signature, not two overloads, so TypeScript names a misspelled option rather than the other overload.
 */
export function listen<H extends SessionHandler | string | URL>(
  onsession: H,
  options: ListenOptionsFor<H>,
): ListenerFor<H>;
export function listen(
  onsession: SessionHandler | string | URL,
  options: ListenOptions,
): DtlsListener | DtlsWorkerListener {
  if (typeof options === 'object' && options !== null && options.workers !== undefined) {
    if (typeof onsession === 'function')
      throw new ConfigError(
        'workers',
        "runs the session callback in worker threads: give the module that exports it (listenWorkers(new URL('./on-session.js', import.meta.url), { workers }) from 'dtls13/workers'), not a function",
      );
    return listenWorkers(onsession, options as WorkerListenOptions);
  }
  if (typeof onsession !== 'function')
    throw new ConfigError('onsession', 'must be a function receiving each new session');
  return new DtlsListener(onsession, serverOptions(options));
}

/** @internal `listen` on a socket a worker thread bound, after `route` has taken what another worker or host holds. */
export function listenAdopted(
  onsession: (session: DtlsSession<DtlsListener>) => void,
  options: ListenOptions,
  socket: Socket,
  route: DatagramRoute,
): DtlsListener {
  const listenerOptions = serverOptions(options);
  const udp = listenerOptions.udp;
  // The worker's socket is bound already (ipv6Only went into its making): the rest of node:dgram's options are set on it now.
  if (udp.recvBufferSize !== undefined) socket.setRecvBufferSize(udp.recvBufferSize);
  if (udp.sendBufferSize !== undefined) socket.setSendBufferSize(udp.sendBufferSize);
  if (udp.ttl !== undefined) socket.setTTL(udp.ttl);
  return new DtlsListener(onsession, listenerOptions, { socket, route });
}
