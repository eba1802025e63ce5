import { ConfigError } from '../../config-error.js';
import { isIP } from 'node:net';
import type { Socket } from 'node:dgram';
import { DtlsUdpServer, type DatagramRoute } from '../server.js';
import { DatagramIo } from '../datagram-io.js';
import type { AntiReplayWaitStats } from '../anti-replay-wait.js';
import { thrownError } from '../../handshake/callback-error.js';
import { DtlsSessionError, type HandshakeErrorHandler } from './errors.js';
import { serverOptions, type ListenerOptions, type ListenOptions } from './options.js';
import { DtlsSession, type SessionAddress, type SessionListener } from './session.js';
import { listenWorkers, type DtlsWorkerListener, type WorkerListenOptions } from './workers/worker-listener.js';

export type { HandshakeErrorHandler } from './errors.js';

/**
 * `endpoint.stats`: node:dtls's endpoint statistics, live (every read is
 * current; the same object for the endpoint's life). Times are ms since the
 * epoch and counts numbers.
 */
export class DtlsListenerStats {
  private readonly listener: DtlsListener;
  /** @internal */
  constructor(listener: DtlsListener) {
    this.listener = listener;
  }
  get createdAt(): number {
    return this.listener.counts.createdAt;
  }
  get destroyedAt(): number | undefined {
    return this.listener.counts.destroyedAt;
  }
  /** UDP datagrams and bytes that reached the socket. */
  get packetsReceived(): number {
    return this.listener.counts.packetsReceived;
  }
  get bytesReceived(): number {
    return this.listener.counts.bytesReceived;
  }
  /** Sessions accepted (their peer passed the cookie exchange), over the endpoint's life. */
  get serverSessions(): number {
    return this.listener.counts.serverSessions;
  }
  /** Sessions open now, handshaking or established. */
  get sessions(): number {
    return this.listener.server?.size ?? 0;
  }
  /** Sessions still handshaking. */
  get handshaking(): number {
    return this.listener.server?.stats.handshaking ?? 0;
  }
  /** Of {@link serverRefusedCount}: refused because of `maxSessions` / `maxHandshakes` (the whole server full). */
  get refusedGlobal(): number {
    return this.listener.server?.stats.refusedGlobal ?? 0;
  }
  /** Of {@link serverRefusedCount}: refused because of `maxSessionsPerHost` / `maxHandshakesPerHost` (that host's share full). */
  get refusedPerHost(): number {
    return this.listener.server?.stats.refusedPerHost ?? 0;
  }
  /** First ClientHellos held in fragments before the cookie exchange, now (`maxPendingClientHellos`). */
  get pendingClientHellos(): number {
    return this.listener.server?.stats.pendingClientHellos ?? 0;
  }
  /** 0-RTT ClientHellos the anti-replay store refused (they went on without early data). */
  get storeRejections(): number {
    return this.listener.server?.stats.storeRejections ?? 0;
  }
  /** 0-RTT ClientHellos waiting for an asynchronous anti-replay store (`antiReplayWait`): held now, overflowed, dropped, timed out. */
  get antiReplay(): AntiReplayWaitStats | undefined {
    return this.listener.server?.stats.antiReplay;
  }
  /** Handshake attempts refused, silently, because of `maxSessions` or `maxSessionsPerHost`. */
  get serverRefusedCount(): number {
    return this.listener.server?.stats.refused ?? 0;
  }
  /**
   * Handshakes that failed here with an alert of ours before a session was
   * handed over or while it was handshaking: ClientHellos the stateless
   * cookie exchange refused (nothing in common, a bad cookie, an `sni` or
   * `psk` callback that threw) and handshakes a callback failed.
   */
  get handshakeErrors(): number {
    return this.listener.counts.handshakeErrors;
  }
  /**
   * Application callbacks that threw or rejected (`sni`, `psk`, the
   * anti-replay store, `onsession`, a session's `onmessage` or
   * `onhandshake`); each ended its handshake or session with internal_error.
   */
  get callbackErrors(): number {
    return this.listener.counts.callbackErrors;
  }
  /** Sessions dropped because their handshake outlived `handshakeTimeout`. */
  get handshakeTimeouts(): number {
    return this.listener.server?.stats.handshakeTimeouts ?? 0;
  }
  /** Sessions closed for idleness (`idleTimeoutMs`). */
  get idleClosed(): number {
    return this.listener.server?.stats.idleClosed ?? 0;
  }
  /** Times a quiet session was parked (`parkAfterMs`: its keys' contexts freed until its next record). */
  get parked(): number {
    return this.listener.server?.stats.parked ?? 0;
  }
  /** Times a parked session hibernated (kept as a frozen string of a few hundred bytes until it is needed again), and times one was thawed. */
  get hibernated(): number {
    return this.listener.server?.stats.hibernated ?? 0;
  }
  get thawed(): number {
    return this.listener.server?.stats.thawed ?? 0;
  }
  /** Sessions a restarted client replaced (RFC 9147 §5.11). */
  get restarts(): number {
    return this.listener.server?.stats.restarts ?? 0;
  }
  /** Datagrams dropped because their connection ID is no session's (never issued, retired, or of an ended session). */
  get unknownConnectionId(): number {
    return this.listener.server?.stats.unknownConnectionId ?? 0;
  }
  /** Sessions moved to a new client address after a return routability check (RFC 9853). */
  get migrations(): number {
    return this.listener.server?.stats.migrations ?? 0;
  }
  /** Whether the endpoint is still open (false once closed: the values are then final). */
  get isConnected(): boolean {
    return this.listener.counts.destroyedAt === undefined;
  }
}

