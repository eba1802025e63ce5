import { createSocket, type Socket } from 'node:dgram';
import { isIP, type AddressInfo } from 'node:net';
import { MAX_SERVER_CONNECTIONS } from './connection-limits.js';
import { ConfigError, integerOption } from '../config-error.js';
import { DtlsConnection, HANDSHAKE_KEYS_RETENTION_MS, type ConnectionOptions } from '../dtls/connection.js';
import { resolveConfig, type ResolvedConfig } from '../connection/config.js';
import { HelloRetryResponder } from '../connection/hello-retry-responder.js';
import { DEFAULT_MAX_CLIENT_HELLO_LENGTH, DEFAULT_MAX_PENDING_CLIENT_HELLOS } from '../connection/hello-retry-reassembly.js';
import type { DeadlineOptions } from '../connection/deadlines.js';
import { screenFrozen, type FrozenSession } from '../connection/hibernation.js';
import { Admission, type AdmissionLimits, type Refusal } from './admission.js';
import { hostKey, hostPrefixes, type HostPrefixes } from './host-key.js';
import { peekClientHello, type ClientHelloPeek } from './client-hello-peek.js';
import { DatagramIo } from './datagram-io.js';
import { DtlsEndpoint, pathOf, type EndpointOwner } from './endpoint.js';
import type { ConnectionEvent, SessionParameters } from '../connection/events.js';
import { TimingWheel } from './timing-wheel.js';
import { processAntiReplay, type AntiReplayStore, type SyncAntiReplay } from '../session/anti-replay.js';
import { AntiReplayWait, antiReplayWaitLimits, type AntiReplayWaitLimits, type AntiReplayWaitOptions, type AntiReplayWaitStats } from './anti-replay-wait.js';
import { TICKET_AGE_TOLERANCE_MS } from '../connection/psk-selection.js';
import { CallbackError, callApplication } from '../handshake/callback-error.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import { resolveVersionRange } from '../versions/versions.js';
import { HelloResponder, type HelloOutcome } from '../dtls/hello-responder.js';
import { serverConfigs, type VersionConfigs } from '../dtls/version-configs.js';
import type { Connection } from '../connection/connection-api.js';

/** What a connection starts with from the cookie exchange (hello-responder.ts). */
type HelloStart = Extract<HelloOutcome, { kind: 'accept' }>['start'];
import { HeapTrimmer, trimNativeHeap } from './heap-trim.js';

/** Told of a ClientHello the stateless exchange refused with an alert. */
export type RefusalListener = (
  remote: { readonly address: string; readonly port: number },
  alert: string,
  reason: string,
  /** What an application callback (`sni`, `psk`) threw, when that is why (the alert is then internal_error). */
  callbackError?: unknown,
) => void;

/** The anti-replay store's verdict on a 0-RTT ClientHello, or what it threw (or rejected with): the handshake then fails with internal_error. */
type StoreVerdict = boolean | { readonly threw: unknown };

/** The connection-level store of the UDP server's connections: the server decides before the connection exists. */
const REFUSE_EARLY_DATA = { admit: (): boolean => false };
/** The tls12_cid content type (RFC 9146 §4), and where its CID starts: after type (1), version (2), epoch (2) and sequence number (6). */
const TLS12_CID = 25;
const TLS12_CID_AT = 11;

