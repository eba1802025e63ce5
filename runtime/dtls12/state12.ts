/**
 * The DTLS 1.2 version state of DtlsConnection (runtime/dtls/connection.ts):
 * a Connection12 (connection12.ts, its events going straight into the one
 * event queue) with what the declared `Connection` surface asks beyond its
 * handshake and records: stats, and what the handshake and idle deadlines (held by
 * DtlsConnection for both versions, runtime/dtls/common-state.ts) read and
 * do. With RFC 9146 CIDs a server follows its peer to a new address
 * (peer-path12.ts) and a client may move to another local port (`rebind`).
 * What DTLS 1.2 does not have (KeyUpdate, post-handshake authentication,
 * RFC 9147 connection ID messages, return routability checks) throws a
 * {@link Dtls12FeatureError} naming why.
 */
import { CallbackError, type CallbackName } from '../handshake/callback-error.js';
import { toAlert, type FatalReason } from '../connection/alert-mapping.js';
import { ConnectionStateError, type ConnectionStats, type VersionState } from '../connection/connection-api.js';
import type { FrozenSession } from '../connection/hibernation.js';
import { NO_PATH_STATS, type PathDatagram } from '../cid/cid-context.js';
import { ConfigError, integerOption } from '../config-error.js';
import type { Connection12 } from './connection12.js';
import type { ConnectionEvent } from '../connection/events.js';
import { Dtls12FeatureError, rebindRefused12 } from './feature-error12.js';

export class State12 implements VersionState {
  readonly protocolVersion = 'DTLSv1.2' as const;
  readonly connection: Connection12;
  private startedAt: number | undefined;
  private now = 0;
  /** The one event queue, where the connection's events go as they happen (events12.ts). */
  private readonly events: ConnectionEvent[];
  /** `startedAt`: the handshake's start when it began before this object (a 1.3 offer answered in 1.2): its duration counts from it. */
  constructor(connection: Connection12, events: ConnectionEvent[], startedAt: number | undefined) {
    this.connection = connection;
    this.events = events;
    this.startedAt = startedAt;
  }

  get role(): 'client' | 'server' {
    return this.connection.role;
  }

  connect(now: number): void {
    this.now = now;
    this.startedAt ??= now;
    this.connection.connect(now);
  }

  receive(datagram: Uint8Array, now: number, path?: string): void {
    this.now = now;
    if (this.ended) return;
    this.startedAt ??= now;
    this.connection.receive(datagram, now, path);
  }

  pollTransmit(): Uint8Array | undefined {
    const d = this.connection.pollTransmit();
    if (d !== undefined) this.connection.counts.datagramsSent++;
    return d;
  }

  /** No return routability in DTLS 1.2: nothing for another path. */
  pollPathTransmit(): PathDatagram | undefined {
    return undefined;
  }

