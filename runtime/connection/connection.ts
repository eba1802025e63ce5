/**
 * The DTLS connection a caller makes, whichever version it comes to speak (runtime/connection/README.md): one object with the
 * declared `Connection` surface (runtime/shared/connection-api.ts) and one phase, a discriminated field: `hello`
 * while the version is open (hello-phase.ts, the one place it is chosen), then `v13` (`Dtls13Connection`,
 * runtime/dtls13) or `v12` (`Connection12`, runtime/dtls12), each implementing `VersionState` itself. A client offers
 * every version of `minVersion..maxVersion` (default 1.2..1.3) in one ClientHello; a server answers in the newest both
 * have.
 */
import type { PathDatagram } from '../cid/cid-context.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import type { ResolvedConfig } from '../shared/config.js';
import {
  ConnectionStateError,
  type Connection,
  type ConnectionCounters,
  type ConnectionIds,
  type ConnectionStats,
  type SharedState,
  type VersionFacts,
  type VersionState,
} from '../shared/connection-api.js';
import { Dtls13Connection } from '../dtls13/connection.js';
import type { DeadlineOptions } from '../shared/deadlines.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { FrozenSession } from '../shared/hibernation.js';
import type { CallbackName } from '../handshake/callback-error.js';
import type { DtlsVersionName } from '../versions/versions.js';
import type { Connection12 } from '../dtls12/connection.js';
import { notInDtls12, type Dtls13Feature } from '../dtls12/feature-error.js';
import { connectionIdsOf } from '../shared/connection-facts.js';
import { exportKeying } from '../shared/export-keying.js';
import { CommonState } from './common-state.js';
import { CHARTS13 } from './role-drivers.js';
import { clientConfigs, serverConfigs, type VersionConfigs } from './version-configs.js';
import { firstPhase, type Phase } from './hello-phase.js';
import { booleanOption } from '../config-error.js';
import { keep } from '../wire/slab.js';

export {
  ConnectionStateError,
  type Connection,
  type ConnectionIds,
  type ConnectionOptions,
  type ConnectionStats,
  type RetainedState,
} from '../shared/connection-api.js';
export type { IgnoreReason } from '../shared/record-rules.js';
export { HANDSHAKE_KEYS_RETENTION_MS } from '../dtls13/connection.js';

import type { DtlsOptions } from './options.js';

export type { DtlsOptions, Options12 } from './options.js';

type Options = DtlsOptions;

/** The versions of a configuration resolved for 1.3 alone (one array for every such connection). */
const ONLY_13: readonly DtlsVersionName[] = ['DTLSv1.3'];

export class DtlsConnection implements Connection {
  readonly role: 'client' | 'server';
  /** The hello phase while the version is open, then the state of the version chosen (hello-phase.ts). */
  private phase: Phase;
  /** What is held once for both versions: the handshake and idle deadlines, the datagram observer (common-state.ts). */
  private readonly common: CommonState;
  /** The versions offered (client) or answered (server), newest first. */
  readonly versions: readonly DtlsVersionName[];

  /**
   * `options`: the protocol configuration (the 1.2 options too: `cipherSuites12`, ...; connection-api.ts), the version
   * range (`minVersion`, `maxVersion`) and the handshake and idle deadlines (none by default).
   * @throws ConfigError naming the option.
   */
  static client(options: Options = {}): DtlsConnection {
    return new DtlsConnection('client', options, clientConfigs(options));
  }

  /** See {@link client}. */
  static server(options: Options): DtlsConnection {
    return new DtlsConnection('server', options, serverConfigs(options));
  }

  /**
   * @internal
   * A server connection on configurations resolved once for many (as a
   * UDP server does at listen): `configs` from `serverConfigs`, or a
   * resolved 1.3 configuration alone (`resolveConfig('server', options)`:
   * 1.3 only). From `perConnection` only what differs between connections
   * is read (see Dtls13Connection.sharing; for 1.2, `peer` and
   * `cookieSecret`, the cookie's binding and key, and `helloVerify`).
   */
  static serverSharing(configs: VersionConfigs | ResolvedConfig, perConnection: Options): DtlsConnection {
    const c = 'enabled' in configs ? configs : { enabled: ONLY_13, config13: configs, config12: undefined };
    return new DtlsConnection('server', perConnection, c);
  }

  /** @internal A hibernated 1.3 server session made a connection again (Dtls13Connection.thaw). */
  static thaw(
    configs: VersionConfigs | ResolvedConfig,
    perConnection: Options,
    frozen: FrozenSession,
    now: number,
  ): DtlsConnection {
    const config = 'enabled' in configs ? configs.config13 : configs;
    if (config === undefined)
      throw new ConnectionStateError('a hibernated session is DTLS 1.3, which this configuration does not enable');
    const thawed = (shared: SharedState): Dtls13Connection =>
      Dtls13Connection.thaw(config, perConnection, CHARTS13, frozen, now, shared);
    return new DtlsConnection(
      'server',
      perConnection,
      { enabled: ONLY_13, config13: config, config12: undefined },
      thawed,
    );
  }