export interface UdpServerOptions extends Omit<ConnectionOptions, 'antiReplay'> {
  /**
   * The 0-RTT anti-replay store (RFC 8446 §8; default: this process's
   * memory). Servers that share `ticketKeys` share it too (a
   * `RedisAntiReplay`), so one flight of early data is taken once. An
   * asynchronous store is asked before the connection starts; with
   * `cookies: false` only a synchronous one can admit early data.
   */
  readonly antiReplay?: AntiReplayStore;
  /** Caps on what is held while an asynchronous `antiReplay` store decides (see {@link AntiReplayWaitOptions}). */
  readonly antiReplayWait?: AntiReplayWaitOptions;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind (default 0: any free port; read it from `address`). */
  readonly port?: number;
  /**
   * Answer every new client with a stateless HelloRetryRequest carrying a
   * cookie (RFC 9147 §5.1) and keep state only for clients that return it
   * (default true).
   */
  readonly cookies?: boolean;
  /**
   * Connections at most, handshaking or established (default 10,000). A full
   * server answers new peers with silence: no HelloRetryRequest, no alert.
   */
  readonly maxConnections?: number;
  /** Connections still handshaking at most (default 1,000); new peers beyond it get silence. */
  readonly maxHandshakes?: number;
  /**
   * Connections at most from one host (default 100), where a host is an IPv4
   * address or an IPv6 /56 (see `ipv4HostPrefix`, `ipv6HostPrefix`). With the global default that is 1 % of the
   * table, so filling it takes 100 hosts that each answered a cookie —
   * addresses an off-path attacker cannot forge — while a NAT with many
   * users behind one address still gets 100 sessions (raise it for
   * carrier-grade NAT).
   */
  readonly maxConnectionsPerHost?: number;
  /**
   * Connections still handshaking at most from one host (default 10): 1 % of
   * the global default, so one host can never hold the handshake slots that
   * everyone else needs. Honest clients handshake for a round trip or two, so
   * ten at once from one address is already a busy NAT; a refused one
   * retransmits and gets in once a slot is free.
   */
  readonly maxHandshakesPerHost?: number;
  /**
   * A handshake must complete within this many ms of its connection's
   * creation (default 10,000), or the connection is dropped and its slot
   * freed. Retransmissions and junk datagrams never extend it. 10 s covers
   * a handful of retransmissions of every flight (1 s, 2 s, 4 s backoff)
   * while bounding how long a stalled peer holds a handshake slot.
   */
  readonly handshakeTimeoutMs?: number;
  /**
   * Close an established connection after this many ms without a record that
   * authenticated under its keys (default 300,000; 0: never). Datagrams that
   * do not authenticate — junk, forgeries, plaintext — never reset it.
   */
  readonly idleTimeoutMs?: number;
  /**
   * An established session with no authenticated record for this many ms
   * parks (default 30,000; 0: never): its keys' OpenSSL contexts (about
   * 1.2 KB per key and direction, with the native addon) are freed and
   * made again by its next record, and once its handshake is 4 minutes old
   * (twice the MSL: RFC 9147 §5.8.1) its handshake keys (epoch 2) go. What
   * an idle session holds drops by about half; waking costs a microsecond.
   * A parked DTLS 1.3 session at rest (nothing under way:
   * DtlsConnection.hibernate) also hibernates: its connection is let
   * go and the session kept as a string of a few hundred bytes, made a
   * connection again by whatever next needs it (a new authentic record, a
   * call on it); a datagram with none is screened with the read keys the
   * string keeps and dropped without a thaw. Thawed by a call, it rests
   * again after another `parkAfterMs`.
   */
  readonly parkAfterMs?: number;
  /**
   * ClientHellos that came in fragments (big key shares, small MTUs) and are
   * being reassembled before the cookie exchange, over all peers (default
   * 128; 0: fragmented ClientHellos are dropped). Beyond it the oldest is
   * evicted; the client's retransmission brings it back. Only with cookies.
   */
  readonly maxPendingClientHellos?: number;
  /** Longest ClientHello body reassembled before the cookie exchange, in bytes (default 8,192; 64..16,372). */
  readonly maxClientHelloLength?: number;
  /**
   * Leading bits of an IPv4 source address that name one host for the
   * per-host limits (default 32: each address; 8..32). Lower it where one
   * customer holds a block of addresses.
   */
  readonly ipv4HostPrefix?: number;
  /**
   * Leading bits of an IPv6 source address that name one host for the
   * per-host limits (default 56: one site's usual allocation, RFC 6177;
   * 16..128). Addresses that carry an IPv4 address (mapped, compatible,
   * NAT64, Teredo, 6to4) count against that IPv4 host; a link-local one
   * against itself on its interface. docs/security/admission.md has the rest.
   */
  readonly ipv6HostPrefix?: number;
  /** Set SO_REUSEPORT on the socket (node:dgram's `reusePort`, Node 22.12 / 23.1 and later; older Nodes ignore it). */
  readonly reusePort?: boolean;
  /** The DTLS 1.2 suites, in preference order (from `ciphers`; default: runtime/dtls12/config12.ts's). */
  readonly cipherSuites12?: readonly Dtls12CipherSuite[];
}

/**
 * Takes a datagram elsewhere before the server sees it (true: taken): a worker's routing by the CID's owner. A function
 * instead of false: the server handles the datagram, then calls it with the endpoint a record of it authenticated at,
 * found by its CID, if one did (a route that follows a peer moves only for that peer's own authenticated records).
 */
export type DatagramRoute = (datagram: Uint8Array, address: string, port: number) => boolean | ((authenticated: DtlsEndpoint | undefined) => void);

/** What the server refused or ended by itself. */
export interface UdpServerStats {
  /** ClientHello datagrams from new peers dropped, silently, because a limit was reached: `refusedGlobal` + `refusedPerHost`. */
  readonly refused: number;
  /** ... because of `maxConnections` or `maxHandshakes`. */
  readonly refusedGlobal: number;
  /** ... because of `maxConnectionsPerHost` or `maxHandshakesPerHost`. */
  readonly refusedPerHost: number;
  /** Connections closed for idleness. */
  readonly idleClosed: number;
  /** Times a quiet session was parked (`parkAfterMs`). */
  readonly parked: number;
  /** Times a parked session hibernated, and times one was thawed (by its next datagram or a call on it). */
  readonly hibernated: number;
  readonly thawed: number;
  /** Times the C heap was trimmed after sessions parked, and the ms it took in all. */
  readonly trims: number;
  readonly trimMs: number;
  /** Connections still handshaking. */
  readonly handshaking: number;
  /** Connections dropped because their handshake did not complete within `handshakeTimeoutMs`. */
  readonly handshakeTimeouts: number;
  /** Connections replaced by a new handshake from the same address and port (a restarted client, RFC 9147 §5.11). */
  readonly restarts: number;
  /** Connections ended, or datagrams dropped, because the connection code threw (a bug, never the process's end). */
  readonly connectionErrors: number;
  /** Promises of the anti-replay store, asked inside a connection (not waited for), that rejected. */
  readonly storeRejections: number;
  /** Fragmented ClientHellos being reassembled before the cookie exchange. */
  readonly pendingClientHellos: number;
  /** Datagrams dropped because their connection ID is no session's (never issued, retired, or of an ended session). */
  readonly unknownConnectionId: number;
  /** Sessions moved to a new client address (after a return routability check, RFC 9853). */
  readonly migrations: number;
  /** Connection IDs of this server's sessions the server routes by. */
  readonly connectionIds: number;
  /** 0-RTT ClientHellos and datagrams held for the anti-replay store now, and what its caps and verdicts turned away. */
  readonly antiReplay: AntiReplayWaitStats;
}

/** The server's limits, checked. */
export interface UdpServerLimits extends AdmissionLimits {
  readonly hostPrefixes: HostPrefixes;
  readonly idleMs: number;
  readonly parkMs: number;
  readonly handshakeMs: number;
  readonly pendingClientHellos: number;
  readonly clientHelloLength: number;
  readonly antiReplayWait: AntiReplayWaitLimits;
}

