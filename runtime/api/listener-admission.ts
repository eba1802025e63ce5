import { createSocket, type Socket } from 'node:dgram';
import { releaseOwnTicketKeys } from '../session/ticket-key-cache.js';
import { isIP } from 'node:net';
import {
  DtlsConnection,
  HANDSHAKE_KEYS_RETENTION_MS,
  type ConnectionOptions,
  type DtlsOptions,
} from '../connection/connection.js';
import { resolveConfig, type ResolvedConfig } from '../shared/config.js';
import { HelloRetryResponder } from '../dtls13/hello-retry-responder.js';
import { screenFrozen, type FrozenSession } from '../shared/hibernation.js';
import { Admission, type Refusal } from '../node/admission.js';
import { hostKey } from '../node/host-key.js';
import type { ClientHelloPeek } from '../node/client-hello-peek.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { DtlsSession } from './session.js';
import { SessionDriver, sessionNow, type SessionOwner, type SessionSide } from './session-driver.js';
import { processAntiReplay, type AntiReplayStore, type SyncAntiReplay } from '../session/anti-replay.js';
import { AntiReplayWait, type StoreFailure } from '../node/anti-replay-wait.js';
import { TICKET_AGE_TOLERANCE_MS } from '../shared/psk-selection.js';
import { CallbackError, callApplication } from '../handshake/callback-error.js';
import { CookielessHello } from '../connection/cookieless-hello.js';
import { HelloResponder, type HelloOutcome } from '../connection/hello-responder.js';
import { serverConfigs, type VersionConfigs } from '../connection/version-configs.js';
import type { Connection } from '../shared/connection-api.js';
import type { UdpServerLimits, UdpServerOptions } from './server-options.js';
import type { ListenerUdpOptions } from './options.js';
import { boundSocket } from '../node/socket-bind.js';
import { madeByLibrary } from '../node/kept-df.js';
import { withFamily, type RemoteAddress } from '../node/peer-paths.js';
import { cidKey, Transport, type DatagramRoute, type Slot } from '../node/transport.js';
import { RestingSessions } from './resting-sessions.js';
import { SessionCache12 } from '../dtls12/session.js';
import type { SessionAddress } from './session-types.js';

/** What a connection starts with from the cookie exchange (hello-responder.ts). */
type HelloStart = Extract<HelloOutcome, { kind: 'accept' }>['start'];

/** What hears of every CID the server's sessions issue and retire (a worker's CID directory: runtime/api/workers/published-cids.ts). */
export interface ConnectionIdObserver {
  issued(cid: Uint8Array): void;
  retired(cid: Uint8Array): void;
}

/** The connection-level store of the UDP server's connections: the server decides before the connection exists. */
const REFUSE_EARLY_DATA = { admit: (): boolean => false };

type Driver = SessionDriver<DtlsSession>;

/** What the admission tells the listener's sessions part (listener.ts) of the sessions it makes and ends. */
export interface AdmissionSide extends SessionSide<DtlsSession> {
  /** The sessions not yet ended. */
  readonly open: ReadonlySet<DtlsSession>;
  /** Makes the session for a new connection over `driver` (not driven yet); the driver is its `session` from now on. */
  makeSession(driver: Driver): void;
  /** The session is driven and placed: the application may have it (`clientRandom`: ClientHello.random in hex, if read). */
  accepted(driver: Driver, clientRandom: string | undefined): void;
  /** The stateless cookie exchange refused a ClientHello with an alert before any session existed. */
  refused(remote: RemoteAddress, alert: string, reason: string, thrown: unknown): void;
  /** A session's handshake failed with a fatal alert of ours (not a callback's nor a timeout's). */
  handshakeFailed(): void;
  /** Ends every session not ended yet at once (the listener's `destroy`). */
  destroyAll(reason: Error): void;
}

/** What a listener serving here binds: its checked options, and a socket to serve on when given one (`io`). */
export interface ServedHere {
  readonly options: UdpServerOptions;
  readonly limits: UdpServerLimits;
  readonly udp: ListenerUdpOptions;
  /** A bound socket (a transport's, a worker's) and what takes its datagrams first (a worker's route). */
  readonly io: { readonly socket: Socket; readonly route?: DatagramRoute } | undefined;
}

