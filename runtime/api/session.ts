import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { thrownError, type CallbackName } from '../handshake/callback-error.js';
import { ConnectionStateError } from '../connection/connection.js';
import { protocolOf } from '../dtls12/negotiated.js';
import { FACTS13 } from '../dtls13/version-facts.js';
import type { ConnectionEvent, SessionParameters } from '../shared/events.js';
import type { Connection } from '../shared/connection-api.js';
import {
  authorizationErrorOf,
  cipherOf,
  peerAuthorized,
  sessionConnectionIds,
  type SessionCipher,
  type SessionConnectionIds,
} from './peer-identity.js';
import { certificateToPem } from '../pki/pem.js';
import { peerEntry } from '../pki/raw-public-key.js';
import { certificateFingerprint, type FingerprintHash } from '../pki/fingerprint.js';
import { addressOfPath, withFamily } from '../node/peer-paths.js';
import type { SessionDriver } from './session-driver.js';
import type { SessionRest } from './session-rest.js';
import { LazyOutcome } from '../node/lazy-outcome.js';
import type { AuthorizationRecord } from './authorization.js';
import { MessageTooLargeError, SessionStateError, withCode, type DtlsError } from './errors.js';
import { sessionFailure } from './session-failure.js';
import { handedOver, MessageInbox } from './message-inbox.js';
import { sendBytes, type SendData } from './send-data.js';
import { keyingMaterialArguments } from './keying-material.js';
import { SessionCounters, sessionStats, type DtlsSessionStats } from './session-stats.js';
import { callUnguarded, isThenable, type SessionCallbackName } from './application-callback.js';
import { EarlyReplies } from './early-replies.js';
import { SessionOpening } from './opening.js';

export type { SessionAddress, SessionCloseReason, SessionOpened, MessageHandler } from './session-types.js';
import type { SessionAddress, SessionCloseReason, SessionOpened, MessageHandler } from './session-types.js';
export type { SendData } from './send-data.js';

/** Bytes short of the mtu below which any message fits: record header (5), the longest connection ID (255), content type (1), the longest tag (16). */
const SURELY_FITS_BELOW_MTU = 5 + 255 + 1 + 16;

const noop = (): void => {};

/** This end as a session shows it: its leaf certificate (DER), and a client's server_name (connect resolved it). */
export interface SessionLocal {
  readonly certificate?: Uint8Array | undefined;
  /** Lower case, A-labels; none for an IP address. */
  readonly serverName?: string | undefined;
}

const NO_LOCAL: SessionLocal = {};

/** A key log line to `session.onkeylog` (a client's from its connection, connect.ts; a server's routed by its listener). */
export function sessionKeyLog(session: DtlsSession, line: string): void {
  callUnguarded(() => session.onkeylog?.(line)); // the application's own exception, as from any Node event handler (never into the handshake)
}

/**
 * One DTLS 1.3 (or 1.2) association with one peer, as node:dtls's DTLSSession: `opened` and `closed` always settle.
 * Made by `connect()` or handed to `listen()`'s callback, never constructed directly.
 */