/**
 * A DTLS server endpoint (1.3, and 1.2 for clients without it) on one UDP socket, as node:dtls's
 * DTLSEndpoint from `listen()`: every peer that passes the stateless cookie
 * exchange becomes a {@link DtlsSession} handed to the callback.
 */
export class DtlsListener implements SessionListener {
  /**
   * Resolves with the bound address once the socket is listening; rejects
   * with the system error (`code` `'EADDRINUSE'`, `errno`, `syscall`) when
   * the bind fails. Never unhandled.
   */
  readonly listening: Promise<SessionAddress>;
  /** Resolves when the endpoint has closed; rejects with the bind error when it never opened. Never unhandled. */
  readonly closed: Promise<void>;
  readonly stats: DtlsListenerStats;
  /**
   * Set to be told of handshakes this endpoint refused: ClientHellos refused
   * before any session existed, with the alert and why ("handshake_failure:
   * no common cipher suite: ..."), and handshakes an application callback
   * (`sni`, `psk`, the anti-replay store, `onsession`) failed, with what it
   * threw; and who.
   */
  onhandshakeerror: HandshakeErrorHandler | null = null;
  /** @internal */
  server: DtlsUdpServer | undefined;
  /** @internal */
  readonly counts = {
    createdAt: Date.now(),
    destroyedAt: undefined as number | undefined,
    packetsReceived: 0,
    bytesReceived: 0,
    serverSessions: 0,
    handshakeErrors: 0,
    callbackErrors: 0,
  };
  private readonly sessions = new Set<DtlsSession>();
  private readonly mtu: number;
  private readonly localCertificate: Uint8Array | undefined;
  private bound: SessionAddress | undefined;
  private closing: Promise<void> | undefined;
  private settleClosed!: { resolve: () => void; reject: (e: Error) => void };