/** One connection of the server and what the server tracks about it; the owner of its endpoint (its events and end). */
interface Peer extends EndpointOwner {
  readonly endpoint: DtlsEndpoint;
  /** `address|port` (it changes when the session migrates). */
  key: string;
  /** Its connection IDs, as routing keys (made with the first). */
  cids: Set<string> | undefined;
  /** The host it counts against for admission (see {@link hostKey}; it changes when the session migrates to a validated path). */
  host: string;
  /** ClientHello.random (hex) of the handshake that made it, once seen. */
  random: string | undefined;
  handshaking: boolean;
  /** Until when it may still hold its handshake keys (epoch 2), once established. */
  handshakeKeysUntil: number | undefined;
}

/**
 * The connections of one client address and port: the current one, and
 * while a restarted client handshakes again (RFC 9147 §5.11), its successor.
 */
interface Slot {
  primary: Peer | undefined;
  successor: Peer | undefined;
}

/**
 * A DTLS server (1.3, or 1.2 when a ClientHello offers no 1.3: DtlsConnection chooses from the first ClientHello)
 * on one UDP socket: connections per client address and
 * port, created when that client's ClientHello (with a valid cookie, when
 * cookies are on) arrives, within global and per-host limits.
 *
 * A client that restarts on the same address and port (RFC 9147 §5.11)
 * starts a second connection beside the first; while both exist every
 * datagram from that address goes to both, and each drops what does not
 * authenticate under its own keys. When the new one completes its
 * handshake, the old one ends with reason `replaced`. ClientHellos are
 * routed by ClientHello.random: a retransmission goes to the connection it
 * started, a new one to the cookie exchange.
 */
export class DtlsUdpServer {
  readonly socket: Socket;
  private readonly route: DatagramRoute | undefined;
  private readonly slots = new Map<string, Slot>();
  private readonly listeners = new Set<(endpoint: DtlsEndpoint) => void>();
  private readonly refusalListeners = new Set<RefusalListener>();
  /** The answer to a ClientHello from a peer without a connection: the version's cookie exchange, or a protocol_version refusal. */
  private readonly responder: HelloResponder;
  /** Cookie exchanges on (`cookies`, default true). */
  private readonly cookies: boolean;
  private readonly limits: UdpServerLimits;
  private readonly admission: Admission;
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** Established sessions by the time they become idle (last authenticated record + idleMs): a sweep looks only at those due. */
  private readonly idle: TimingWheel<Peer> | undefined;
  private readonly store: AntiReplayStore;
  /** 0-RTT ClientHellos waiting for the anti-replay store, with the datagrams that came meanwhile, under caps. */
  private readonly storeWait: AntiReplayWait;
  /** The options every connection is made from (the anti-replay verdict is added per connection). */
  private readonly connectionOptions: ConnectionOptions;
  private readonly connectionIdTaken = (cid: Uint8Array): boolean => this.cids.has(cidKey(cid));
  /** The anti-replay verdict of connections not let in on an early verdict: the store, asked synchronously (one object for all). */
  private readonly askingStore = { admit: (k: Uint8Array, w: number): boolean => this.askStore(k, w) };
  /** The connection options resolved once, at listen, and shared by every connection (each adds only its own hooks). */
  private readonly config: ResolvedConfig;
  /** The per-connection options every connection gets as they are (the inspector, the datagram observer, the wall clock). */
  private readonly observers: Pick<ConnectionOptions, 'inspect' | 'onDatagram' | 'wallClock'>;
  /** When the C heap is given back after sessions park. */
  private readonly trimmer = new HeapTrimmer(trimNativeHeap);
  private counts = {
    refusedGlobal: 0,
    refusedPerHost: 0,
    idleClosed: 0,
    parked: 0,
    hibernated: 0,
    thawed: 0,
    handshakeTimeouts: 0,
    restarts: 0,
    connectionErrors: 0,
    storeRejections: 0,
    unknownConnectionId: 0,
    migrations: 0,
  };
  /** Sessions by connection ID (latin1 string of its bytes), for datagrams whose records carry one. */
  private readonly cids = new Map<string, Peer>();
  /** The length of our CIDs (0: none, datagrams are routed by address only). */
  private readonly cidLength: number;
  /** The configurations of the versions answered (minVersion..maxVersion), resolved once over `config`. */
  private readonly configs: VersionConfigs;

  /**
   * @internal A datagram another worker or host received for a session here (a copy of its own); the endpoint of the
   * session its CID names when a record of it authenticated there.
   */
  inject(d: Uint8Array, address: string, port: number): DtlsEndpoint | undefined {
    return this.datagram(d, address, port);
  }

