import { ConfigError } from '../config-error.js';
import { isIP } from 'node:net';
import type { Socket } from 'node:dgram';
import { thrownError } from '../handshake/callback-error.js';
import type { RemoteAddress } from '../node/peer-paths.js';
import type { DatagramRoute } from '../node/transport.js';
import { ListenerAdmission, type AdmissionSide } from './listener-admission.js';
import type { SessionDriver } from './session-driver.js';
import { attachTransport } from './transport.js';
import { tell } from './application-callback.js';
import { DtlsSessionError, withCode, type HandshakeErrorHandler } from './errors.js';
import { serverOptions, type ListenerOptions, type ListenOptions } from './options.js';
import { DtlsSession, sessionKeyLog, type SessionAddress, type SessionLocal } from './session.js';
import { ListenerCounts, listenerStats, type DtlsListenerStats } from './listener-stats.js';
import { inspect } from 'node:util';
import { listenWorkers, type DtlsWorkerListener, type WorkerListenOptions } from './workers/worker-listener.js';
import { localEntry } from '../pki/raw-public-key.js';
import { DATAGRAM_SIZE } from '../shared/config-options.js';

export type { HandshakeErrorHandler } from './errors.js';
export type { DtlsListenerStats } from './listener-stats.js';

/** `listen`'s first argument: called with each new session, before its handshake completes (await `session.opened`). */
export type SessionHandler = (session: DtlsSession<DtlsListener>) => void;

/** `listen`'s options: with a session callback, {@link ListenOptions}; with a module (the deprecated form of `listenWorkers`), {@link WorkerListenOptions}. */
export type ListenOptionsFor<H> = H extends SessionHandler ? ListenOptions : WorkerListenOptions;
/** What `listen` returns: a {@link DtlsListener}, or with a module (deprecated) a {@link DtlsWorkerListener}. */
export type ListenerFor<H> = H extends SessionHandler ? DtlsListener : DtlsWorkerListener;

/** A DTLS 1.3/1.2 server on one UDP socket, node:dtls's DTLSEndpoint: each admitted peer is a {@link DtlsSession}. */
export class DtlsListener {
  /** Resolves with the bound address once listening; rejects with the system error (`EADDRINUSE`). Never unhandled. */
  readonly listening: Promise<SessionAddress>;
  /** Resolves when the endpoint has closed; rejects with the bind error when it never opened. Never unhandled. */
  readonly closed: Promise<void>;
  readonly stats: DtlsListenerStats;
  /** Set to be told of handshakes refused by the cookie exchange or failed by an application callback, and who. */
  onhandshakeerror: HandshakeErrorHandler | null = null;
  /** The sessions it hands out: made, given to `onsession`, told their key log lines, counted ({@link ListenerSessions}). */
  private readonly sessions: ListenerSessions<DtlsListener>;
  /**
   * @internal The socket, its demux, the cookie exchange, admission and resting: what no session takes
   * (listener-admission.ts; tests, benches and a worker read its counts and demux).
   */
  readonly admission: ListenerAdmission;
  private bound: SessionAddress | undefined;
  private closing: Promise<void> | undefined;
  private settleClosed!: { resolve: () => void; reject: (e: Error) => void };