  /** @internal Use {@link listen}. `adopted`: a bound socket to serve on, and what to take off it first (a worker's). */
  constructor(
    onsession: (session: DtlsSession<DtlsListener>) => void,
    listenerOptions: ListenerOptions,
    adopted?: { readonly socket: Socket; readonly route: DatagramRoute },
  ) {
    const { udp, transport, ...options } = listenerOptions;
    this.mtu = options.maxDatagramSize ?? 1200;
    this.localCertificate = options.certificate?.chain[0];
    this.stats = new DtlsListenerStats(this);
    this.closed = new Promise<void>((resolve, reject) => (this.settleClosed = { resolve, reject }));
    this.closed.catch(() => {});
    const socket = adopted?.socket ?? transport?.attach();
    if (socket !== undefined) {
      const a = socket.address();
      this.bound = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
    } else if (options.port !== undefined && options.port !== 0 && options.host !== undefined) {
      // node:dtls's endpoint.address is there once listen() returns: the address asked for, when the port is given (the bind,
      // asynchronous in node:dgram, may still fail: then `listening` and `closed` reject). With port 0 it is known once bound.
      this.bound = { address: options.host, family: isIP(options.host) === 6 ? 'IPv6' : 'IPv4', port: options.port };
    }
    const io = socket !== undefined ? { socket, ...(adopted !== undefined ? { route: adopted.route } : {}) } : { udp };
    this.listening = DtlsUdpServer.listen(options, io).then((server) => {
      this.server = server;
      const a = server.address;
      this.bound = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
      DatagramIo.of(server.socket).observe((bytes) => {
        this.counts.packetsReceived++;
        this.counts.bytesReceived += bytes;
      });
      server.onRefusal((remote, alert, reason, thrown) => {
        this.counts.handshakeErrors++;
        if (thrown !== undefined) this.counts.callbackErrors++;
        const error = thrown !== undefined ? thrownError(thrown) : new Error(reason.startsWith(`${alert}:`) ? reason : `${alert}: ${reason}`);
        this.report(error, remote);
      });
      server.onConnection((endpoint) => this.accept(onsession, endpoint));
      return this.bound;
    });
    this.listening.catch((e: unknown) => {
      this.bound = undefined;
      socket?.close(); // a transport's, free for another endpoint
      this.counts.destroyedAt = Date.now();
      this.settleClosed.reject(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /**
   * The local address, family and port: as soon as `listen` returns when
   * `port` was given (the address asked for; the system's once bound) or
   * with a `transport` (the address it was made with), else once bound
   * (undefined before: await `listening`). Undefined again if the bind failed.
   */
  get address(): SessionAddress | undefined {
    return this.bound;
  }

  /** Whether the endpoint has closed. */
  get destroyed(): boolean {
    return this.counts.destroyedAt !== undefined;
  }

  /** Closes every session with close_notify, then the socket; resolves when closed. */
  close(): Promise<void> {
    this.closing ??= this.server
      ? this.shut()
      : this.listening.then(
          () => this.shut(),
          () => {},
        );
    return this.closing;
  }

  /** Ends every session at once, without close_notify (their `closed` rejects with `error`, or `ERR_DTLS_ENDPOINT_DESTROYED`), and closes the socket. */
  destroy(error?: Error): void {
    const reason = error ?? new DtlsSessionError('ERR_DTLS_ENDPOINT_DESTROYED', 'the endpoint carrying the session was destroyed');
    for (const s of this.sessions) s.destroy(reason);
    void this.close();
  }

  /** `await using endpoint = listen(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shut(): Promise<void> {
    const server = this.server;
    if (server && this.counts.destroyedAt === undefined) {
      await server.close();
      this.counts.destroyedAt = Date.now();
      this.settleClosed.resolve();
    }
  }

  private accept(onsession: (session: DtlsSession<DtlsListener>) => void, endpoint: Parameters<Parameters<DtlsUdpServer['onConnection']>[0]>[0]): void {
    const session = new DtlsSession<DtlsListener>('server', this.mtu, endpoint.remote, undefined, this);
    session.localCertificate = this.localCertificate;
    session.attach(endpoint);
    this.counts.serverSessions++;
    this.sessions.add(session);
    try {
      onsession(session);
    } catch (e) {
      // The session cannot go on without its handler: its handshake ends with internal_error, reported as any callback's.
      session.callbackFailed('onsession', e);
    }
  }

  /** @internal A session of this endpoint ended: it is no longer one of those `close()` or `destroy()` ends. */
  sessionEnded(session: DtlsSession): void {
    this.sessions.delete(session);
  }

  /**
   * @internal A session of this endpoint ended because an application
   * callback threw (`sni` or `psk` after the cookie exchange, the anti-replay
   * store, `onsession`, `onmessage`): counted; a handshake it failed is
   * reported to `onhandshakeerror` too (the session's `onerror` has it as well).
   */
  callbackFailed(error: Error, session: DtlsSession, duringHandshake: boolean): void {
    this.counts.callbackErrors++;
    if (duringHandshake) {
      this.counts.handshakeErrors++;
      const remote = session.remoteAddress;
      this.report(error, remote ? { address: remote.address, port: remote.port } : { address: '', port: 0 });
    }
  }

  /** Hands `onhandshakeerror` an error; what the handler throws is dropped (it must not end the endpoint or the process). */
  private report(error: Error, remote: { readonly address: string; readonly port: number }): void {
    const handler = this.onhandshakeerror;
    if (!handler) return;
    try {
      handler(error, remote);
    } catch {
      // the application's handler failed; nothing is left to tell
    }
  }
}

/**
 * Starts a DTLS 1.3 server (node:dtls's `listen(callback, options)`): binds
 * `options.host:options.port` and hands `onsession` each new session, before
 * its handshake completes (await `session.opened`). Options are checked now
 * (a ConfigError names the one that is wrong); the bind is asynchronous:
 * `endpoint.listening` resolves with the address or rejects with the
 * system error.
 */
export function listen(onsession: (session: DtlsSession<DtlsListener>) => void, options: ListenOptions): DtlsListener;
/** With `workers`: the server on that many event loops; `module` exports the session callback (runtime/node/dtls/workers, docs/scale-out.md). */
export function listen(module: string | URL, options: WorkerListenOptions): DtlsWorkerListener;
export function listen(onsession: ((session: DtlsSession<DtlsListener>) => void) | string | URL, options: ListenOptions): DtlsListener | DtlsWorkerListener {
  if (typeof options === 'object' && options !== null && options.workers !== undefined) {
    if (typeof onsession === 'function')
      throw new ConfigError(
        'workers',
        "runs the session callback in worker threads: give the module that exports it (listen(new URL('./on-session.js', import.meta.url), { workers })), not a function",
      );
    return listenWorkers(onsession, options as WorkerListenOptions);
  }
  if (typeof onsession !== 'function') throw new ConfigError('onsession', 'must be a function receiving each new session');
  const listenerOptions = serverOptions(options);
  const { udp: _udp, transport: _transport, ...server } = listenerOptions;
  DtlsUdpServer.validate(server);
  return new DtlsListener(onsession, listenerOptions);
}

/**
 * @internal `listen` on a socket a worker thread bound (runtime/node/dtls/workers/worker-main.ts): the server reads and
 * sends on it as on its own (batched, datagrams lent), after `route` has taken what another worker or host holds.
 */
export function listenAdopted(
  onsession: (session: DtlsSession<DtlsListener>) => void,
  options: ListenOptions,
  socket: Socket,
  route: DatagramRoute,
): DtlsListener {
  const listenerOptions = serverOptions(options);
  const { udp, transport: _transport, ...server } = listenerOptions;
  DtlsUdpServer.validate(server);
  // The worker's socket is bound already (ipv6Only went into its making): the rest of node:dgram's options are set on it now.
  if (udp.recvBufferSize !== undefined) socket.setRecvBufferSize(udp.recvBufferSize);
  if (udp.sendBufferSize !== undefined) socket.setSendBufferSize(udp.sendBufferSize);
  if (udp.ttl !== undefined) socket.setTTL(udp.ttl);
  return new DtlsListener(onsession, listenerOptions, { socket, route });
}
