/**
 * The DTLS connection a caller makes, whichever version it comes to speak
 * (runtime/connection/README.md, "One connection for both versions"): one
 * object with the declared `Connection` surface (runtime/connection/connection-api.ts) whose version-specific
 * part is a state, `Dtls13Connection` (runtime/connection) or the 1.2 state
 * `Connection12` (runtime/dtls12/connection12.ts). The version is negotiated here,
 * sans-I/O, from the first datagrams (version-negotiation.ts):
 *
 * - a client offers every version of `minVersion..maxVersion` (default
 *   1.2..1.3) in one ClientHello, the 1.3 one carrying the 1.2 suites and
 *   extensions, and goes on in the version the server answers with; a 1.2
 *   answer (a ServerHello without supported_versions, a HelloVerifyRequest)
 *   hands the ClientHello as sent to a 1.2 state, which checks the RFC
 *   8446 §4.1.3 downgrade sentinel;
 * - a server answers the first ClientHello in the newest version both
 *   have: 1.3 when offered and enabled, else 1.2 (with the downgrade
 *   sentinel when it does 1.3 too, and the HelloVerifyRequest cookie
 *   exchange unless `helloVerify: false`); a ClientHello with no version
 *   in common ends the connection with protocol_version.
 *
 * A forged HelloVerifyRequest is authenticated by nothing: after one, the
 * untouched 1.3 state is kept until a ServerHello commits, and a 1.3
 * answer to the first ClientHello that arrives meanwhile takes it back.
 */
import { decodeClientHello } from '../../generated/wire/client-hello.js';
import type { PathDatagram } from '../cid/cid-context.js';
import type { FatalReason } from '../connection/alert-mapping.js';
import type { ResolvedConfig } from '../connection/config.js';
import {
  ConnectionStateError,
  type Connection,
  type ConnectionCounters,
  type ConnectionIds,
  type ConnectionStats,
  type SharedState,
  type VersionFacts,
} from '../connection/connection-api.js';
import { Dtls13Connection } from '../connection/connection.js';
import type { DeadlineOptions } from '../connection/deadlines.js';
import type { ConnectionEvent } from '../connection/events.js';
import type { FrozenSession } from '../connection/hibernation.js';
import { frozenSessionStats } from '../connection/connection-hibernation.js';
import type { Config12 } from '../dtls12/config12.js';
import type { CallbackName } from '../handshake/callback-error.js';
import type { DtlsVersionName } from '../versions/versions.js';
import { Connection12, type Offer12 } from '../dtls12/connection12.js';
import { CommonState } from './common-state.js';
import { CHARTS12, CHARTS13 } from './role-drivers.js';
import { clientConfigs, serverConfigs, type VersionConfigs } from './version-configs.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import {
  answeredVersion,
  chooseServerVersion,
  firstAnswer,
  plaintextAlertsOnly,
  SentClientHello,
} from './version-negotiation.js';

export {
  ConnectionStateError,
  type Connection,
  type ConnectionIds,
  type ConnectionOptions,
  type ConnectionStats,
  type RetainedState,
} from '../connection/connection-api.js';
export type { IgnoreReason } from '../connection/record-rules.js';
export { HANDSHAKE_KEYS_RETENTION_MS } from '../connection/connection.js';

import type { DtlsOptions } from './options.js';

export type { DtlsOptions, Options12 } from './options.js';

type Options = DtlsOptions;

/** The versions of a configuration resolved for 1.3 alone (one array for every such connection). */
const ONLY_13: readonly DtlsVersionName[] = ['DTLSv1.3'];

/** What a connection holds only while the version is being chosen (dropped once it is known: an idle session keeps none). */
interface Choosing {
  readonly options: Options;
  readonly config12: Config12;
  /** Client: our ClientHello as sent (the 1.2 state takes over from it). */
  readonly offer: SentClientHello | undefined;
  /** The version state's first state (the 1.3 state moving on from it, and from waitServerHello, ends the choice). */
  readonly initialState: string;
}