/**
 * The serving part of a DtlsListener (its ListenerServing, dtls-listener.ts): a DTLS 1.3/1.2 server on one UDP socket
 * with its admission, cookie exchange and resting sessions, a session per client address and port within global and
 * per-host limits. It owns each session's driver ({@link SessionOwner}): the demux, the sweep and the admission hold
 * drivers; the sessions part (`side`) makes the sessions and hands them to the application.
 *
 * A client that restarts on the same address and port (RFC 9147 §5.11) starts a second connection beside the first;
 * both get every datagram from that address, and the old one ends (`replaced`) when the new one completes.
 */
export class ListenerAdmission implements SessionOwner<DtlsSession> {
  private udp: Socket | undefined;
  /** Serving: the socket is bound (or was given bound) and every part below is made. */
  served = false;
  transport!: Transport<Driver>;
  /** The listener's sessions part: it makes the sessions and hands them out. */
  readonly side: AdmissionSide;
  private readonly cidObservers = new Set<ConnectionIdObserver>();
  /** The answer to a ClientHello from a peer without a connection: the version's cookie exchange, or a protocol_version refusal. */
  private responder!: HelloResponder;
  private cookies!: boolean;
  private limits!: UdpServerLimits;
  private admission!: Admission;
  /** The established sessions, swept to close when idle and to park (and hibernate) when quiet. */
  private resting!: RestingSessions;
  private store!: AntiReplayStore;
  /** 0-RTT ClientHellos waiting for the anti-replay store, with the datagrams that came meanwhile, under caps. */
  private storeWait!: AntiReplayWait;
  /** The options every connection is made from (the anti-replay verdict is added per connection). */
  private connectionOptions!: ConnectionOptions;
  /** The anti-replay verdict of connections not let in on an early verdict: the store, asked synchronously (one object for all); like every stand-in for the store, it carries the store's generation (tickets are issued under it). */
  private askingStore!: SyncAntiReplay;
  /** The connection options resolved once, at listen, and shared by every connection (each adds only its own hooks). */
  private config!: ResolvedConfig;
  /** The per-connection options every connection gets as they are (the inspector, the datagram observer, the wall clock). */
  private observers!: Pick<ConnectionOptions, 'inspect' | 'onDatagram' | 'wallClock'>;
  /** node:dtls's `endpoint.busy`: while true, no new handshake starts (a new peer's ClientHello is dropped and counted in `busyRefused`). */
  busy = false;
  /** What the server counts itself; a count `listener.stats` has under its own name is documented there. */
  private tallies = {
    refusedGlobal: 0,
    refusedPerHost: 0,
    /** ClientHello datagrams from new peers dropped, silently, while the server was `busy`. */
    busyRefused: 0,
    /** Datagrams of no session that could not be a ClientHello (node:dtls's `serverRejectedCount`). */
    notClientHello: 0,
    thawed: 0,
    handshakeTimeouts: 0,
    restarts: 0,
    /** Connections ended, or datagrams dropped, because the connection code threw (a bug, never the process's end). */
    connectionErrors: 0,
    storeRejections: 0,
    migrations: 0,
  };
  /** The configurations of the versions answered (minVersion..maxVersion), resolved once over `config`. */
  private configs!: VersionConfigs;

  readonly early: SessionAddress | undefined;
  private readonly served$: ServedHere;

  /** The admission of a listener (a `ListenerServing`) whose sessions part is `side`; it serves once bound. */
  constructor(side: AdmissionSide, served: ServedHere) {
    this.side = side;
    this.served$ = served;
    const { io, udp } = served;
    // node:dtls's endpoint.address is there once listen() returns when the port is given (port 0: once bound).
    if (io !== undefined) this.early = addressOf(io.socket);
    else if (udp.port !== 0) this.early = withFamily({ address: udp.host, port: udp.port });
  }

  /** The bind failed: a socket given is closed (a transport's is free for another endpoint). */
  abandon(): void {
    this.served$.io?.socket.close();
  }

  destroyAll(reason: Error): void {
    this.side.destroyAll(reason);
  }