  private constructor(
    role: 'client' | 'server',
    options: Options,
    configs: VersionConfigs,
    thawed?: (shared: SharedState) => Dtls13Connection,
  ) {
    this.role = role;
    this.versions = configs.enabled;
    const { config13, config12 } = configs;
    this.common = new CommonState(options, config13?.maxDatagramSize ?? config12!.base.maxDatagramSize);
    const common = this.common;
    // A new server's peer has proven nothing (a hibernated session's has, and a 1.3 ClientHello whose cookie the
    // listener's stateless exchange checked): 3x what it sent until it does (RFC 9147 §5.1, amplification-limit.ts).
    const limited = booleanOption('amplificationLimit', options.amplificationLimit) ?? true;
    if (limited && role === 'server' && thawed === undefined && options.statelessRetry === undefined)
      common.amplification.limit();
    this.phase = firstPhase(role, options, configs, common, thawed && thawed(common));
  }

  /** After a call that may end the state speaking for a hello phase: the phase it settled to (hello-phase.ts). */
  private settle(): void {
    const p = this.phase;
    if (p.kind === 'hello') this.phase = p.hello.phase;
  }

  /** What does the connection's work: the chosen version's state, or the hello phase's speaker while the version is open. */
  private get speaking(): VersionState {
    const p = this.phase;
    return p.kind === 'hello' ? p.hello.speaking : p.state;
  }

  /** The version spoken, once known (the version state's, written in the common state; none while the hello steps have not chosen). */
  get protocolVersion(): DtlsVersionName | undefined {
    return this.common.protocolVersion;
  }

  connect(now: number): void {
    this.speaking.connect(now);
  }

  receive(datagram: Uint8Array, now: number, path?: string): void {
    this.common.onDatagram?.('received', datagram);
    this.common.amplification.took(datagram.length);
    const p = this.phase;
    if (p.kind === 'hello') this.phase = p.hello.receive(datagram, now, path);
    else p.state.receive(datagram, now, path);
  }

  /**
   * @internal The run road (runtime/node/transport.ts): the datagram the receive batch is at (`at`, `length` in
   * `buffer`) taken as {@link receive} takes it, when the version state can take it without a view of it (either
   * version: the next application data record of a run opened ahead); false, nothing changed, for anything else.
   */
  receiveNext(buffer: Uint8Array, at: number, length: number, now: number, path?: string): boolean {
    const p = this.phase;
    const common = this.common;
    if (p.kind === 'hello' || common.onDatagram !== undefined) return false;
    if (!p.state.receiveNext(buffer, at, length, now, path)) return false;
    common.amplification.took(length);
    return true;
  }

  /**
   * The next datagram to send, if any: the one outbound queue both versions' states fill, once the version state is
   * ready (the transmit gate the version state lent the common state, `TransmitGate`: 1.3 seals the application data
   * staged since the last call, and holds the queue while a new peer address is checked). A server holds the queue
   * while its next datagram would take what it sent past 3x what the peer sent, until the peer's address is validated
   * (RFC 9147 §5.1, runtime/shared/amplification-limit.ts).
   */
  pollTransmit(): Uint8Array | undefined {
    const common = this.common;
    const gate = common.transmitGate;
    if (gate !== undefined && !gate.transmitReady()) return undefined;
    const outgoing = common.outgoing;
    const d = outgoing[0];
    if (d === undefined || !common.amplification.admit(outgoing)) return undefined;
    outgoing.shift();
    common.counters.datagramsSent++;
    const observer = common.onDatagram;
    if (observer !== undefined) {
      keep(d); // the observer may keep it: its bytes are never given back for reuse (wire/slab.ts)
      observer('sent', d);
    }
    return d;
  }

  /**
   * Every datagram {@link pollTransmit} would give now, appended to `out` in order, in one call (a turn's burst): the
   * transmit gate asked once, as the first poll asks it (it seals all that was staged, and nothing is staged between
   * polls). While the anti-amplification limit holds datagrams, or an `onDatagram` observer is told of each, it polls
   * one by one. Returns how many.
   */
  pollTransmitAll(out: Uint8Array[]): number {
    const common = this.common;
    if (common.amplification.limiting || common.onDatagram !== undefined) {
      let n = 0;
      for (let d = this.pollTransmit(); d !== undefined; d = this.pollTransmit()) {
        out.push(d);
        n++;
      }
      return n;
    }
    const gate = common.transmitGate;
    if (gate !== undefined && !gate.transmitReady()) return 0;
    const outgoing = common.outgoing;
    const n = outgoing.length;
    for (let i = 0; i < n; i++) out.push(outgoing[i]!);
    outgoing.length = 0;
    common.counters.datagramsSent += n;
    return n;
  }

