import { ConfigError } from '../config-error.js';
import type { Socket } from 'node:dgram';
import { thrownError } from '../handshake/callback-error.js';
import type { RemoteAddress } from '../node/peer-paths.js';
import type { DatagramRoute } from '../node/transport.js';
import { ListenerAdmission, type AdmissionSide } from './listener-admission.js';
import type { SessionDriver } from './session-driver.js';
import { attachTransport } from './transport.js';
import { tell } from './application-callback.js';
import { DtlsSessionError, withCode, type HandshakeErrorHandler } from './errors.js';
import { DtlsListener, type Served } from './dtls-listener.js';
import { serverOptions, type ListenerOptions, type ListenOptions } from './options.js';
import { DtlsSession, sessionKeyLog, type SessionLocal } from './session.js';
import { ListenerCounts, listenerStats, servedHereStats } from './listener-stats.js';
import { listenWorkers, type DtlsWorkerListener, type WorkerListenOptions } from './workers/worker-listener.js';
import { localEntry } from '../pki/raw-public-key.js';
import { DATAGRAM_SIZE } from '../shared/config-options.js';

export type { HandshakeErrorHandler } from './errors.js';
export type { DtlsListenerStats } from './listener-stats.js';
export { DtlsListener, type ListenerServing } from './dtls-listener.js';

/** `listen`'s first argument: called with each new session, before its handshake completes (await `session.opened`). */
export type SessionHandler = (session: DtlsSession<DtlsListener>) => void;

/** `listen`'s options: with a session callback, {@link ListenOptions}; with a module (the deprecated form of `listenWorkers`), {@link WorkerListenOptions}. */
export type ListenOptionsFor<H> = H extends SessionHandler ? ListenOptions : WorkerListenOptions;
/** What `listen` returns: a {@link DtlsListener}, or with a module (deprecated) a {@link DtlsWorkerListener}. */
export type ListenerFor<H> = H extends SessionHandler ? DtlsListener : DtlsWorkerListener;

/**
 * A listener served here, on one socket: its sessions part and admission over `options`; `adopted`: a socket a worker
 * thread bound, after `route` has taken what another worker or host holds.
 */
export function servedHere(
  onsession: SessionHandler,
  listenerOptions: ListenerOptions,
  adopted?: { readonly socket: Socket; readonly route: DatagramRoute },
): (listener: DtlsListener) => Served<ListenerAdmission> {
  return (listener) => {
    const { udp, transport, server: options, limits } = listenerOptions;
    const mtu = options.maxDatagramSize ?? DATAGRAM_SIZE.default;
    const local = { certificate: localEntry(options) };
    const sessions = new ListenerSessions<DtlsListener>(listener, onsession, mtu, local, listener.counts);
    // Key log lines (named by ClientHello.random) go to `keyLog` and `onkeylog`; none is formatted unless asked.
    const keyLog = options.keyLog;
    const route = (line: string): void => {
      keyLog?.(line);
      sessions.keyLogged(line);
    };
    options.keyLog = Object.assign(route, { wanted: () => keyLog !== undefined || sessions.keyLogWanted });
    const socket = adopted?.socket ?? (transport === undefined ? undefined : attachTransport(transport));
    const io =
      socket === undefined ? undefined : { socket, ...(adopted !== undefined ? { route: adopted.route } : {}) };
    const admission = new ListenerAdmission(sessions, { options, limits, udp, io });
    return { admission, stats: listenerStats(servedHereStats(admission, listener.counts)) };
  };
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
  return new DtlsListener(servedHere(onsession, serverOptions(options)));
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
  readonly counts: ListenerCounts;
  /** The sessions not yet ended: those the listener's `destroy` ends (and a worker that dies). */
  readonly open = new Set<DtlsSession>();
  /** Sessions by their ClientHello.random (hex; the session's own is its driver's `place.random`), for their key log lines. */
  private readonly byClientRandom = new Map<string, DtlsSession>();
  /** Whether a session ever had `onkeylog` set when `onsession` returned (where it is to be set: its secrets come after). */
  private keyLogSet = false;
  private readonly listener: L;
  private readonly onsession: (session: DtlsSession<L>) => void;
  private readonly mtu: number;
  /** This end as each of its sessions shows it: the leaf certificate. */
  private readonly local: SessionLocal;

  constructor(
    listener: L,
    onsession: (session: DtlsSession<L>) => void,
    mtu: number,
    local: SessionLocal,
    counts = new ListenerCounts(),
  ) {
    this.listener = listener;
    this.counts = counts;
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