  private constructor(options: UdpServerOptions, socket: Socket, route?: DatagramRoute) {
    this.route = route;
    this.socket = socket;
    const { antiReplay, minVersion, maxVersion, cipherSuites12, ...rest } = options;
    this.store = antiReplay ?? processAntiReplay();
    this.connectionOptions = { ...rest, antiReplay: REFUSE_EARLY_DATA };
    this.limits = DtlsUdpServer.validate(options);
    this.config = resolveConfig('server', this.connectionOptions);
    // The 1.2 cookie exchange as the 1.3 one (`cookies`), under one secret for the listener.
    const versioned = {
      ...this.connectionOptions,
      ...(minVersion !== undefined ? { minVersion } : {}),
      ...(maxVersion !== undefined ? { maxVersion } : {}),
      ...(cipherSuites12 !== undefined ? { cipherSuites12 } : {}),
      helloVerify: options.cookies !== false,
    };
    this.configs = serverConfigs(versioned, this.config);
    const { inspect, onDatagram, wallClock } = this.connectionOptions;
    this.observers = { ...(inspect ? { inspect } : {}), ...(onDatagram ? { onDatagram } : {}), ...(wallClock ? { wallClock } : {}) };
    this.cidLength = typeof options.cid === 'number' ? options.cid : (options.cid?.length ?? 0);
    this.admission = new Admission(this.limits);
    this.storeWait = new AntiReplayWait(this.store, this.limits.antiReplayWait);
    const sweepMs = Math.min(this.limits.idleMs || Infinity, this.limits.parkMs || Infinity);
    if (sweepMs !== Infinity) {
      const tick = Math.round(Math.max(10, Math.min(1000, sweepMs / 4)));
      this.idle = new TimingWheel<Peer>(DtlsEndpoint.now(), tick);
      this.sweeper = setInterval(() => this.sweepIdle(), tick);
      this.sweeper.unref();
    }
    this.cookies = options.cookies !== false;
    const retry13 =
      !this.cookies || this.configs.config13 === undefined
        ? undefined
        : new HelloRetryResponder(this.connectionOptions, undefined, undefined, {
            maxPendingClientHellos: this.limits.pendingClientHellos,
            maxClientHelloLength: this.limits.clientHelloLength,
          });
    this.responder = new HelloResponder(this.configs, retry13);
    // Every datagram, read in batches (recvmmsg, UDP GRO) where the platform allows; protected records lent, not copied (nothing
    // here keeps a datagram: the record layer copies what it hands up, the anti-replay wait what it holds), unless an
    // onDatagram observer is there to see (and maybe keep) every datagram.
    // `route` (a worker's: runtime/node/dtls/workers) takes the datagrams another worker or host holds the session of.
    const taken = this.route;
    DatagramIo.of(socket).receive(
      taken === undefined
        ? (d, address, port, path) => this.datagram(d, address, port, path)
        : (d, address, port, path) => {
            const routed = taken(d, address, port);
            if (routed === true) return;
            const authenticated = this.datagram(d, address, port, path);
            if (routed !== false) routed(authenticated);
          },
      { lend: onDatagram === undefined },
    );
    // A send error (no route, a full buffer) is the network losing a datagram; without this listener it would end the process.
    socket.on('error', () => {});
  }

  /** Checks every option (ConfigError names the one that is wrong) and returns the server's limits. */
  static validate(options: UdpServerOptions): UdpServerLimits {
    const { inspect, antiReplay, minVersion: _minVersion, maxVersion: _maxVersion, cipherSuites12: _cipherSuites12, ...connectionOptions } = options;
    resolveVersionRange(options.minVersion, options.maxVersion);
    if (antiReplay !== undefined && (typeof antiReplay !== 'object' || antiReplay === null || typeof antiReplay.admit !== 'function')) {
      throw new ConfigError('antiReplay', 'must be a store with admit(key, windowMs) (MemoryAntiReplay, RedisAntiReplay)');
    }
    if (inspect !== undefined && typeof inspect !== 'function') throw new ConfigError('inspect', 'must be a function receiving inspection events');
    if (options.cookies !== undefined && typeof options.cookies !== 'boolean')
      throw new ConfigError('cookies', `must be a boolean, got ${String(options.cookies)}`);
    DtlsConnection.server(connectionOptions); // the connection options, now rather than at the first client (uninspected: it is no connection)
    return {
      connections: integerOption('maxConnections', options.maxConnections ?? 10_000, 1, MAX_SERVER_CONNECTIONS),
      handshakes: integerOption('maxHandshakes', options.maxHandshakes ?? 1_000, 1, 1_000_000),
      connectionsPerHost: integerOption('maxConnectionsPerHost', options.maxConnectionsPerHost ?? 100, 1, MAX_SERVER_CONNECTIONS),
      handshakesPerHost: integerOption('maxHandshakesPerHost', options.maxHandshakesPerHost ?? 10, 1, 1_000_000),
      handshakeMs: integerOption('handshakeTimeoutMs', options.handshakeTimeoutMs ?? 10_000, 1, 3_600_000),
      idleMs: integerOption('idleTimeoutMs', options.idleTimeoutMs ?? 300_000, 0, 86_400_000),
      parkMs: integerOption('parkAfterMs', options.parkAfterMs ?? 30_000, 0, 86_400_000),
      pendingClientHellos: integerOption('maxPendingClientHellos', options.maxPendingClientHellos ?? DEFAULT_MAX_PENDING_CLIENT_HELLOS, 0, 1_000_000),
      clientHelloLength: integerOption('maxClientHelloLength', options.maxClientHelloLength ?? DEFAULT_MAX_CLIENT_HELLO_LENGTH, 64, 16_372),
      hostPrefixes: hostPrefixes(options.ipv4HostPrefix, options.ipv6HostPrefix),
      antiReplayWait: antiReplayWaitLimits(options.antiReplayWait),
    };
  }