  /**
   * The next datagram for a path other than the current one (return routability probes and answers, RFC 9853), with its
   * path; send it there, not to the current peer address. DTLS 1.2 has none.
   */
  pollPathTransmit(): PathDatagram | undefined {
    const d = this.common.pathQueue?.takePathDatagram();
    if (d === undefined) return undefined;
    this.common.counters.datagramsSent++;
    this.common.onDatagram?.('sent', d.datagram);
    return d;
  }

  /**
   * The earliest time `handleTimeout` has work, if any: the one clock's next timer (a flight's retransmission, a
   * delayed ACK, a path check), the version's record timer (1.3's key retention) and the handshake or idle deadline;
   * none once the connection has ended. A driver only sleeps until it and calls `handleTimeout`.
   */
  pollTimeout(): number | undefined {
    const common = this.common;
    const s = common.state;
    if (s === 'closed' || s === 'failed') return undefined;
    let next = common.clock.nextDeadline();
    const record = common.recordTimer?.nextTimeout();
    if (record !== undefined && (next === undefined || record < next)) next = record;
    const deadline = common.deadline();
    return deadline !== undefined && (next === undefined || deadline < next) ? deadline : next;
  }

  /** Runs the version state's timers due at `now`, then the handshake and idle deadlines (common-state.ts). Never throws for what the peer sent. */
  handleTimeout(now: number): void {
    const v = this.speaking;
    v.onTimer(now);
    this.common.check(v, now);
    this.settle();
  }

  /** The next event for the application: both versions' states push theirs into this one queue as they happen. */
  pollEvent(): ConnectionEvent | undefined {
    return this.common.events.shift();
  }

  /**
   * Application data (one record) to the version state. (A prototype method, not one bound per connection after the
   * first send: tools that wrap `DtlsConnection.prototype.send`, as bench/hwmodel-replay.ts does, see every send.)
   */
  send(data: Uint8Array, now?: number): void {
    this.speaking.send(data, now);
  }

  close(): void {
    this.speaking.close();
    this.settle();
  }