  /** Makes every part over `socket` (bound or binding) and serves on it; `route` (a worker's) sees each datagram first. */
  private open(options: UdpServerOptions, limits: UdpServerLimits, socket: Socket, route?: DatagramRoute): void {
    this.udp = socket;
    this.transport = Transport.forListener<Driver>(socket);
    const { antiReplay, minVersion: _min, maxVersion: _max, cipherSuites12: _suites12, ...rest } = options;
    const { requireExtendedMasterSecret: _ems, ...connectionOptions } = rest;
    this.store = antiReplay ?? processAntiReplay();
    this.askingStore = {
      admit: (k: Uint8Array, w: number): boolean => this.askStore(k, w),
      generation: this.store.generation,
    };
    const refuse = { ...REFUSE_EARLY_DATA, generation: this.store.generation };
    this.connectionOptions = { ...connectionOptions, antiReplay: refuse };
    this.limits = limits;
    this.config = resolveConfig('server', this.connectionOptions);
    // The 1.2 cookie exchange as the 1.3 one (`cookies`), under one secret for the listener.
    const versioned = {
      ...options,
      antiReplay: refuse,
      helloVerify: options.cookies !== false,
      // This server's own cache of 1.2 sessions by ID, never another listener's: a session resumes only where it was made.
      ...(this.limits.sessionIds12 > 0
        ? { sessionCache12: new SessionCache12(this.limits.sessionIds12, this.config.ticketLifetime * 1000) }
        : {}),
    };
    this.configs = serverConfigs(versioned, this.config);
    const { inspect, onDatagram, wallClock } = this.connectionOptions;
    this.observers = {
      ...(inspect ? { inspect } : {}),
      ...(onDatagram ? { onDatagram } : {}),
      ...(wallClock ? { wallClock } : {}),
    };
    this.admission = new Admission(this.limits);
    this.storeWait = new AntiReplayWait(this.store, this.limits.antiReplayWait);
    this.resting = new RestingSessions(this.limits);
    this.cookies = options.cookies !== false;
    const reassembly = {
      maxPendingClientHellos: this.limits.pendingClientHellos,
      maxClientHelloLength: this.limits.clientHelloLength,
    };
    // Without cookies, the exchanges still take the ClientHellos whose flight would not fit 3x (cookieless-hello.ts).
    const retry13 =
      this.configs.config13 === undefined
        ? undefined
        : new HelloRetryResponder(this.connectionOptions, undefined, undefined, reassembly);
    const cookieless = this.cookies ? undefined : new CookielessHello(this.config.certificate?.chain);
    this.responder = new HelloResponder(this.configs, retry13, reassembly, cookieless);
    // Protected records lent, not copied (nothing here keeps a datagram), unless an onDatagram observer may keep one.
    // `route` (a worker's) takes the datagrams another worker or host holds the session of.
    this.transport.serve(
      {
        waiting: this.storeWait,
        unplaced: (d, address, port, key, slot, hello) => this.unplaced(d, address, port, key, slot, hello),
      },
      {
        cidLength: typeof options.cid === 'number' ? options.cid : (options.cid?.length ?? 0),
        lend: onDatagram === undefined,
        ...(route !== undefined ? { route } : {}),
      },
    );
    // A send error (no route, a full buffer) is the network losing a datagram; without this listener it would end the process.
    socket.on('error', () => {});
  }

  /**
   * Makes the socket (or takes the one given, bound) and every part over it, binds it, sets `udp`'s options on it, and
   * resolves with its address once it is listening.
   */
  async listen(): Promise<SessionAddress> {
    const { options, limits, udp, io: adopted } = this.served$;
    const { host, port, reusePort, ipv6Only } = udp;
    // A socket made here is the library's own: its Don't Fragment mode kept between GSO sends (node/kept-df.ts).
    const socket =
      adopted?.socket ??
      madeByLibrary(
        createSocket({
          type: isIP(host) === 6 ? 'udp6' : 'udp4',
          ...(ipv6Only !== undefined ? { ipv6Only } : {}),
          ...(reusePort ? { reusePort: true } : {}),
        }),
      );
    const settle = (set: () => void): void => {
      try {
        set();
      } catch (e) {
        if (adopted === undefined) socket.close();
        throw e instanceof Error ? e : new Error(String(e));
      }
    };
    settle(() => this.open(options, limits, socket, adopted?.route));
    if (adopted === undefined) await boundSocket(socket, { port, address: host });
    // Set once bound, as node:dgram takes them (an adopted socket was bound by its maker).
    settle(() => {
      if (udp.recvBufferSize !== undefined) socket.setRecvBufferSize(udp.recvBufferSize);
      if (udp.sendBufferSize !== undefined) socket.setSendBufferSize(udp.sendBufferSize);
      if (udp.ttl !== undefined) socket.setTTL(udp.ttl);
    });
    this.served = true;
    return addressOf(socket);
  }