export class DtlsSession<L extends object = object> {
  readonly role: 'client' | 'server';
  /** The listener that accepted a server session (node:dtls's `session.endpoint`: a DtlsListener, listener.ts); undefined for a client's. */
  readonly listener: L | undefined;
  private messageHandler: MessageHandler | null = null;
  /** Set to be told why the session failed (the same error `closed` rejects with): `code`, and `alert` when one ended it. */
  onerror: ((error: DtlsError) => void) | null = null;
  /** Set to be told when the handshake completes, with the protocol (`'DTLSv1.3'` or `'DTLSv1.2'`). */
  onhandshake: ((protocol: string) => void) | null = null;
  /** Set to receive each secret in NSS key log format (SSLKEYLOGFILE; a server's in `onsession`). Debugging only. */
  onkeylog: ((line: string) => void) | null = null;
  /** Client: set to be told of each session ticket as it arrives (node:tls's `'session'`); it holds a secret. */
  onticket: ((session: Buffer) => void) | null = null;
  /** Server: the client's answer to `requestClientCertificate()`: its verified leaf as PEM, or undefined for none. */
  onclientcertificate: ((certificate: string | undefined) => void) | null = null;
  /** Server, with CIDs: the client moved to `to` and the return routability check (RFC 9853) passed. */
  onmigrate: ((from: SessionAddress, to: SessionAddress) => void) | null = null;
  /** @internal What moves the connection: datagrams in and out, the timer, the end (session-driver.ts; tests look at it). */
  readonly driver: SessionDriver<DtlsSession>;
  /** Where the connection is: live, parked or hibernated (session-rest.ts; the driver decides when it moves). */
  private readonly rest: SessionRest;
  private negotiated: SessionParameters | undefined;
  private readonly counters = new SessionCounters();
  private readonly mtu: number;
  /** {@link maxMessageSize} as worked out last, and what it was worked out for. */
  private readonly sizeKnown: {
    size: number;
    negotiated: SessionParameters | undefined;
    mtu: number;
    cid: number;
    of: Connection | undefined;
  } = { size: 0, negotiated: undefined, mtu: -1, cid: -1, of: undefined };
  private readonly authorization: AuthorizationRecord | undefined;
  /** Messages that came before `onmessage` was set (made with the first of them). */
  private waiting: MessageInbox | undefined;
  private earlyReplies: EarlyReplies | undefined;
  private latestTicket: Buffer | undefined;
  /** The way to `opened`: the server's confirmation of a 1.3 client's handshake, then a moment for the first ticket (opening.ts). */
  private readonly opening: SessionOpening;
  // `opened`, `closed`, `ticket` and `stats` are made when first read: a server session nobody asks them of holds none.
  private readonly openedOutcome = new LazyOutcome<SessionOpened>();
  private readonly closedOutcome = new LazyOutcome<void>();
  private readonly ticketOutcome = new LazyOutcome<Buffer | undefined>();
  private statsView: DtlsSessionStats | undefined;
  private lateCertificate: Uint8Array | undefined;
  private endReason: SessionCloseReason | undefined;
  private ending = false;
  private ended = false;
  private openedPending = true;

  /** @internal Made by `connect()` and the listener, over the driver they made for it (its owner, the peer's address). */
  constructor(
    role: 'client' | 'server',
    mtu: number,
    driver: SessionDriver<DtlsSession>,
    authorization: AuthorizationRecord | undefined,
    listener: L | undefined,
    local: SessionLocal = NO_LOCAL,
  ) {
    this.driver = driver;
    this.rest = driver.rest;
    driver.serve(this, this.handle, this.connectionEnded, this.failed);
    this.opening = new SessionOpening(driver);
    this.role = role;
    this.mtu = mtu;
    this.authorization = authorization;
    this.listener = listener;
    this.localCertificate = local.certificate;
    this.clientServerName = local.serverName;
    if (role === 'server') this.ticketOutcome.resolve(undefined);
  }

  /** Resolves with `{ protocol }` when the handshake completes; rejects if the session ends first. Never unhandled. */
  get opened(): Promise<SessionOpened> {
    return this.openedOutcome.get();
  }

  /** Resolves when the session ends gracefully (close_notify either way, `close()`); rejects with the error otherwise. Never unhandled. */
  get closed(): Promise<void> {
    return this.closedOutcome.get();
  }

  /** Client: resolves with the server's first ticket, or undefined if none came (a server: at once). Never rejects. */
  get ticket(): Promise<Buffer | undefined> {
    return this.ticketOutcome.get();
  }

  /** Live statistics. */
  get stats(): DtlsSessionStats {
    return (this.statsView ??= sessionStats({ counters: this.counters, connection: () => this.rest.connectionStats }));
  }

  /**
   * Set to receive each application message as a Buffer; `early`: 0-RTT data (RFC 8446 §8: maybe a replay). Messages
   * that came before it was set (1,024 at most) are handed to it then.
   */
  get onmessage(): MessageHandler | null {
    return this.messageHandler;
  }

  set onmessage(handler: MessageHandler | null) {
    this.messageHandler = handler;
    const waiting = this.waiting;
    if (handler && waiting !== undefined && !waiting.empty) {
      queueMicrotask(() => {
        for (
          let m = this.messageHandler && !this.ended ? waiting.take() : undefined;
          m !== undefined;
          m = this.messageHandler && !this.ended ? waiting.take() : undefined
        )
          this.callHandler('onmessage', this.messageHandler!, m.data, m.early);
      });
    }
  }