  /**
   * Binds the socket; resolves once it is listening. `io.udp`: node:dgram's
   * socket options (`ttl` set once bound); `io.socket`: a socket that is
   * already there (a transport's), used as it is, unbound.
   */
  static async listen(
    options: UdpServerOptions,
    io: {
      readonly socket?: Socket;
      readonly route?: DatagramRoute;
      readonly udp?: { readonly ipv6Only?: boolean; readonly recvBufferSize?: number; readonly sendBufferSize?: number; readonly ttl?: number };
    } = {},
  ): Promise<DtlsUdpServer> {
    if (io.socket !== undefined) return new DtlsUdpServer(options, io.socket, io.route);
    const host = options.host ?? '127.0.0.1';
    const family = isIP(host);
    if (family === 0) throw new ConfigError('host', `must be an IP address to bind, got ${host}`);
    if (options.port !== undefined) integerOption('port', options.port, 0, 65535);
    const { ttl, ...udp } = io.udp ?? {};
    const socketOptions = { type: family === 6 ? 'udp6' : 'udp4', ...udp, ...(options.reusePort === true ? { reusePort: true } : {}) } as const;
    const socket = createSocket(socketOptions);
    let server: DtlsUdpServer;
    try {
      server = new DtlsUdpServer(options, socket);
    } catch (e) {
      socket.close();
      throw e;
    }
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, host, () => {
        socket.off('error', reject);
        try {
          if (ttl !== undefined) socket.setTTL(ttl);
        } catch (e) {
          socket.close();
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        resolve(server);
      });
    });
  }

  get address(): AddressInfo {
    return this.socket.address();
  }

  /** Number of connections (a restarting client briefly has two). */
  get size(): number {
    return this.admission.connections;
  }

  get stats(): UdpServerStats {
    const c = this.counts;
    return {
      ...c,
      trims: this.trimmer.trims,
      trimMs: this.trimmer.trimMs,
      refused: c.refusedGlobal + c.refusedPerHost,
      handshaking: this.admission.handshakes,
      pendingClientHellos: this.responder.pendingClientHellos?.count ?? 0,
      connectionIds: this.cids.size,
      antiReplay: this.storeWait.stats,
    };
  }

  /** Connections and handshakes of the host `address` counts against (see {@link hostKey}). */
  hostUsage(address: string): { readonly connections: number; readonly handshakes: number } {
    return this.admission.usage(this.hostOf(address));
  }

  /** The host `address` counts against, by this server's prefixes. */
  private hostOf(address: string): string {
    return hostKey(address, this.limits.hostPrefixes);
  }

  /**
   * Calls `listener` when the stateless cookie exchange refuses a ClientHello
   * with an alert before any connection exists (no cipher suite or group in
   * common, a bad cookie): who, the alert and why.
   */
  onRefusal(listener: RefusalListener): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  /**
   * Calls `listener` with each new client endpoint (before its handshake completes). Its `handshake` promise is typed
   * with the 1.3 connection's parameters; a DTLS 1.2 peer's are a Negotiated12Parameters (`isDtls12`), as `onEvent` types them.
   */
  onConnection(listener: (endpoint: DtlsEndpoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes every connection (close_notify where connected) and the socket. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.trimmer.close();
    this.storeWait.clear();
    const open = this.peers();
    for (const p of open) p.endpoint.close();
    await Promise.all(open.map((p) => p.endpoint.flushed()));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private peers(): Peer[] {
    const all: Peer[] = [];
    for (const s of this.slots.values()) {
      if (s.primary) all.push(s.primary);
      if (s.successor) all.push(s.successor);
    }
    return all;
  }

  /**
   * Closes the sessions idle for idleMs and parks those quiet for parkMs
   * (again once their handshake keys may go); each goes back in, due at
   * its next deadline counted from its last authenticated record.
   */
  private sweepIdle(): void {
    const now = DtlsEndpoint.now();
    const { idleMs, parkMs } = this.limits;
    let rested = 0; // parks in this sweep, first ones and later ones that hibernated: what the C heap trim counts
    this.idle?.advance(now, (p) => {
      const last = p.endpoint.lastAuthenticated;
      if (idleMs > 0 && last + idleMs < now) {
        this.counts.idleClosed++;
        p.endpoint.close();
        return;
      }
      const e = p.endpoint;
      const handshakeKeysDue = p.handshakeKeysUntil !== undefined && now >= p.handshakeKeysUntil;
      // Parked again: once its handshake keys may go, once quiet again after a thaw that did not wake it, and (every parkMs)
      // while it could not hibernate yet. A hibernated session is not thawed for its handshake keys: they go at its thaw.
      const thawedAt = e.thawedAt;
      const deferred = e.hibernationDeferredSince;
      const again = handshakeKeysDue || (thawedAt !== undefined && thawedAt + parkMs < now) || (deferred !== undefined && deferred + parkMs < now);
      if (parkMs > 0 && last + parkMs < now && (!e.isParked || again) && !e.isHibernated) {
        if (!e.isParked) this.counts.parked++;
        e.park(now);
        rested++;
        if (e.isHibernated) this.counts.hibernated++;
      }
      if (handshakeKeysDue) p.handshakeKeysUntil = undefined;
      this.scheduleSweep(p);
    });
    this.trimmer.swept(now, rested);
  }

  /** A parked session took a record: due again when quiet for parkMs. */
  private woke(p: Peer): void {
    if (!p.handshaking) this.scheduleSweep(p);
  }

  /** A hibernated session's connection again, on the configuration and per-connection options it was made with. */
  private thaw(frozen: FrozenSession, remote: { readonly address: string }, now: number): DtlsConnection {
    this.counts.thawed++;
    return DtlsConnection.thaw(this.configs, this.perConnection(this.askingStore, remote.address), frozen, now);
  }

  /** What differs between this server's connections: the observers, the anti-replay store's verdict, the client's address, CIDs taken. */
  private perConnection(antiReplay: SyncAntiReplay, peerAddress: string, start?: HelloStart): ConnectionOptions & DeadlineOptions {
    return {
      ...this.observers,
      antiReplay,
      peerAddress,
      ...start,
      connectionIdTaken: this.connectionIdTaken,
      // The connection keeps the deadline itself (pollTimeout); the endpoint sleeps until it.
      handshakeTimeoutMs: this.limits.handshakeMs,
    };
  }

  /** Puts an established session in the sweep at its next deadline: idle, quiet, or its handshake keys' end (once parked). */
  private scheduleSweep(p: Peer): void {
    const { idleMs, parkMs } = this.limits;
    const last = p.endpoint.lastAuthenticated;
    let due = idleMs > 0 ? last + idleMs + 1 : Infinity;
    const e = p.endpoint;
    if (parkMs > 0 && !e.isParked) due = Math.min(due, last + parkMs + 1);
    else if (parkMs > 0 && p.handshakeKeysUntil !== undefined) due = Math.min(due, p.handshakeKeysUntil + 1);
    for (const since of [e.thawedAt, e.hibernationDeferredSince]) if (parkMs > 0 && since !== undefined) due = Math.min(due, since + parkMs + 1);
    if (due !== Infinity) this.idle?.schedule(p, due);
  }

  /**
   * A datagram whose first record is a DTLSCiphertext carrying a CID of our
   * length (or a DTLS 1.2 tls12_cid record) goes to the session of that
   * CID, from whatever address it came (RFC 9146; the session checks a new
   * address: RFC 9853 in 1.3, peer-path12.ts in 1.2); an unknown CID is
   * dropped and counted. True when the datagram was routed so.
   */
  /** Where a datagram's first record carries its CID: after a unified header's first byte, or in a tls12_cid record; 0 without one. */
  private cidAt(d: Uint8Array): number {
    const first = d[0];
    if (this.cidLength === 0 || first === undefined) return 0;
    // Unified header (001CSLEE, RFC 9147 §4) with the C bit: the CID right after the first byte. A DTLS 1.2 tls12_cid
    // record (content type 25, RFC 9146 §4): the CID after type, version, epoch and sequence number.
    return (first & 0xe0) === 0x20 && (first & 0x10) !== 0 ? 1 : first === TLS12_CID ? TLS12_CID_AT : 0;
  }

  /** @internal Whether `d`'s first record carries a CID of a session held here (not that the record authenticates). */
  holdsConnectionId(d: Uint8Array): boolean {
    const at = this.cidAt(d);
    return at !== 0 && d.length >= at + this.cidLength && this.cids.has(cidKey(d.subarray(at, at + this.cidLength)));
  }

  /**
   * Hands a datagram to the session its CID names: false without a CID of our length (not routed so), else the
   * session's endpoint when a record of it authenticated there (undefined when none did).
   */
  private routedByConnectionId(d: Uint8Array, address: string, port: number): DtlsEndpoint | undefined | false {
    const at = this.cidAt(d);
    if (at === 0) return false;
    if (d.length < at + this.cidLength) {
      this.counts.unknownConnectionId++;
      return undefined;
    }
    const peer = this.cids.get(cidKey(d.subarray(at, at + this.cidLength)));
    if (peer !== undefined) return peer.endpoint.deliver(d, { address, port }) ? peer.endpoint : undefined;
    this.counts.unknownConnectionId++;
    return undefined;
  }

  /** Handles one datagram; the endpoint a record of it authenticated at when it went to a session by its CID. */
  private datagram(d: Uint8Array, address: string, port: number, path?: string): DtlsEndpoint | undefined {
    const byCid = this.routedByConnectionId(d, address, port);
    if (byCid !== false) return byCid;
    this.byAddress(d, address, port, path);
    return undefined;
  }

  /** A datagram without a CID of ours: to the session of its address and port, or a ClientHello for a new one. */
  private byAddress(d: Uint8Array, address: string, port: number, path?: string): void {
    const key = path ?? `${address}|${port}`;
    if (this.storeWait.hold(key, d)) return; // a 0-RTT ClientHello of this address and port is waiting for the store
    const slot = this.slots.get(key);
    const hello = peekClientHello(d);
    if (slot && !hello) {
      // Everything but a ClientHello goes to every connection of the address; each drops what does not authenticate under its keys.
      const { primary, successor } = slot;
      primary?.endpoint.deliver(d);
      successor?.endpoint.deliver(d);
      return;
    }
    if (!hello) return; // no connection, and not a ClientHello: nothing to start
    const known = slot && this.matching(slot, hello);
    if (known) {
      known.endpoint.deliver(d);
      return;
    }
    if (slot && hello.random === undefined && !this.cookies) {
      // Without cookies a connection reassembles its own ClientHello: a later fragment goes to the newest handshake.
      const newest = slot.successor ?? slot.primary;
      if (newest?.handshaking) newest.endpoint.deliver(d);
      return;
    }
    const host = this.hostOf(address);
    const refusal = this.admission.refusal(host, slot?.primary !== undefined);
    if (refusal) return this.refuse(refusal);
    // The version and its cookie exchange are the core's (hello-responder.ts): the connection started speaks what it chose.
    let outcome: HelloOutcome;
    try {
      outcome = this.responder.handle(d, key, DtlsEndpoint.now(), address);
    } catch {
      this.counts.connectionErrors++;
      return;
    }
    if (outcome.kind === 'reply') return this.reply(outcome, address, port);
    if (outcome.kind !== 'accept') return;
    const random = outcome.random ?? hello.random;
    const same = slot && random !== undefined && outcome.random !== undefined && this.matching(slot, { ...hello, random });
    if (same)
      same.endpoint.deliver(outcome.datagram); // a fragmented retransmission, reassembled
    else if (outcome.earlyDataKey && random !== undefined) this.startAfterStore(key, host, { address, port }, random, outcome.datagram, outcome.earlyDataKey);
    else this.start(key, host, { address, port }, random, outcome.start, outcome.datagram);
  }

  /** The connection of `slot` that `hello` belongs to: the one its ClientHello.random started, or a handshake that has not seen its random yet. */
  private matching(slot: Slot, hello: ClientHelloPeek): Peer | undefined {
    if (hello.random === undefined) return undefined;
    for (const p of [slot.successor, slot.primary]) {
      if (p === undefined) continue;
      if (p.random === hello.random) return p;
      if (p.random === undefined && p.handshaking) {
        p.random = hello.random;
        return p;
      }
    }
    return undefined;
  }

  private refuse(refusal: Refusal): void {
    if (refusal === 'global') this.counts.refusedGlobal++;
    else this.counts.refusedPerHost++;
  }

  /** Sends the responder's HelloRetryRequest or alert to `address:port` (and tells the refusal listeners of an alert). */
  private reply(outcome: HelloOutcome & { kind: 'reply' }, address: string, port: number): void {
    DatagramIo.of(this.socket).send([outcome.datagram], 1, port, address, false, NO_CALLBACK);
    if (outcome.what !== 'hello-retry-request' && outcome.what !== 'hello-verify-request')
      for (const l of this.refusalListeners) l({ address, port }, outcome.what, outcome.reason ?? outcome.what, outcome.callbackError);
  }

  /**
   * A 0-RTT ClientHello from the address its ticket was issued to (ticket
   * and binder verified): asks the anti-replay store about its binder and,
   * when the store admits it, starts the connection with its early data;
   * the datagrams that came meanwhile follow. A refusal (a replay), a store
   * that does not answer in time, or caps with no room left: the cookie
   * exchange instead, so no connection starts at an address that did not
   * answer a cookie or send this ClientHello first (zero-rtt.md).
   */
  private startAfterStore(key: string, host: string, remote: { address: string; port: number }, random: string, first: Uint8Array, binder: Uint8Array): void {
    const asked = this.storeWait.ask(key, host, first, binder, 2 * TICKET_AGE_TOLERANCE_MS, (admitted, held) => {
      if (admitted === false) return this.retryWithCookie(key, remote, first);
      const refusal = this.admission.refusal(host, this.slots.get(key)?.primary !== undefined);
      if (refusal) return this.refuse(refusal); // slots filled while the store decided
      // A store that failed: the connection ends the handshake at once with internal_error and reports the store's error.
      this.start(key, host, remote, random, {}, first, admitted);
      if (admitted !== true) return;
      for (const d of held) this.datagram(d, remote.address, remote.port);
    });
    if (!asked) this.retryWithCookie(key, remote, first);
  }

  /** Answers `first`, a whole 0-RTT ClientHello, with the cookie exchange as if it came without early data. */
  private retryWithCookie(key: string, remote: { address: string; port: number }, first: Uint8Array): void {
    let outcome: HelloOutcome | undefined;
    try {
      outcome = this.responder.handle(first, key, DtlsEndpoint.now());
    } catch {
      this.counts.connectionErrors++;
      return;
    }
    if (outcome?.kind === 'reply') this.reply(outcome, remote.address, remote.port);
  }

  /**
   * The store asked from inside a connection (a ClientHello that came with a
   * cookie): only a synchronous answer counts. What it throws fails that
   * handshake (internal_error); a promise is not waited for (the early data
   * is refused), and its rejection is counted.
   */
  private askStore(key: Uint8Array, windowMs: number): boolean {
    const verdict = callApplication('antiReplay', () => this.store.admit(key, windowMs));
    if (typeof verdict === 'boolean') return verdict;
    verdict.then(undefined, () => this.counts.storeRejections++);
    return false;
  }

  /** Makes a connection for a new handshake from `key` and hands it the ClientHello datagram. */
  private start(
    key: string,
    host: string,
    remote: { address: string; port: number },
    random: string | undefined,
    start: HelloStart,
    first: Uint8Array,
    earlyDataAdmitted?: StoreVerdict,
  ): void {
    let connection: DtlsConnection;
    try {
      // The store's verdict for a 0-RTT ClientHello let in without a cookie; otherwise a synchronous store is asked by the connection.
      // A store that threw fails the handshake from inside the connection (internal_error, with what it threw).
      const antiReplay =
        earlyDataAdmitted === undefined
          ? this.askingStore
          : typeof earlyDataAdmitted === 'boolean'
            ? { admit: () => earlyDataAdmitted }
            : {
                admit: (): boolean => {
                  throw new CallbackError('antiReplay', earlyDataAdmitted.threw);
                },
              };
      connection = DtlsConnection.serverSharing(this.configs, this.perConnection(antiReplay, remote.address, start));
    } catch {
      this.counts.connectionErrors++;
      return;
    }
    this.admit(key, host, remote, random, connection, first);
  }

  /** Makes the peer of a new connection (either version) from `key` and hands it the ClientHello datagram. */
  private admit(
    key: string,
    host: string,
    remote: { address: string; port: number },
    random: string | undefined,
    connection: Connection,
    first: Uint8Array,
  ): void {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { primary: undefined, successor: undefined };
      this.slots.set(key, slot);
    }
    // One restart at a time per address: a newer one supersedes a successor still handshaking.
    slot.successor?.endpoint.abort('replaced', 'superseded by a newer handshake from the same address and port');
    const peer = new DtlsUdpServer.ServerPeer(this, connection, remote, key, host, random);
    const endpoint = peer.endpoint;
    if (slot.primary === undefined) slot.primary = peer;
    else slot.successor = peer;
    this.admission.opened(host);
    for (const l of this.listeners) l(endpoint);
    // With the path it came over: the session's peer is there until it moves as a peer moves (RFC 9853, RFC 9146 §6), never
    // wherever the first CID-routed datagram happens to come from (a copy an attacker got there first).
    endpoint.deliver(first, remote);
  }

  /**
   * A session's peer, and its endpoint's owner: the endpoint's events and its
   * end come to the server through it (one object per session, not a
   * closure per callback); nested in the class to reach its private members.
   */
  private static readonly ServerPeer = class ServerPeer implements Peer {
    readonly endpoint: DtlsEndpoint;
    key: string;
    cids: Set<string> | undefined = undefined;
    host: string;
    random: string | undefined;
    handshaking = true;
    handshakeKeysUntil: number | undefined = undefined;
    private readonly server: DtlsUdpServer;

    constructor(
      server: DtlsUdpServer,
      connection: Connection,
      remote: { address: string; port: number },
      key: string,
      host: string,
      random: string | undefined,
    ) {
      this.server = server;
      this.key = key;
      this.host = host;
      this.random = random;
      this.endpoint = new DtlsEndpoint(connection, server.socket, remote, this);
    }

    /** The server hears of each event before the application's listeners. */
    endpointEvent(_endpoint: DtlsEndpoint<SessionParameters>, e: ConnectionEvent): void {
      const server = this.server;
      if (e.type === 'handshakeComplete') server.established(this);
      else if (e.type === 'connectionIdIssued') server.routeConnectionId(this, e.cid);
      else if (e.type === 'connectionIdRetired') {
        const k = cidKey(e.cid);
        this.cids?.delete(k);
        if (server.cids.get(k) === this) server.cids.delete(k);
      } else if (e.type === 'pathMigrated') server.migrated(this, e.validated);
    }

    endpointEnded(): void {
      this.server.ended(this);
    }

    endpointWoke(): void {
      this.server.woke(this);
    }

    thaw(frozen: FrozenSession, endpoint: DtlsEndpoint<SessionParameters>, now: number): Connection {
      return this.server.thaw(frozen, endpoint.remote, now);
    }

    /** A datagram at the hibernated session, screened without thawing it: undefined when a new record of it authenticated. */
    screen(frozen: FrozenSession, datagram: Uint8Array): FrozenSession | undefined {
      const { provider, replayWindow, limits } = this.server.config;
      const ownsConnectionId = (cid: Uint8Array): boolean => this.cids?.has(cidKey(cid)) === true;
      return screenFrozen(frozen, datagram, { provider, replayWindow, maxRecordsPerDatagram: limits.maxRecordsPerDatagram, ownsConnectionId });
    }

    /** Thawed without waking: due to rest again once quiet for parkMs more. */
    endpointThawed(): void {
      this.server.scheduleSweep(this);
    }
  };

  private established(peer: Peer): void {
    if (!peer.handshaking) return;
    peer.handshaking = false;
    peer.handshakeKeysUntil = DtlsEndpoint.now() + HANDSHAKE_KEYS_RETENTION_MS;
    this.scheduleSweep(peer);
    this.admission.established(peer.host);
    const slot = this.slots.get(peer.key);
    if (slot?.successor !== peer) return;
    const old = slot.primary;
    slot.primary = peer;
    slot.successor = undefined;
    if (old) {
      this.counts.restarts++;
      old.endpoint.abort('replaced', 'replaced: the client completed a new handshake from the same address and port (RFC 9147 §5.11)');
    }
  }

  private routeConnectionId(peer: Peer, cid: Uint8Array): void {
    if (cid.length !== this.cidLength) return;
    const k = cidKey(cid);
    if (this.cids.has(k)) return; // never a duplicate: connectionIdTaken keeps the connection from issuing one
    this.cids.set(k, peer);
    (peer.cids ??= new Set()).add(k);
  }

  /**
   * The session moved (after RRC, or RFC 9146 §6 without it): its address
   * slot follows, so a ClientHello from the old address starts afresh. A
   * session already at the new address is left alone (moving there proves
   * nothing about it, least of all without RRC): the moved one is then
   * found by its CID only. Its admission count moves to the new host only
   * when the path was validated (RRC): without RRC any holder of the keys
   * can move a session onto a spoofed address, which would free its own
   * host's share and fill a victim's.
   */
  private migrated(peer: Peer, validated: boolean): void {
    this.counts.migrations++;
    const slot = this.slots.get(peer.key);
    if (slot) {
      if (slot.primary === peer) {
        slot.primary = slot.successor;
        slot.successor = undefined;
      } else if (slot.successor === peer) slot.successor = undefined;
      if (slot.primary === undefined) this.slots.delete(peer.key);
    }
    peer.key = pathOf(peer.endpoint.remote);
    if (validated) {
      const host = this.hostOf(peer.endpoint.remote.address);
      this.admission.moved(peer.host, host, peer.handshaking);
      peer.host = host;
    }
    const target = this.slots.get(peer.key);
    if (target === undefined) this.slots.set(peer.key, { primary: peer, successor: undefined });
    else if (target.primary === undefined) target.primary = peer;
  }

  private ended(peer: Peer): void {
    if (peer.handshaking && peer.endpoint.connection.expired === 'handshake') this.counts.handshakeTimeouts++;
    this.idle?.cancel(peer);
    for (const k of peer.cids ?? []) if (this.cids.get(k) === peer) this.cids.delete(k);
    peer.cids = undefined;
    this.admission.closed(peer.host, peer.handshaking);
    peer.handshaking = false;
    if (peer.endpoint.internalError !== undefined) this.counts.connectionErrors++;
    const slot = this.slots.get(peer.key);
    if (!slot) return;
    if (slot.primary === peer) {
      slot.primary = slot.successor;
      slot.successor = undefined;
    } else if (slot.successor === peer) slot.successor = undefined;
    if (slot.primary === undefined) this.slots.delete(peer.key);
  }
}

/** The routing key of a CID. */
function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}

const NO_CALLBACK = (): void => {};