  /** Sessions, handshaking or open (a restarting client briefly has two): `stats.sessions`. */
  get openSessions(): number {
    return this.served ? this.admission.connections : 0;
  }

  /** The serving part's counts (what `listener.stats` reads), once bound. */
  get serverStats() {
    if (!this.served) return undefined;
    const c = this.tallies;
    // Object.assign, not an object literal with spreads: V8 defines each property after a literal's first spread in the
    // runtime (about 13 µs for this one), and a worker reads these after every read of its socket.
    return Object.assign({}, c, this.resting.counts, {
      /** Times the C heap was trimmed after sessions parked, and the ms it took in all. */
      trims: this.resting.trims,
      trimMs: this.resting.trimMs,
      /** ClientHello datagrams from new peers dropped, silently, because a limit was reached. */
      refused: c.refusedGlobal + c.refusedPerHost,
      handshaking: this.admission.handshakes,
      pendingClientHellos: this.responder.pendingClientHellos?.count ?? 0,
      connectionIds: this.transport.connectionIds,
      unknownConnectionId: this.transport.unknownConnectionId,
      sessionIds12: this.configs.config12?.sessionCache?.size ?? 0,
      antiReplay: this.storeWait.stats,
    });
  }

  /** Sessions and handshakes counted against `address`'s host (its prefix). */
  hostUsage(address: string): { readonly connections: number; readonly handshakes: number } {
    return this.served ? this.admission.usage(this.hostOf(address)) : { connections: 0, handshakes: 0 };
  }

  /** The host `address` counts against, by this server's prefixes. */
  private hostOf(address: string): string {
    return hostKey(address, this.limits.hostPrefixes);
  }

  /** Calls `observer` with every CID a session issues from now on, and again as it retires (or its session ends). */
  onConnectionIds(observer: ConnectionIdObserver): void {
    this.cidObservers.add(observer);
  }

  /** The bound UDP socket (undefined before it is bound, or with a failed bind). */
  get socket(): Socket | undefined {
    return this.served ? this.udp : undefined;
  }

  async closeAll(): Promise<void> {
    this.resting.close();
    this.storeWait.clear();
    const open = this.transport.sessions();
    for (const d of open) d.shut();
    await Promise.all(open.map((d) => (d.driven ? d.flushedOut() : undefined)));
    const socket = this.udp;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
    releaseOwnTicketKeys(this.connectionOptions); // the random keys resolveConfig made for this server (owner: its options)
  }

  thaw(session: Driver, frozen: FrozenSession, now: number): DtlsConnection {
    this.tallies.thawed++;
    return DtlsConnection.thaw(this.configs, this.perConnection(this.askingStore, session.remote.address), frozen, now);
  }

  screen(session: Driver, frozen: FrozenSession, datagram: Uint8Array): FrozenSession | undefined {
    const { provider, replayWindow, limits } = this.config;
    const cids = session.place.cids;
    return screenFrozen(frozen, datagram, {
      provider,
      replayWindow,
      maxRecordsPerDatagram: limits.maxRecordsPerDatagram,
      ownsConnectionId: (cid) => cids?.has(cidKey(cid)) === true,
    });
  }

  sessionWoke(session: Driver): void {
    this.resting.woke(session);
  }

  sessionThawed(session: Driver): void {
    this.resting.schedule(session);
  }

  /** What differs between this server's connections: the observers, the anti-replay store's verdict, the client's address, CIDs taken. */
  private perConnection(antiReplay: SyncAntiReplay, peerAddress: string, start?: HelloStart): DtlsOptions {
    return {
      ...this.observers,
      antiReplay,
      peerAddress,
      ...start,
      connectionIdTaken: this.transport.connectionIdTaken,
      // The connection keeps the deadline itself (pollTimeout); the session sleeps until it.
      handshakeTimeoutMs: this.limits.handshakeMs,
    };
  }