  /** @internal Tests that look below the session: each of the connection's events, as it comes, before the session's own handling. */
  eventTap: ((e: ConnectionEvent) => void) | undefined;

  /** @internal The sans-I/O connection the session drives (tests that look below it). */
  get connection(): Connection | undefined {
    return this.driver.connection;
  }

  /** An event of the connection, handed out by the driver's pump after the owner heard of it. */
  private handle(e: ConnectionEvent): void {
    this.eventTap?.(e);
    if (e.type === 'data') {
      const data = handedOver(e.data); // undefined: detached before it was handed over (message-inbox.ts)
      const early = e.early === true;
      if (early && this.role === 'server') this.earlyReplies ??= new EarlyReplies(); // what it sends now is held until `opened`
      // onhandshake before the first message, as always (opening.ts: only while `opened` is pending)
      if (this.openedPending && this.opening.waitingForTicket) this.announceOpen();
      this.counters.messagesReceived++;
      this.counters.bytesReceived += data?.length ?? 0;
      // While the server's confirmation is due, messages wait for `opened` (and are dropped if it rejects).
      const confirming = this.openedPending && this.opening.confirming;
      if (data && this.messageHandler && !confirming && (this.waiting === undefined || this.waiting.empty))
        this.callHandler('onmessage', this.messageHandler, data, early);
      else if (data === undefined || !(this.waiting ??= new MessageInbox()).hold(data, early))
        this.counters.messagesDropped++;
    }
    // At once: data may follow in the same turn, and onhandshake comes before it.
    else if (e.type === 'handshakeComplete') this.handshakeCompleted(e.parameters);
    else if (e.type === 'sessionTicket') {
      // A session whose server failed verification (rejectUnauthorized: false) hands out no ticket: resuming it would
      // skip the certificate check and report the resumed session authorized.
      if (typeof this.authorization?.error === 'string') return;
      this.latestTicket = Buffer.from(e.session);
      this.ticketOutcome.resolve(this.latestTicket);
      if (this.onticket) this.callHandler('onticket', this.onticket, this.latestTicket);
      if (this.opening.waitingForTicket) this.announceOpen();
    } else if (e.type === 'handshakeConfirmed') {
      this.opening.confirmed(
        this.latestTicket === undefined && typeof this.authorization?.error !== 'string',
        this.counters.createdAt,
        () => this.announceOpen(),
      );
    } else if (e.type === 'certificateRequested') this.opening.certificateRequested();
    else if (e.type === 'certificateAccepted') this.opening.release();
    else if (e.type === 'pathMigrated') {
      const from = addressOfPath(e.from);
      const to = this.remoteAddress;
      if (from && to && this.onmigrate) this.callHandler('onmigrate', this.onmigrate, from, to);
    } else if (e.type === 'clientAuthenticated') {
      this.lateCertificate = e.certificate;
      if (this.onclientcertificate)
        this.callHandler(
          'onclientcertificate',
          this.onclientcertificate,
          e.certificate ? certificateToPem(e.certificate) : undefined,
        );
    }
  }

  /** The connection ended (a microtask after, as a reaction to a promise would run). */
  private connectionEnded(): void {
    const driver = this.driver;
    const ending = driver.endedBy;
    if (ending === undefined) return;
    this.endReason = driver.failedWith ? 'failed' : ending.reason;
    const thrown = ending.callbackError;
    if (thrown !== undefined) driver.owner?.side.callbackFailed(thrownError(thrown), driver, this.openedPending);
    // The error (a function making it, or failedWith) is made once, when something reads it (sessionFailure).
    this.finish(driver.failedWith ?? sessionFailure(driver.current, ending));
  }

  private handshakeCompleted(parameters: SessionParameters): void {
    this.negotiated = parameters;
    this.counters.handshakeCompletedAt = Date.now();
    if (this.ending) {
      this.announceOpen();
      this.driver.shut();
      return;
    }
    // A 1.3 client opens once the server confirmed the handshake, then waits a moment for a ticket (opening.ts); a
    // version with no ticket after the handshake (1.2: it came just before, or none) settles it now.
    const facts = this.driver.current.versionFacts;
    if (!facts.ticketsAfterHandshake) this.ticketOutcome.resolve(undefined);
    if (this.role === 'client' && facts.clientAwaitsConfirmation) this.opening.awaitConfirmation();
    else this.announceOpen();
  }