  pollTimeout(): number | undefined {
    return this.connection.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.ended) return;
    this.connection.handleTimeout(now);
  }

  /** When the handshake completed (Connection12's last handshake step), else undefined. */
  get handshakeDoneAt(): number | undefined {
    return this.connection.completedAt;
  }

  /** A deadline of DtlsConnection's passed: the handshake's ends it with handshake_failure, the idle one with close_notify; closed as `timeout`. */
  expire(deadline: 'handshake' | 'idle', message: string): void {
    if (this.ended) return;
    this.connection.events.timedOut = true;
    if (deadline === 'handshake') this.connection.abort({ alert: 'handshake_failure', message }, this.now);
    else this.connection.close();
  }

  pollEvent(): ConnectionEvent | undefined {
    return this.events.shift();
  }

  send(data: Uint8Array, now?: number): void {
    if (now !== undefined) this.now = now;
    this.connection.send(data);
    this.connection.counts.applicationBytesSent += data.length;
  }

  close(): void {
    this.connection.close();
  }

  /** RFC 5705 keying material (the TLS 1.2 PRF over the master secret and both randoms). */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    if (this.connection.negotiated === undefined)
      throw new ConnectionStateError('keying material can only be exported from a connected connection');
    integerOption('length', length, 1, 65_535);
    if (typeof label !== 'string' || label.length === 0) throw new ConfigError('label', 'must be a non-empty string');
    if (context !== undefined && !(context instanceof Uint8Array))
      throw new ConfigError('context', 'must be a Uint8Array');
    return this.connection.exportKeyingMaterial(length, label, context);
  }

  /** Ends the handshake with `reason`'s fatal alert (a server's ClientHello with no version in common: protocol_version). */
  refuse(reason: FatalReason, now: number): void {
    this.now = now;
    this.startedAt ??= now;
    this.connection.abort(reason, now);
  }

  /** The largest datagram a flight is cut into now. */
  get datagramLimit(): number {
    return this.connection.datagramLimit;
  }

  failForCallback(callback: CallbackName, thrown: unknown): void {
    if (this.ended) return;
    this.connection.abort(toAlert(new CallbackError(callback, thrown)), this.now);
  }

  get failure(): FatalReason | undefined {
    return this.connection.failureReason;
  }

  get lastAuthenticatedReceive(): number | undefined {
    return this.connection.lastAuthenticated;
  }

  get path(): string | undefined {
    return this.connection.peerPath.current;
  }

  /** The RFC 9146 CIDs the hellos settled on (no spares, no RRC in 1.2), or undefined without them. */
  get connectionIds(): Connection12['connectionIds'] {
    return this.connection.connectionIds;
  }

  get state(): string {
    return this.connection.stateName;
  }

  get stats(): ConnectionStats {
    const c = this.connection;
    const flight = c.flights;
    return {
      ...c.counts,
      drops: { ...c.drops },
      ignored: { ...c.ignored },
      retransmissions: flight.retransmissions,
      flightState: flight.state,
      retransmitTimeout: flight.timeout,
      handshakeDuration:
        c.completedAt === undefined || this.startedAt === undefined ? undefined : c.completedAt - this.startedAt,
      retained: {
        reassemblyBytes: 0,
        deferredBytes: 0,
        ackRecords: 0,
        readEpochs: this.connection.negotiated === undefined ? 1 : 2,
      },
      paths: { ...NO_PATH_STATS, migrations: this.connection.peerPath.migrations },
    };
  }

  updateKeys(): void {
    throw new Dtls12FeatureError(
      'updateKeys',
      'has no KeyUpdate (RFC 8446 §4.6.3): its keys last the session; renegotiation is refused (RFC 5746)',
    );
  }

  requestClientCertificate(): void {
    throw new Dtls12FeatureError(
      'requestClientCertificate',
      'has no post-handshake authentication (RFC 8446 §4.6.2): ask for the certificate in the handshake (requestCert)',
    );
  }

  issueConnectionIds(_count?: number, _options?: unknown): Uint8Array[] {
    throw new Dtls12FeatureError(
      'issueConnectionIds',
      'has no NewConnectionId message (RFC 9147 §9 is DTLS 1.3): an RFC 9146 CID is fixed at the handshake',
    );
  }

  requestConnectionIds(): void {
    throw new Dtls12FeatureError(
      'requestConnectionIds',
      'has no RequestConnectionId message (RFC 9147 §9 is DTLS 1.3)',
    );
  }

  /**
   * A client moves to another local socket (`path`): possible when the
   * server asked for a CID (RFC 9146), which lets it find the session from
   * the new address; without one it would see a new peer.
   */
  rebind(path: string): void {
    if (this.role !== 'client' || this.connection.connectionIds?.peer === undefined) throw rebindRefused12();
    this.connection.peerPath.current = path;
  }

  /** A 1.2 session does not hibernate (the frozen form is 1.3's). */
  readonly canHibernate = false;

  hibernate(_now: number): FrozenSession | undefined {
    return undefined;
  }

  /** See DtlsConnection.releaseKeys. */
  releaseKeys(): void {
    this.connection.releaseKeys();
  }

  /** See DtlsConnection.park: frees the keys' contexts of a quiet session (1.2 has no handshake epoch to drop after it). */
  park(_now: number): void {
    this.connection.park();
  }

  /** A 1.3 answer took the connection back (runtime/dtls/connection.ts): this state's flight leaves the connection's clock for good. */
  retire(): void {
    this.connection.flights.stop();
  }

  /** The path cannot carry our datagrams: flights are cut to `size` from now on (Connection12.pathMtuExceeded). */
  pathMtuExceeded(size: number): boolean {
    return this.connection.pathMtuExceeded(size);
  }

  private get ended(): boolean {
    const s = this.connection.stateName;
    return s === 'closed' || s === 'failed';
  }
}