  /** A datagram the transport's demux did not place: a ClientHello for a new session, or nothing. */
  private unplaced(
    d: Uint8Array,
    address: string,
    port: number,
    key: string,
    slot: Slot<Driver> | undefined,
    hello: ClientHelloPeek | undefined,
  ): void {
    if (!hello) {
      this.tallies.notClientHello++; // no connection, and not a ClientHello: nothing to start
      return;
    }
    if (slot && hello.random === undefined && !this.cookies) {
      // Without cookies a connection reassembles its own ClientHello: a later fragment goes to the newest handshake.
      const newest = slot.successor ?? slot.primary;
      if (newest?.place.handshaking) newest.deliver(d);
      return;
    }
    if (this.busy) {
      this.tallies.busyRefused++;
      return;
    }
    const host = this.hostOf(address);
    const refusal = this.admission.refusal(host, slot?.primary !== undefined);
    if (refusal) return this.refuse(refusal);
    // The version and its cookie exchange are the core's (hello-responder.ts): the connection started speaks what it chose.
    const outcome = this.answer(d, key, address);
    if (outcome?.kind === 'reply') return this.reply(outcome, address, port);
    if (outcome?.kind !== 'accept') return;
    const random = outcome.random ?? hello.random;
    const same =
      slot &&
      random !== undefined &&
      outcome.random !== undefined &&
      this.transport.matching(slot, { ...hello, random });
    if (same)
      same.deliver(outcome.datagram); // a fragmented retransmission, reassembled
    else if (outcome.earlyDataKey && random !== undefined)
      this.startAfterStore(key, host, { address, port }, random, outcome.datagram, outcome.earlyDataKey);
    else this.start(key, host, { address, port }, random, outcome.start, outcome.datagram);
  }

  private refuse(refusal: Refusal): void {
    if (refusal === 'global') this.tallies.refusedGlobal++;
    else this.tallies.refusedPerHost++;
  }

  /** Sends the responder's HelloRetryRequest or alert to `address:port` (and tells the refusal listeners of an alert). */
  private reply(outcome: HelloOutcome & { kind: 'reply' }, address: string, port: number): void {
    this.transport.datagrams.send([outcome.datagram], 1, port, address, false, NO_CALLBACK);
    if (outcome.what !== 'hello-retry-request' && outcome.what !== 'hello-verify-request')
      this.side.refused({ address, port }, outcome.what, outcome.reason ?? outcome.what, outcome.callbackError);
  }

  /**
   * A verified 0-RTT ClientHello from its ticket's address: the anti-replay store admits it (the connection starts with
   * its early data) or not (a replay, no answer in time, caps full: the cookie exchange instead; zero-rtt.md).
   */
  private startAfterStore(
    key: string,
    host: string,
    remote: RemoteAddress,
    random: string,
    first: Uint8Array,
    binder: Uint8Array,
  ): void {
    const asked = this.storeWait.ask(key, host, first, binder, 2 * TICKET_AGE_TOLERANCE_MS, (admitted, held) => {
      if (admitted === false) return this.retryWithCookie(key, remote, first);
      const refusal = this.admission.refusal(host, this.transport.slot(key)?.primary !== undefined);
      if (refusal) return this.refuse(refusal); // slots filled while the store decided
      // A store that failed: the connection ends the handshake at once with internal_error and reports the store's error.
      this.start(key, host, remote, random, {}, first, admitted);
      if (admitted !== true) return;
      for (const d of held) this.transport.receive(d, remote.address, remote.port);
    });
    if (!asked) this.retryWithCookie(key, remote, first);
  }

  /** Answers `first`, a whole 0-RTT ClientHello, with the cookie exchange as if it came without early data. */
  private retryWithCookie(key: string, remote: RemoteAddress, first: Uint8Array): void {
    const outcome = this.answer(first, key);
    if (outcome?.kind === 'reply') this.reply(outcome, remote.address, remote.port);
  }

  /** The hello responder's answer to a ClientHello from `key`; undefined, counted, when the responder threw. */
  private answer(d: Uint8Array, key: string, address?: string): HelloOutcome | undefined {
    try {
      return this.responder.handle(d, key, sessionNow(), address);
    } catch {
      this.tallies.connectionErrors++;
      return undefined;
    }
  }

  /** The store asked from inside a connection: only a synchronous answer counts (a promise refuses the early data). */
  private askStore(key: Uint8Array, windowMs: number): boolean {
    const verdict = callApplication('antiReplay', () => this.store.admit(key, windowMs));
    if (typeof verdict === 'boolean') return verdict;
    verdict.then(undefined, () => this.tallies.storeRejections++);
    return false;
  }