  /** Resolves `opened` and calls `onhandshake` (once; ends a wait for the first ticket), then hands out messages that waited. */
  private announceOpen(): void {
    this.opening.opened();
    if (!this.openedPending) return;
    this.openedPending = false;
    const protocol = this.negotiated ? protocolOf(this.negotiated) : 'DTLSv1.3';
    this.openedOutcome.resolve({ protocol });
    if (!this.ending) this.earlyReplies?.sendAll((bytes, callback) => this.send(bytes, callback));
    if (!this.ending && this.onhandshake) this.callHandler('onhandshake', this.onhandshake, protocol);
    if (this.waiting !== undefined && !this.waiting.empty) this.onmessage = this.messageHandler; // what came while confirming
  }

  /** Calls an application handler; a throw or rejection ends the session with internal_error (never the process). */
  private callHandler<A extends unknown[]>(
    name: SessionCallbackName,
    handler: (...args: A) => unknown,
    ...args: A
  ): void {
    try {
      const result = handler.apply(this, args);
      if (result !== undefined && isThenable(result))
        result.then(undefined, (e: unknown) => this.callbackFailed(name, e));
    } catch (e) {
      this.callbackFailed(name, e);
    }
  }

  /** @internal An application callback of this session's threw (or its worker died): it ends with internal_error and that error. */
  callbackFailed(name: CallbackName, thrown: unknown): void {
    if (this.ended) return;
    if (this.driver.driven) this.driver.apply((connection) => connection.failForCallback(name, thrown));
    else this.fail(thrownError(thrown));
  }

  /**
   * A client's socket or its server's name failed. ICMP port unreachable (`portUnreachable`) ends a handshake; after
   * it, it is not believed (RFC 9147 §4.1), only counted.
   */
  private failed(error: Error, portUnreachable: boolean): void {
    if (portUnreachable && this.counters.handshakeCompletedAt !== undefined) this.counters.icmpUnreachable++;
    else this.fail(error);
  }

  /** Ends the session with `error` (a DNS failure, ICMP, a timeout), whether or not it has an endpoint yet. */
  private fail(error: Error): void {
    if (this.ended) return;
    this.driver.failedWith ??= error;
    if (this.driver.driven) this.driver.abort('local', error.message);
    else this.finish(error);
  }

  /**
   * Sends one message as one record (text as UTF-8); returns the bytes sent. `callback`: once written (null), or the
   * error: the session's ending, or the socket's refusal of a datagram of this turn (EMSGSIZE...: the turn's records
   * share datagrams, so every send of that turn hears it, and none of them was sent again). Throws
   * {@link SessionStateError} before `opened` (a server given 0-RTT data holds it) or once closing, and
   * {@link MessageTooLargeError} above {@link maxMessageSize}.
   */
  send(data: SendData, callback?: (error: Error | null) => void): number {
    const bytes = data instanceof Uint8Array ? data : sendBytes(data);
    const driver = this.driver;
    const driven = this.rest.live !== undefined || driver.driven; // the getter only for a hibernated session
    if (driven && !this.negotiated && this.earlyReplies && !this.ending)
      return this.earlyReplies.hold(bytes, this.maxMessageSize, this.messageMtu, callback);
    if (!driven || !this.negotiated || this.ended || this.ending)
      throw new SessionStateError(this.stateProblem('send'));
    // Only a message near the limit pays for working it out (suite, connection ID, the peer's record_size_limit).
    if (
      bytes.length >
      Math.min(this.mtu, driver.pathDatagramLimit, this.negotiated.recordSizeLimit ?? Infinity) - SURELY_FITS_BELOW_MTU
    ) {
      const limit = this.maxMessageSize;
      if (bytes.length > limit) throw new MessageTooLargeError(bytes.length, limit, this.messageMtu);
    }
    // Sealed now; the record leaves at the end of the turn, with every other record sent in it (SessionDriver.pump).
    try {
      (this.rest.live ?? driver.current).send(bytes, driver.sendTime());
    } catch (e) {
      if (e instanceof ConnectionStateError) throw new SessionStateError(`send: ${e.message}`);
      throw e;
    } finally {
      // Also for a refused send: the refusal may have ended the connection (a 1.2 key at its usage limit), whose alert goes out.
      driver.queuePump();
    }
    this.counters.messagesSent++;
    this.counters.bytesSent += bytes.length;
    if (callback) this.opening.whenSent(callback);
    return bytes.length;
  }