  /** @internal Use {@link listen}. `adopted`: a bound socket to serve on, and what to take off it first (a worker's). */
  constructor(
    onsession: SessionHandler,
    listenerOptions: ListenerOptions,
    adopted?: { readonly socket: Socket; readonly route: DatagramRoute },
  ) {
    const { udp, transport, server: options, limits } = listenerOptions;
    const mtu = options.maxDatagramSize ?? DATAGRAM_SIZE.default;
    const sessions = new ListenerSessions<DtlsListener>(this, onsession, mtu, { certificate: localEntry(options) });
    const admission = new ListenerAdmission(sessions);
    this.sessions = sessions;
    this.admission = admission;
    const counts = sessions.counts;
    this.stats = listenerStats({
      counts,
      serverStats: () => admission.serverStats,
      openSessions: () => admission.openSessions,
      datagramCounts: () => (admission.served ? admission.transport.datagrams.counts : undefined),
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
    // Key log lines (named by ClientHello.random) go to `keyLog` and `onkeylog`; none is formatted unless asked.
    const keyLog = options.keyLog;
    const route = (line: string): void => {
      keyLog?.(line);
      sessions.keyLogged(line);
    };
    options.keyLog = Object.assign(route, { wanted: () => keyLog !== undefined || sessions.keyLogWanted });
    const io =
      socket === undefined ? undefined : { socket, ...(adopted !== undefined ? { route: adopted.route } : {}) };
    this.listening = admission.bind(options, limits, udp, io).then((bound) => {
      const a = bound.address();
      this.bound = { address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', port: a.port };
      return this.bound;
    });
    this.listening.catch((e: unknown) => {
      this.bound = undefined;
      socket?.close(); // a transport's, free for another endpoint
      counts.destroyedAt = Date.now();
      this.settleClosed.reject(e instanceof Error ? e : new Error(String(e)));
    });
  }

  /** The local address, family and port: at once when `port` or `transport` was given, else once bound. */
  get address(): SessionAddress | undefined {
    return this.bound;
  }

  /** Whether the endpoint has closed. */
  get destroyed(): boolean {
    return this.sessions.counts.destroyedAt !== undefined;
  }

  /** node:dtls's `endpoint.busy`: while true, new peers' ClientHellos are dropped (`stats.serverBusyCount`). */
  get busy(): boolean {
    return this.admission.busy;
  }

  set busy(busy: boolean) {
    this.admission.busy = busy === true;
  }

  /** @internal A datagram handed to the server as if read from its socket (benches); dropped before the bind. */
  receive(datagram: Uint8Array, address: string, port: number): void {
    if (this.admission.served) this.admission.transport.receive(datagram, address, port);
  }

  /** @internal `console.log(listener)`: where it listens, its state and its counts, not its insides. */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    const state = this.destroyed ? 'closed' : this.admission.served ? 'listening' : 'binding';
    const a = this.bound;
    return `DtlsListener ${show({ address: a ? `${a.address}:${a.port}` : undefined, state, busy: this.busy, stats: this.stats.toJSON() }, options)}`;
  }

  /** Closes every session with close_notify, then the socket; resolves when closed. */
  close(): Promise<void> {
    this.closing ??= this.admission.served
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
    this.sessions.destroyAll(reason);
    void this.close();
  }

  /** `await using endpoint = listen(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async shut(): Promise<void> {
    const counts = this.sessions.counts;
    if (this.admission.served && counts.destroyedAt === undefined) {
      await this.admission.closeAll();
      counts.destroyedAt = Date.now();
      this.settleClosed.resolve();
    }
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
  return new DtlsListener(onsession, serverOptions(options), { socket, route });
}

/**
 * The sessions a listener hands the application, the part of a DtlsListener its admission (listener-admission.ts)
 * tells of them: it makes each session over the driver the admission made, hands it to `onsession`, routes key log
 * lines to it, keeps it until it ends (for the listener's `destroy`), and counts refused and failed handshakes for
 * `onhandshakeerror`. `L`: the listener, each session's `listener`.
 */
export class ListenerSessions<
  L extends { readonly onhandshakeerror: HandshakeErrorHandler | null },
> implements AdmissionSide {
  /** What the listener counts itself (`stats` reads them with its server's counts). */
  readonly counts = new ListenerCounts();
  /** The sessions not yet ended: those the listener's `destroy` ends. */
  private readonly open = new Set<DtlsSession>();
  /** Sessions by their ClientHello.random (hex; the session's own is its driver's `place.random`), for their key log lines. */
  private readonly byClientRandom = new Map<string, DtlsSession>();
  /** Whether a session ever had `onkeylog` set when `onsession` returned (where it is to be set: its secrets come after). */
  private keyLogSet = false;
  private readonly listener: L;
  private readonly onsession: (session: DtlsSession<L>) => void;
  private readonly mtu: number;
  /** This end as each of its sessions shows it: the leaf certificate. */
  private readonly local: SessionLocal;

  constructor(listener: L, onsession: (session: DtlsSession<L>) => void, mtu: number, local: SessionLocal) {
    this.listener = listener;
    this.onsession = onsession;
    this.mtu = mtu;
    this.local = local;
  }

  /** Whether key log lines are wanted for `onkeylog`: a session had it set once `onsession` returned. */
  get keyLogWanted(): boolean {
    return this.keyLogSet;
  }

  makeSession(driver: SessionDriver<DtlsSession>): void {
    new DtlsSession<L>('server', this.mtu, driver, undefined, this.listener, this.local);
  }

  accepted(driver: SessionDriver<DtlsSession>, clientRandom: string | undefined): void {
    const session = driver.session;
    this.counts.serverSessions++;
    this.open.add(session);
    if (clientRandom !== undefined) this.byClientRandom.set(clientRandom, session);
    try {
      this.onsession(session as DtlsSession<L>); // made by makeSession, with this listener
      if (session.onkeylog !== null) this.keyLogSet = true;
    } catch (e) {
      // The session cannot go on without its handler: its handshake ends with internal_error, reported as any callback's.
      driver.apply((connection) => connection.failForCallback('onsession', e));
    }
  }

  sessionEnded(driver: SessionDriver<DtlsSession>): void {
    const session = driver.session;
    this.open.delete(session);
    const random = driver.place.random;
    if (random !== undefined && this.byClientRandom.get(random) === session) this.byClientRandom.delete(random);
  }

  /** A key log line (NSS format: `LABEL <client_random> <secret>`), to the `onkeylog` of the session whose ClientHello had that random. */
  keyLogged(line: string): void {
    const random = line.split(' ', 2)[1];
    const session = random === undefined ? undefined : this.byClientRandom.get(random);
    if (session?.onkeylog) sessionKeyLog(session, line);
  }

  /** Ends every session not ended yet at once (the listener's `destroy`). */
  destroyAll(reason: Error): void {
    for (const s of this.open) s.destroy(reason);
  }

  callbackFailed(error: Error, driver: SessionDriver<DtlsSession>, duringHandshake: boolean): void {
    this.counts.callbackErrors++;
    if (duringHandshake) {
      this.counts.handshakeErrors++;
      const remote = driver.session.remoteAddress;
      tell(
        this.listener.onhandshakeerror,
        withCode(error, 'ERR_DTLS_CALLBACK'),
        remote ? { address: remote.address, port: remote.port } : { address: '', port: 0 },
      );
    }
  }

  handshakeFailed(): void {
    this.counts.handshakeErrors++;
  }

  refused(remote: RemoteAddress, alert: string, reason: string, thrown: unknown): void {
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
    tell(this.listener.onhandshakeerror, error, remote);
  }
}