export class DtlsConnection implements Connection {
  readonly role: 'client' | 'server';
  /** The version state: the 1.3 connection, or the 1.2 one once 1.2 was chosen. */
  private current: Dtls13Connection | Connection12;
  /** What is held once for both versions: the handshake and idle deadlines, the datagram observer (common-state.ts). */
  private readonly common: CommonState;
  /** The versions offered (client) or answered (server), newest first. */
  readonly versions: readonly DtlsVersionName[];
  /** Client: the server's first answer has not named a version yet; server: the first ClientHello has not. */
  private choosing: Choosing | undefined;
  /** Client, after a HelloVerifyRequest: the untouched 1.3 state, until the 1.2 state takes a ServerHello. */
  private held13: Dtls13Connection | undefined;
  /** Client: the 1.3 state took over from a 1.2 state that had sent the ClientHello with a HelloVerifyRequest's cookie. */
  private sentCookieHello = false;

  /**
   * `options`: the protocol configuration (the 1.2 options too: `cipherSuites12`, ...; connection-api.ts),
   * the version range (`minVersion`, `maxVersion`) and the handshake and idle deadlines (none by default).
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
   * `cookieSecret`, the cookie's binding and key).
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

  /** @internal The stats a hibernated session would show if thawed now (runtime/connection/connection-hibernation.ts). */
  static frozenStats(frozen: FrozenSession): ConnectionStats {
    return frozenSessionStats(frozen);
  }

  private constructor(
    role: 'client' | 'server',
    options: Options,
    configs: VersionConfigs,
    thawed?: (shared: SharedState) => Dtls13Connection,
  ) {
    this.role = role;
    this.versions = configs.enabled;
    this.common = new CommonState(options);
    const { config13, config12 } = configs;
    const common = this.common;
    if (thawed !== undefined) this.current = thawed(common);
    else if (config13 === undefined)
      this.current = state12(options, role === 'client' ? config12! : server12(options, config12!), common);
    else
      this.current =
        role === 'client'
          ? Dtls13Connection.sharing('client', config13, options, CHARTS13, common)
          : Dtls13Connection.sharing('server', config13, options, CHARTS13, common);
    // A server chooses from the first ClientHello (also when it does 1.2 only: one that offers only 1.3 is refused).
    if (thawed === undefined && config12 !== undefined && (role === 'server' || config13 !== undefined)) {
      const offer = role === 'client' ? new SentClientHello() : undefined;
      this.choosing = { options, config12, offer, initialState: this.current.state };
    }
  }

  /** The version spoken, once known. */
  get protocolVersion(): DtlsVersionName | undefined {
    return this.choosing !== undefined ? undefined : this.current.protocolVersion;
  }

  connect(now: number): void {
    this.common.started(now);
    this.current.connect(now);
  }

  receive(datagram: Uint8Array, now: number, path?: string): void {
    this.common.onDatagram?.('received', datagram);
    // A connection that ended (closed, failed, timed out) before the version was known stays ended: no datagram gives it a new state.
    if (this.choosing !== undefined && (this.current.failure !== undefined || this.current.state === 'closed'))
      this.choosing = undefined;
    const choosing = this.choosing;
    if (this.role === 'server') {
      this.common.started(now); // a server's handshake starts with its first datagram
      if (choosing !== undefined) this.chooseVersion(choosing, datagram, now);
    } else if (choosing !== undefined) {
      const answer = firstAnswer(datagram);
      if (answer?.version === 'DTLSv1.3') this.choosing = undefined;
      else if (answer?.version === 'DTLSv1.2') this.fallBack(choosing, answer.helloVerifyRequest);
    } else if (this.helloVerifyTo13Only(datagram)) {
      // A 1.3-only client answered with a HelloVerifyRequest: the server speaks DTLS 1.2 only. protocol_version at once, not a
      // wait for a ServerHello that never comes (docs/versions.md). It is no more forgeable than the plaintext alerts this
      // state takes anyway (RFC 9147 §4.5.2).
      return (this.current as Dtls13Connection).guard(() => {
        throw new ProtocolError(
          'protocol_version',
          'the server answered with a HelloVerifyRequest (it speaks DTLS 1.2), and this client does DTLS 1.3 only',
        );
      });
    } else if (
      this.held13 !== undefined &&
      answeredVersion(datagram) === 'DTLSv1.3' &&
      this.current instanceof Connection12
    ) {
      this.current.retire();
      this.current = this.held13; // the 1.3 answer to our first ClientHello, after a HelloVerifyRequest (forged, or a confused server)
      this.held13 = undefined;
      this.current.offerTimed(true);
      this.sentCookieHello = true;
    } else if (this.sentCookieHello && this.current instanceof Dtls13Connection && plaintextAlertsOnly(datagram)) {
      // The 1.2 state sent our ClientHello again with the HelloVerifyRequest's cookie, which a 1.3 server refuses with
      // illegal_parameter (RFC 9147 §5.3: legacy_cookie must be empty): that answer is to a hello we dropped, not to
      // this handshake. A peer that means to end it does so under the handshake keys.
      if (this.current.state === 'connected') this.sentCookieHello = false;
      else return;
    }
    this.current.receive(datagram, now, path);
    if (this.held13 !== undefined && this.current.state !== 'waitServerHello') this.held13 = undefined; // the 1.2 ServerHello taken (or failed)
    // A ServerHello or ClientHello the readers could not place (in fragments, say) went to the 1.3 state: once it moved on, that is the version.
    const state = this.current.state;
    if (
      this.choosing !== undefined &&
      this.current instanceof Dtls13Connection &&
      state !== this.choosing.initialState &&
      state !== 'waitServerHello'
    )
      this.choosing = undefined;
  }