  /** Resolves once every datagram handed to the socket so far is written: await it every few sends to pace a sender. */
  flushed(): Promise<void> {
    return this.driver.driven ? this.driver.flushedOut() : Promise.resolve();
  }

  /**
   * The most bytes one `send()` takes: one record in one `mtu` datagram (548 bytes over IPv4, 1,232 over IPv6 once the
   * path said ours were too large), for the suite and connection ID (message-size.ts).
   */
  get maxMessageSize(): number {
    const connection = this.connection;
    const mtu = this.messageMtu;
    const cid = connection?.peerConnectionIdLength ?? 0;
    const known = this.sizeKnown;
    // Worked out again only when what it depends on changed (and until opened): a send near the limit asks every time.
    if (
      known.negotiated === undefined ||
      known.negotiated !== this.negotiated ||
      known.mtu !== mtu ||
      known.cid !== cid ||
      known.of !== connection
    ) {
      const facts = connection?.versionFacts ?? FACTS13;
      known.size = facts.maxMessageSize(mtu, this.negotiated, cid);
      known.negotiated = this.negotiated;
      known.mtu = mtu;
      known.cid = cid;
      known.of = connection;
    }
    return known.size;
  }

  /** The datagram one send() fills at most: `mtu`, less once the path said ours were too large (EMSGSIZE, ICMP). */
  private get messageMtu(): number {
    return Math.min(this.mtu, this.driver.pathDatagramLimit);
  }

  /**
   * Closes with close_notify; resolves when ended and a client's own socket is closed (its local port free to bind
   * again). Before the handshake completes, abandons it (`opened`: `ERR_INVALID_STATE`).
   */
  close(): Promise<void> {
    if (!this.ended && !this.ending) {
      this.ending = true;
      this.counters.closingAt = Date.now();
      if (!this.driver.driven) this.finish(undefined);
      else if (this.negotiated) this.driver.shut();
      else this.driver.abort('local', 'closed before the handshake completed');
    }
    return this.closed.then(noop, noop).then(() => this.driver.socketClosed());
  }

  /** Ends the session at once, without close_notify; `closed` rejects with `error` when one is given, else resolves. */
  destroy(error?: Error): void {
    if (this.ended) return;
    this.ending = true;
    if (error) this.driver.failedWith ??= withCode(error, 'ERR_DTLS_DESTROYED');
    if (this.driver.driven) this.driver.abort('local', error?.message ?? 'destroyed');
    else this.finish(error && withCode(error, 'ERR_DTLS_DESTROYED'));
  }

  /** `await using session = connect(...)`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** How the session ended: `close_notify` (the peer closed), `local`, `failed`, `timeout`, `replaced` (a restarted client's). */
  get closeReason(): SessionCloseReason | undefined {
    return this.endReason;
  }

  /** Whether the session has ended (closed, failed or destroyed). */
  get destroyed(): boolean {
    return this.ended;
  }

  /** Everything the handshake settled, once opened. */
  get parameters(): SessionParameters | undefined {
    return this.negotiated;
  }

  /** `'DTLSv1.3'` or `'DTLSv1.2'` once opened. */
  get protocol(): 'DTLSv1.2' | 'DTLSv1.3' | undefined {
    return this.negotiated ? protocolOf(this.negotiated) : undefined;
  }

  /** The cipher suite, as node:tls names it (`name`: OpenSSL's, `standardName`: IANA's), once opened. */
  get cipher(): SessionCipher | undefined {
    return this.negotiated && this.driver.driven
      ? cipherOf(this.negotiated, this.driver.current.versionFacts)
      : undefined;
  }

  /** The server name: a client's sent server_name (none for an IP address); on a server, the client's, once read. */
  get servername(): string | undefined {
    return this.negotiated ? this.negotiated.servername : this.clientServerName;
  }

  private readonly clientServerName: string | undefined;

  /** The application protocol ALPN settled (RFC 7301), once opened. */
  get alpnProtocol(): string | undefined {
    return this.negotiated?.alpnProtocol;
  }