  /**
   * Keying material for another protocol (RFC 8446 §7.5 in DTLS 1.3, RFC 5705 in 1.2): `length` bytes for `label` and
   * `context`, from the exporter the completed handshake installed in the common state (1.3: HKDF from the
   * exporter_master_secret, until the connection ends; 1.2: the PRF over the master secret and both randoms). @throws
   * ConnectionStateError before the handshake completes; ConfigError naming `length` (1 to the version's limit),
   * `label` (a non-empty string) or `context` (a Uint8Array).
   */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return exportKeying(this.common.exporter, length, label, context);
  }

  /** @internal An application callback the node layer calls failed: the connection ends with internal_error. */
  failForCallback(callback: CallbackName, thrown: unknown): void {
    this.speaking.failForCallback(callback, thrown);
    this.settle();
  }

  /** KeyUpdate (RFC 9147 §8); DTLS 1.3 only. @throws Dtls12FeatureError on a 1.2 session. */
  updateKeys(requestPeer = false, now?: number): void {
    this.state13('updateKeys').updateKeys(requestPeer, now);
  }

  /** Server: post-handshake authentication (RFC 8446 §4.6.2); DTLS 1.3 only. @throws Dtls12FeatureError on a 1.2 session. */
  requestClientCertificate(now?: number): void {
    this.state13('requestClientCertificate').requestClientCertificate(now);
  }

  /** NewConnectionId (RFC 9147 §9): `count` more CIDs of ours for the peer, returned; DTLS 1.3 only. */
  issueConnectionIds(count: number, options?: { readonly immediate?: boolean; readonly now?: number }): Uint8Array[] {
    return this.state13('issueConnectionIds').issueConnectionIds(count, options);
  }

  /** RequestConnectionId (RFC 9147 §9): asks the peer for `count` CIDs; DTLS 1.3 only. */
  requestConnectionIds(count: number, now?: number): void {
    this.state13('requestConnectionIds').requestConnectionIds(count, now);
  }

  /** The 1.3 state, for `feature`, a call only DTLS 1.3 has; asked of a 1.2 session, the Dtls12FeatureError naming why. */
  private state13(feature: Dtls13Feature): Dtls13Connection {
    const p = this.phase;
    const v = p.kind === 'hello' ? p.hello.speaking13(feature) : p.kind === 'v13' ? p.state : undefined;
    if (v !== undefined) return v;
    throw notInDtls12(feature);
  }

  /**
   * We moved: our datagrams leave from `path` now (a client that rebound its socket), through the version's one object
   * for the path and CIDs (1.3: a spare CID of the peer's when there is one, RFC 9146 §8; 1.2: only with a CID of the
   * server's). @throws Dtls12FeatureError on a 1.2 session that cannot move.
   */
  rebind(path: string): void {
    this.common.peer.rebind(path);
  }

  /**
   * The network said a datagram was too large for the path (RFC 9147 §4.4, RFC 6347 §4.1.1.1: ICMP
   * fragmentation-needed, or a send refused with EMSGSIZE): flights, their retransmissions included, are cut into
   * datagrams of at most `size` bytes from now on (never below 256), whichever version speaks. The flight's
   * retransmission timer resends it. Returns whether the limit fell.
   */
  pathMtuExceeded(size: number): boolean {
    return this.common.datagramLimit.lower(size);
  }

  park(now: number): void {
    this.speaking.park(now);
  }

  releaseKeys(): void {
    this.speaking.releaseKeys();
  }

  /**
   * Server: the session frozen for hibernation (Dtls13Connection.hibernate), or undefined when it is not at rest. A 1.2
   * session never hibernates (the frozen form is 1.3's).
   */
  hibernate(now: number): FrozenSession | undefined {
    const p = this.phase;
    return p.kind === 'v13' ? p.state.hibernate(now) : undefined;
  }

  /** Whether its version can hibernate at all: DTLS 1.3 can, 1.2 cannot. */
  get canHibernate(): boolean {
    return this.common.versionFacts.hibernates;
  }

  /** The handshake chart's state (`waitServerHello`, `connected`, `failed`, ...), as the version state keeps it in the common state. */
  get state(): string {
    return this.common.state;
  }

  /** Records, drops by reason, retransmission state, handshake duration and what is held for the peer: the one counter set and the version state's part. */
  get stats(): ConnectionStats {
    return { ...this.common.counters, ...this.speaking.versionStats };
  }

  /** The alert that failed the connection, if it failed. */
  get failure(): FatalReason | undefined {
    return this.common.failure;
  }

  /**
   * Which deadline ended the connection in `handleTimeout`: `handshake` (`handshakeTimeoutMs`: failed, alert
   * handshake_failure, closed as `timeout`) or `idle` (`idleTimeoutMs`: close_notify sent, closed as `timeout`);
   * undefined otherwise.
   */
  get expired(): 'handshake' | 'idle' | undefined {
    return this.common.expired;
  }

  /** The connection's own deadlines, in ms (0: none): `handshakeTimeoutMs` and `idleTimeoutMs` as given. */
  get deadlineOptions(): Required<DeadlineOptions> {
    return this.common.deadlineOptions;
  }

  /**
   * When the peer last sent a record that authenticated under keys of this connection (in the caller's time), or
   * undefined. Plaintext, forged and replayed records never move it: idle timers should read this.
   */
  get lastAuthenticatedReceive(): number | undefined {
    return this.common.lastAuthenticatedReceive;
  }

  /** The peer's current path (as given to `receive`), once one was named. */
  get path(): string | undefined {
    return this.common.peer.current;
  }

  /**
   * Connection IDs (RFC 9146, RFC 9147 §9), once the hellos negotiated them: `local` is the CID records to us carry now
   * (undefined for a zero-length one), `peer` the one our records carry, `spares` how many of the peer's we hold for a
   * new path, `rrc` whether address changes are checked (RFC 9853). Undefined when no CIDs were negotiated.
   */
  get connectionIds(): ConnectionIds | undefined {
    return connectionIdsOf(this.common.peer.session);
  }

  get peerConnectionIdLength(): number {
    return this.common.peer.session?.peer.current.length ?? 0;
  }

  /** The largest datagram a flight is cut into now. */
  get datagramLimit(): number {
    return this.common.datagramLimit.value;
  }

  /** What the version spoken (or, before it is known, offered first) means for a session above the connection. */
  get versionFacts(): VersionFacts {
    return this.common.versionFacts;
  }

  /** The counters as they are now, both versions' one set (common-state.ts), without the copies `stats` makes: read it at once. */
  get counters(): Readonly<ConnectionCounters> {
    return this.common.counters;
  }

  /** @internal The version state, once one is made (tests of one version's internals): none on a server before its first ClientHello. */
  get versionState(): Dtls13Connection | Connection12 | undefined {
    const p = this.phase;
    return p.kind === 'hello' ? p.hello.state : p.state;
  }
}