  /** Client: a HelloVerifyRequest to our first ClientHello, and DTLS 1.2 not enabled. */
  private helloVerifyTo13Only(datagram: Uint8Array): boolean {
    return (
      this.current instanceof Dtls13Connection &&
      this.current.state === 'waitServerHello' &&
      !this.versions.includes('DTLSv1.2') &&
      firstAnswer(datagram)?.helloVerifyRequest === true
    );
  }

  /** Server: the version of the first whole ClientHello, before the state takes it. */
  private chooseVersion(choosing: Choosing, datagram: Uint8Array, now: number): void {
    const choice = chooseServerVersion(datagram, this.versions);
    if (choice.version === undefined && choice.reason === 'not-a-client-hello') return; // a fragment: the 1.3 state reassembles it
    this.choosing = undefined;
    if (choice.version === 'DTLSv1.3') return;
    if (this.current instanceof Dtls13Connection) {
      if (choice.version === undefined) return; // the 1.3 state refuses it with protocol_version
      this.current = state12(choosing.options, server12(choosing.options, choosing.config12), this.common);
      return;
    }
    if (choice.version === undefined) {
      const versions = this.versions.join(', ');
      this.current.refuse(
        { alert: 'protocol_version', message: `the ClientHello offers no version this server enables (${versions})` },
        now,
      );
    }
  }

  /** Client: the server answered in DTLS 1.2; a 1.2 state takes over from our ClientHello as sent. */
  private fallBack(choosing: Choosing, helloVerifyRequest: boolean): void {
    const offer = choosing.offer;
    const sent = offer?.whole();
    if (offer === undefined || sent === undefined || !(this.current instanceof Dtls13Connection)) return; // never: the ClientHello left whole before any answer
    const offered = {
      hello: decodeClientHello(sent.body),
      body: sent.body,
      messageSeq: sent.messageSeq,
      nextRecordSequenceNumber: sent.lastRecord + 1,
    };
    this.choosing = undefined;
    this.current.offerTimed(false);
    if (helloVerifyRequest) this.held13 = this.current;
    this.current = state12(choosing.options, choosing.config12, this.common, offered);
  }

  pollTransmit(): Uint8Array | undefined {
    const d = this.current.pollTransmit();
    if (d !== undefined) {
      this.choosing?.offer?.sent(d);
      this.common.onDatagram?.('sent', d);
    }
    return d;
  }

  pollPathTransmit(): PathDatagram | undefined {
    const d = this.current.pollPathTransmit();
    if (d !== undefined) this.common.onDatagram?.('sent', d.datagram);
    return d;
  }

  /** The earliest of the version state's timers (retransmission, ACK delay, key retention) and the handshake or idle deadline. */
  pollTimeout(): number | undefined {
    const own = this.current.pollTimeout();
    const deadline = this.common.deadline(this.current);
    return own === undefined || (deadline !== undefined && deadline < own) ? deadline : own;
  }

  /** Runs the version state's timers due at `now`, then the handshake and idle deadlines (common-state.ts). */
  handleTimeout(now: number): void {
    this.current.handleTimeout(now);
    this.common.check(this.current, now);
  }