  /** The SRTP protection profile use_srtp settled (RFC 5764: `SRTP_AES128_CM_SHA1_80`, ...), once opened; undefined when none was. */
  get srtpProfile(): string | undefined {
    return this.negotiated?.srtpProfile;
  }

  /** The peer's leaf certificate as PEM, when it sent one in this handshake (not a raw public key: see peerFingerprint). */
  get peerCertificate(): string | undefined {
    const der = peerEntry(this.lateCertificate ?? this.negotiated?.peerCertificate, 'certificate');
    return der && certificateToPem(der);
  }
  /** The peer's leaf certificate as node:crypto's X509Certificate, when it sent one. */
  get peerX509Certificate(): X509Certificate | undefined {
    const der = peerEntry(this.lateCertificate ?? this.negotiated?.peerCertificate, 'certificate');
    if (!der) return undefined;
    if (this.x509?.raw.equals(der) !== true) this.x509 = new X509Certificate(der);
    return this.x509;
  }
  private x509: X509Certificate | undefined;

  private readonly localCertificate: Uint8Array | undefined;

  /** This end's certificate fingerprint as SDP's a=fingerprint has it (`'sha-256 AB:CD:...'`; `hash`: sha-1 to sha-512). */
  localFingerprint(hash: FingerprintHash = 'sha-256'): string | undefined {
    return this.localCertificate && certificateFingerprint(this.localCertificate, hash);
  }
  /** The peer's certificate fingerprint in the same form, once it sent a certificate (a raw public key: over its SPKI). */
  peerFingerprint(hash: FingerprintHash = 'sha-256'): string | undefined {
    const der = this.lateCertificate ?? this.negotiated?.peerCertificate;
    return der && certificateFingerprint(der, hash);
  }

  /**
   * Whether the peer's certificate verified (against `ca`, and `servername` on a client), here or in the handshake
   * whose ticket this one resumed. False before the handshake, after the end, and for an external PSK.
   */
  get authorized(): boolean {
    return (
      !this.ended &&
      this.negotiated !== undefined &&
      peerAuthorized(this.role, this.negotiated, this.lateCertificate !== undefined, this.authorization)
    );
  }

  /** Why `authorized` is false, as node:tls's short code (`CERT_HAS_EXPIRED`, `HOSTNAME_MISMATCH`, ...); see peer-identity.ts. */
  get authorizationError(): string | undefined {
    return !this.negotiated || this.authorized ? undefined : authorizationErrorOf(this.authorization);
  }

  /** Client: the latest resumption ticket (pass it as `session` to a later `connect()` to the same server name); undefined on a server. */
  get resumptionTicket(): Buffer | undefined {
    return this.role === 'client' ? this.latestTicket : undefined;
  }

  /** @deprecated node:dtls's name for {@link resumptionTicket} (a ticket, not a session); kept for node:dtls code. */
  get session(): Buffer | undefined {
    return this.resumptionTicket;
  }

  /** @internal `console.log(session)`: who, in what state, and the counts; not the session's insides (nor its secrets). */
  [inspect.custom](_depth: number, options: object, show: typeof inspect): string {
    const state = this.ended ? 'ended' : this.ending ? 'closing' : this.negotiated ? 'open' : 'handshaking';
    const remote = this.remoteAddress;
    const { role, protocol, servername, closeReason } = this;
    const shown = {
      role,
      remote: remote && `${remote.address}:${remote.port}`,
      state,
      protocol,
      servername,
      closeReason,
      stats: this.stats.toJSON(),
    };
    return `DtlsSession ${show(shown, options)}`;
  }

  /** Whether the handshake resumed a session (false before it completes and after the session ended). */
  get reused(): boolean {
    return !this.ended && this.negotiated?.resumed === true;
  }

  /** The peer's address, port and family, as node:dtls gives them: an object, where node:tls's `remoteAddress` is the address string. */
  get remoteAddress(): SessionAddress | undefined {
    const r = this.driver.placed ? this.driver.remote : undefined;
    return r && withFamily(r);
  }

  /** The peer's port (node:tls's name). */
  get remotePort(): number | undefined {
    return this.remoteAddress?.port;
  }