  /** Makes a connection (either version) and its session for a new handshake from `key`, and hands it the ClientHello. */
  private start(
    key: string,
    host: string,
    remote: RemoteAddress,
    random: string | undefined,
    start: HelloStart,
    first: Uint8Array,
    earlyDataAdmitted?: boolean | StoreFailure,
  ): void {
    let connection: Connection;
    try {
      // The verdict of a 0-RTT ClientHello let in without a cookie; else the connection asks a synchronous store.
      const antiReplay =
        earlyDataAdmitted === undefined
          ? this.askingStore
          : typeof earlyDataAdmitted === 'boolean'
            ? { admit: () => earlyDataAdmitted, generation: this.store.generation }
            : {
                admit: (): boolean => {
                  throw new CallbackError('antiReplay', earlyDataAdmitted.threw);
                },
                generation: this.store.generation,
              };
      connection = DtlsConnection.serverSharing(this.configs, this.perConnection(antiReplay, remote.address, start));
    } catch {
      this.tallies.connectionErrors++;
      return;
    }
    const slot = this.transport.slotOf(key);
    // One restart at a time per address: a newer one supersedes a successor still handshaking.
    const superseded = slot.successor;
    if (superseded !== undefined)
      superseded.abort('replaced', 'superseded by a newer handshake from the same address and port');
    const driver: Driver = new SessionDriver(remote, this);
    this.side.makeSession(driver);
    const place = driver.place;
    place.key = key;
    place.host = host;
    place.random = random;
    driver.drive(connection, this.transport.socket, remote);
    if (slot.primary === undefined) slot.primary = driver;
    else slot.successor = driver;
    this.admission.opened(host);
    this.side.accepted(driver, random);
    // With the path it came over: the session's peer is there until it moves as a peer moves (RFC 9853, RFC 9146 §6),
    // never wherever the first CID-routed datagram happens to come from (a copy an attacker got there first).
    driver.deliver(first, remote);
  }

  /**
   * Each event of a session (but application data), before the session's own handling: a fatal alert of ours while
   * handshaking (not a callback's nor a timeout's) counts as a refused handshake, as the cookie exchange's refusals do.
   */
  sessionEvent(session: Driver, e: ConnectionEvent): void {
    if (e.type === 'handshakeComplete') this.established(session);
    else if (e.type === 'connectionIdIssued') {
      this.transport.issued(session, e.cid);
      for (const o of this.cidObservers) o.issued(e.cid.slice());
    } else if (e.type === 'connectionIdRetired') {
      this.transport.retired(session, e.cid);
      for (const o of this.cidObservers) o.retired(e.cid);
    } else if (e.type === 'pathMigrated') this.migrated(session, e.validated);
    else if (e.type === 'alert' && e.sent && e.level === 'fatal' && session.place.handshaking) {
      const c = session.connection;
      if (c?.failure?.callbackError === undefined && c?.expired === undefined) this.side.handshakeFailed();
    }
  }

  private established(session: Driver): void {
    const place = session.place;
    if (!place.handshaking) return;
    place.handshaking = false;
    place.handshakeKeysUntil = sessionNow() + HANDSHAKE_KEYS_RETENTION_MS;
    this.resting.schedule(session);
    this.admission.established(place.host);
    const old = this.transport.established(session);
    if (old) {
      this.tallies.restarts++;
      old.abort(
        'replaced',
        'replaced: the client completed a new handshake from the same address and port (RFC 9147 §5.11)',
      );
    }
  }

  /**
   * The session moved: its address slot follows (unless another session holds it). Its admission count moves only
   * after RRC: without it any key holder could move a session onto a spoofed address and fill a victim host's share.
   */
  private migrated(session: Driver, validated: boolean): void {
    this.tallies.migrations++;
    this.transport.migrated(session);
    if (validated) {
      const place = session.place;
      const host = this.hostOf(session.remote.address);
      this.admission.moved(place.host, host, place.handshaking);
      place.host = host;
    }
  }

  connectionEnded(session: Driver, crashed: boolean): void {
    const place = session.place;
    if (place.handshaking && session.connection?.expired === 'handshake') this.tallies.handshakeTimeouts++;
    this.resting.cancel(session);
    if (this.cidObservers.size > 0)
      for (const k of place.cids ?? []) for (const o of this.cidObservers) o.retired(Buffer.from(k, 'latin1'));
    this.transport.ended(session);
    this.admission.closed(place.host, place.handshaking);
    place.handshaking = false;
    if (crashed) this.tallies.connectionErrors++;
  }
}

const NO_CALLBACK = (): void => {};

function addressOf(socket: Socket): SessionAddress {
  return withFamily(socket.address());
}

/** What the server refused or ended by itself (`listener.stats` reads it). */
export type UdpServerStats = NonNullable<ListenerAdmission['serverStats']>;