  /** The next event for the application: both versions' states push theirs into this one queue as they happen. */
  pollEvent(): ConnectionEvent | undefined {
    return this.common.events.shift();
  }

  send(data: Uint8Array, now?: number): void {
    this.current.send(data, now);
  }

  close(): void {
    this.current.close();
  }

  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return this.current.exportKeyingMaterial(length, label, context);
  }

  /** @internal An application callback the node layer calls failed: the connection ends with internal_error. */
  failForCallback(callback: CallbackName, thrown: unknown): void {
    this.current.failForCallback(callback, thrown);
  }

  updateKeys(requestPeer = false, now?: number): void {
    this.current.updateKeys(requestPeer, now);
  }

  requestClientCertificate(now?: number): void {
    this.current.requestClientCertificate(now);
  }

  issueConnectionIds(count: number, options?: { readonly immediate?: boolean; readonly now?: number }): Uint8Array[] {
    return this.current.issueConnectionIds(count, options);
  }

  requestConnectionIds(count: number, now?: number): void {
    this.current.requestConnectionIds(count, now);
  }

  rebind(path: string): void {
    this.current.rebind(path);
  }

  pathMtuExceeded(size: number): boolean {
    return this.current.pathMtuExceeded(size);
  }

  park(now: number): void {
    this.current.park(now);
  }

  releaseKeys(): void {
    this.current.releaseKeys();
  }

  hibernate(now: number): FrozenSession | undefined {
    return this.current.hibernate(now);
  }

  get canHibernate(): boolean {
    return this.current.canHibernate;
  }

  get state(): string {
    return this.current.state;
  }

  get stats(): ConnectionStats {
    return this.current.stats;
  }

  get failure(): FatalReason | undefined {
    return this.current.failure;
  }

  /**
   * Which deadline ended the connection in `handleTimeout`: `handshake`
   * (`handshakeTimeoutMs`: failed, alert handshake_failure, closed as
   * `timeout`) or `idle` (`idleTimeoutMs`: close_notify sent, closed as
   * `timeout`); undefined otherwise.
   */
  get expired(): 'handshake' | 'idle' | undefined {
    return this.common.expired;
  }

  /** The connection's own deadlines, in ms (0: none): `handshakeTimeoutMs` and `idleTimeoutMs` as given. */
  get deadlineOptions(): Required<DeadlineOptions> {
    return this.common.deadlineOptions;
  }

  get lastAuthenticatedReceive(): number | undefined {
    return this.current.lastAuthenticatedReceive;
  }

  get path(): string | undefined {
    return this.current.path;
  }

  get connectionIds(): ConnectionIds | undefined {
    return this.current.connectionIds;
  }

  /** The largest datagram a flight is cut into now. */
  get datagramLimit(): number {
    return this.current.datagramLimit;
  }

  get versionFacts(): VersionFacts {
    return this.current.versionFacts;
  }

  /** The counters as they are now, both versions' one set (common-state.ts), without the copies `stats` makes: read it at once. */
  get counters(): Readonly<ConnectionCounters> {
    return this.common.counters;
  }

  /** @internal The version state (tests of one version's internals). */
  get versionState(): Dtls13Connection | Connection12 {
    return this.current;
  }
}

/**
 * The 1.2 state on `config` (its connection bound to the 1.2 charts, counting in the common counters, its events into the
 * common queue), with the connection's inspector; a client that already sent `offer` takes up from it. Its handshake began
 * at `common.startedAt`, if before it.
 */
function state12(o: Options, config: Config12, common: CommonState, offer?: Offer12): Connection12 {
  const connection = new Connection12(config, CHARTS12, common, common.startedAt);
  if (offer !== undefined) connection.fromSentOffer(offer);
  const inspect = o.inspect;
  if (inspect !== undefined) connection.inspect((event) => inspect.call(o, event)); // the 1.2 chart's actor from here on
  return connection;
}

/** A server's 1.2 configuration: the shared one with this peer's cookie binding and key. */
function server12(o: Options, config: Config12): Config12 {
  const { peer, cookieSecret } = o;
  return {
    ...config,
    ...(peer !== undefined ? { peer } : {}),
    ...(cookieSecret !== undefined ? { cookieSecret } : {}),
  };
}