  /** Keying material for another protocol (RFC 8446 §7.5), at most 255 × the hash length; throws before `opened`. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array | DataView): Buffer {
    if (!this.driver.driven || !this.negotiated) throw new SessionStateError(this.stateProblem('exportKeyingMaterial'));
    const connection = this.driver.current;
    const most = connection.versionFacts.exporterLengthLimit(this.negotiated);
    const contextBytes = keyingMaterialArguments(length, label, context, most);
    return Buffer.from(connection.exportKeyingMaterial(length, label, contextBytes));
  }

  /** Updates our keys, and with `requestPeer` the peer's (RFC 9147 §8). */
  updateKeys(requestPeer = false): void {
    this.mustBeOpen('updateKeys');
    this.driver.direct((connection, now) => connection.updateKeys(requestPeer, now));
  }

  /** Connection IDs, when the handshake negotiated them (RFC 9146; see {@link SessionConnectionIds}). */
  get connectionIds(): SessionConnectionIds | undefined {
    const ids = this.connection?.connectionIds;
    return ids && sessionConnectionIds(ids);
  }

  /** Gives the peer `count` more CIDs of ours (NewConnectionId, RFC 9147 §9); `immediate`: it must switch to one now. */
  issueConnectionIds(count: number, options: { readonly immediate?: boolean } = {}): Buffer[] {
    this.mustBeOpen('issueConnectionIds');
    const cids = this.driver.direct((connection, now) => connection.issueConnectionIds(count, { ...options, now }));
    return cids.map((c) => Buffer.from(c));
  }

  /** Asks the peer for `count` CIDs to move to later (RequestConnectionId, RFC 9147 §9). */
  requestConnectionIds(count: number): void {
    this.mustBeOpen('requestConnectionIds');
    this.driver.direct((connection, now) => connection.requestConnectionIds(count, now));
  }

  /**
   * Client: moves to a new local UDP port (`address`: the local address) mid-session; the server checks it (RFC 9853)
   * and follows, no new handshake. DTLS 1.2: only with a CID of the server's (RFC 9146 §6). Resolves with the address.
   */
  rebind(address?: string): Promise<SessionAddress> {
    const rebinder = this.driver.rebinder;
    if (!this.driver.driven || !this.negotiated || this.ended || !rebinder)
      return Promise.reject(new SessionStateError(this.stateProblem('rebind')));
    const connection = this.driver.current;
    const refused = connection.versionFacts.rebindRefusal(connection.connectionIds);
    if (refused !== undefined) return Promise.reject(refused);
    return rebinder(address);
  }

  /** Server: asks the client for its certificate after the handshake (RFC 8446 §4.6.2). */
  requestClientCertificate(): void {
    this.mustBeOpen('requestClientCertificate');
    this.driver.direct((connection, now) => connection.requestClientCertificate(now));
  }

  /** Throws {@link SessionStateError} unless the handshake completed and the session has not ended. */
  private mustBeOpen(what: string): void {
    if (!this.driver.driven || !this.negotiated || this.ended) throw new SessionStateError(this.stateProblem(what));
  }

  private stateProblem(what: string): string {
    if (this.ended) return `${what}: the session has ended`;
    if (this.ending) return `${what}: the session is closing`;
    return `${what}: the handshake has not completed (await session.opened)`;
  }

  private finish(failure: Error | (() => Error) | undefined): void {
    if (this.ended) return;
    let made: DtlsError | undefined;
    const error =
      failure &&
      ((): DtlsError => (made ??= withCode(typeof failure === 'function' ? failure() : failure, 'ERR_DTLS_CALLBACK')));
    this.endReason ??= error ? 'failed' : 'local';
    this.ended = true;
    this.ending = true;
    this.counters.destroyedAt = Date.now();
    if (this.opening.waitingForTicket) this.announceOpen(); // the handshake was confirmed: opened resolves, then closed settles
    this.opening.ended(error);
    this.earlyReplies?.ended(error);
    this.ticketOutcome.resolve(undefined);
    if (this.openedPending) {
      this.openedPending = false;
      this.openedOutcome.reject(error ?? new SessionStateError('the session closed before the handshake completed'));
    }
    this.driver.owner?.side.sessionEnded(this.driver);
    if (!error) return this.closedOutcome.resolve();
    this.closedOutcome.reject(error);
    callUnguarded(() => this.onerror?.(error())); // the application's own exception, as from any Node event handler
  }
}
