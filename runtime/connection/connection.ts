import type { ChartInspectionEvent } from '../chart-inspection.js';
import { readDtlsHandshake, decodeAck, decodeAlert, decodeReturnRoutabilityCheck, type Alert, type DtlsHandshake } from '../../generated/wire/index.js';
import { issueConnectionIds } from '../cid/cid-actions.js';
import { handshakeTypeFromNumber, handshakeTypeToNumber } from '../../generated/wire/enums.js';
import { ConfigError, integerOption } from '../config-error.js';
import { hashLength } from '../crypto/suites.js';
import { exportKeyingMaterial } from '../keyschedule/derived-keys.js';
import { CryptoError, type PrivateKeyHandle } from '../crypto/provider.js';
import { FlightController } from '../handshake/flight.js';
import { ManualClock } from '../handshake/manual-clock.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import type { DropCounters } from '../record/drops.js';
import { RecordLayer, type ReceivedRecord } from '../record/record-layer.js';
import { DecodeError, Reader } from '../wire/index.js';
import { AckTracker } from './ack-tracker.js';
import { CallbackError, type CallbackName } from './callback-error.js';
import { toAlert, type FatalReason } from './alert-mapping.js';
import { resolveConfig, type DtlsConfig, type ResolvedConfig } from './config.js';
import { ConnectionParts } from './connection-parts.js';
import type { ConnectionEvent } from './events.js';
import { epochAllows, handlerFor } from './handler-table.js';
import { keyLogger } from './key-material.js';
import type { DatagramObserver } from './datagram-observer.js';
import { cachedPrivateKey } from './option-cache.js';
import { HandshakeOutbox, type OutMessage } from './outbox.js';
import { roleDriver, type RoleDriver } from './role-driver.js';
import { keyUpdateAcknowledged, sendKeyUpdate, sendPendingFlights } from './session-actions.js';
import type { StatelessRetry } from './stateless-retry.js';
import { ticketAddressOf } from '../session/ticket-address.js';
import { CidContext, type PathDatagram, type PathStats } from '../cid/cid-context.js';

/** Options of a connection beyond the protocol configuration. */
export interface ConnectionOptions extends DtlsConfig {
  /** Wall-clock time (ms since the epoch) for certificate validity; default `Date.now`. The protocol's own time is the `now` passed in. */
  readonly wallClock?: () => number;
  /** Receives the chart actor's inspection events (XState's `inspect`), e.g. to watch the handshake in the XState inspector. */
  // A method, so a callback typed with xstate's own InspectionEvent fits (parameters of methods are checked both ways).
  inspect?(event: ChartInspectionEvent): void;
  /** Server: start after a stateless HelloRetryRequest whose cookie a HelloRetryResponder accepted. */
  readonly statelessRetry?: StatelessRetry | undefined;
  /** Sees every datagram received and sent, as on the wire (e.g. to print a message trace). */
  readonly onDatagram?: DatagramObserver;
  /** Server: whether a CID is already another connection's (the UDP server's routing map), so a new one is never a duplicate. */
  readonly connectionIdTaken?: (cid: Uint8Array) => boolean;
  /**
   * Server: the client's IP address (as node:dgram reports it). Tickets
   * this connection issues record it, and 0-RTT early data is taken only
   * with a ticket that records the same address (RFC 9147 §5.1; see
   * runtime/session/ticket-address.ts). Omitted: tickets record none, and
   * early data is taken only with tickets that record none.
   */
  readonly peerAddress?: string;
}

/** What a connection holds for its peer now, against the caps of `limits`. */
export interface RetainedState {
  readonly reassemblyBytes: number;
  readonly deferredBytes: number;
  readonly ackRecords: number;
  readonly readEpochs: number;
}

/** Per-connection counters (RFC 9147 §4.5.2 drops by reason) and the handshake's timing, in the caller's time. */
export interface ConnectionStats {
  readonly datagramsReceived: number;
  readonly datagramsSent: number;
  /** Records the record layer delivered (not dropped). */
  readonly recordsReceived: number;
  readonly applicationBytesSent: number;
  readonly applicationBytesReceived: number;
  readonly drops: Readonly<DropCounters>;
  /** Records the connection set aside after the record layer accepted them: not allowed in their epoch, refused by reassembly, over a cap. */
  readonly ignored: Readonly<Record<IgnoreReason, number>>;
  /** Flights sent again: on timeout, on a partial ACK, or because the peer retransmitted. */
  readonly retransmissions: number;
  readonly flightState: string;
  readonly retransmitTimeout: number;
  /** From the first ClientHello (client) or the first message (server) to connected, in the caller's time units. */
  readonly handshakeDuration: number | undefined;
  /** Whole handshake messages handed to the handshake logic (after reassembly). */
  readonly handshakeMessagesReceived: number;
  /** Handshake messages sent, retransmissions included. */
  readonly handshakeMessagesSent: number;
  readonly retained: RetainedState;
  /** Connection IDs and return routability (RFC 9853): checks, bytes to unvalidated addresses, migrations. */
  readonly paths: PathStats;
}

/** Why an accepted record's content was set aside without failing the connection. */
export type IgnoreReason =
  'unauthenticated-violation' | 'reassembly-refused' | 'deferred-cap' | 'early-data-cap' | 'early-data-refused' | 'stale-alert' | 'ack-epoch';

/** A call the connection's state does not allow (sending before the handshake completed, after a failure or close). */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

/**
 * How long ACKs and peer-triggered retransmissions wait for the rest of a
 * burst, in ms: one ACK covers the burst and one retransmission answers it
 * (RFC 9147 §7.1 allows delaying ACKs).
 */
const BURST_DELAY = 50;

/**
 * A DTLS 1.3 connection (RFC 9147), sans-I/O: datagrams and the caller's
 * time in; datagrams, the next timer deadline and events out. It never opens
 * a socket, starts a timer or reads a clock for protocol time.
 *
 * The handshake is the generated XState chart (dtls13-client or
 * dtls13-server) whose actions work on the role's typed state (see
 * README.md); retransmission is the dtls13-flight chart; records go through
 * the RecordLayer. Everything the peer sends is handled record by record
 * under one catch (`receiveRecord`), mapped to an alert by `toAlert`.
 */
export class DtlsConnection {
  readonly role: 'client' | 'server';
  private readonly onDatagram: DatagramObserver | undefined;
  private readonly parts: ConnectionParts;
  private readonly driver: RoleDriver;
  private readonly inbox: HandshakeReassembler;
  private readonly outgoing: Uint8Array[] = [];
  /** The size of the datagram being handled (what a new path's anti-amplification budget counts). */
  private datagramBytes = 0;
  private deferred: Uint8Array[] = [];
  private deferredBytes = 0;
  private earlyData: Uint8Array[] = [];
  private earlyBytes = 0;
  /** The newest epoch in which the peer has sent a record that authenticated. */
  private peerEpoch = 0;
  private burstTimer: number | undefined;
  private burst = { ack: false, retransmit: false };
  /** Client: connected, and no epoch-3 record of the server's has yet acknowledged our final flight implicitly. */
  private finalFlightOpen = false;
  /** Authentication failures the integrity-limit check has seen, and the read epoch it last asked the peer to leave. */
  private authFailuresSeen = 0;
  private updateRequestedFor: number | undefined;
  /** When the peer's retransmission last made us resend our flight: at most once per retransmit timeout, so spoofed repeats cannot pump flights at a victim. */
  private peerTriggeredAt = -Infinity;
  private failReason: FatalReason | undefined;
  private startedAt = 0;
  private completedAt: number | undefined;
  private authenticatedAt: number | undefined;
  private readonly counts = {
    datagramsReceived: 0,
    datagramsSent: 0,
    recordsReceived: 0,
    applicationBytesSent: 0,
    applicationBytesReceived: 0,
    handshakeMessagesReceived: 0,
  };
  private readonly ignored: Record<IgnoreReason, number> = {
    'unauthenticated-violation': 0,
    'reassembly-refused': 0,
    'deferred-cap': 0,
    'early-data-refused': 0,
    'early-data-cap': 0,
    'stale-alert': 0,
    'ack-epoch': 0,
  };

  static client(options: ConnectionOptions = {}): DtlsConnection {
    return new DtlsConnection('client', options);
  }

  static server(options: ConnectionOptions): DtlsConnection {
    return new DtlsConnection('server', options);
  }

  /**
   * A server connection on a configuration resolved once for many
   * (`resolveConfig('server', options)`, as a UDP server does at listen):
   * from `perConnection` only what differs between connections is read
   * (`antiReplay`, `statelessRetry`, `connectionIdTaken`, `peerAddress`, `inspect`,
   * `onDatagram`, `wallClock`). Saves resolving and holding the
   * configuration per connection.
   */
  static serverSharing(config: ResolvedConfig, perConnection: ConnectionOptions): DtlsConnection {
    return new DtlsConnection('server', perConnection, config);
  }

  private constructor(role: 'client' | 'server', options: ConnectionOptions, shared?: ResolvedConfig) {
    this.role = role;
    this.onDatagram = options.onDatagram;
    const config = shared ?? resolveConfig(role, options);
    const clock = new ManualClock(0);
    const { maxReadEpochs, maxRecordsPerDatagram, maxFailedAuthenticationsPerSecond } = config.limits;
    const records = new RecordLayer({
      provider: config.provider,
      replayWindow: config.replayWindow,
      maxReadEpochs,
      maxRecordsPerDatagram,
      maxFailedAuthenticationsPerSecond,
    });
    const outbox = new HandshakeOutbox(records, config.maxDatagramSize, 0, (d) => this.outgoing.push(d));
    const flight = new FlightController<OutMessage>(
      {
        transmit: (m) => outbox.transmit(m),
        retransmitAck: () => this.parts.sendAck(this.parts.acks.list()),
        timedOut: (messages) => this.flightTimedOut(messages),
        optional: (m) => m.length > 0 && m.every((x) => x.msgType === 'new_session_ticket'),
      },
      clock,
      config.retransmission,
      options.inspect,
    );
    let ownKey: PrivateKeyHandle | undefined;
    if (config.certificate) {
      try {
        ownKey = cachedPrivateKey(config.provider, config.certificate.privateKey);
      } catch (e) {
        if (e instanceof CryptoError) throw new ConfigError('certificate', `the private key does not import: ${e.message}`);
        throw e;
      }
    }
    this.parts = new ConnectionParts({
      role,
      config,
      records,
      outbox,
      flight,
      clock,
      ownKey,
      outgoing: this.outgoing,
      cid: new CidContext({
        options: config.connectionIds,
        records,
        taken: options.connectionIdTaken,
        provider: config.provider,
        clock,
        emit: (e) => this.parts.events.push(e),
        follows: role === 'server',
        outgoing: this.outgoing,
      }),
      acks: new AckTracker(config.limits.maxAckRecords),
      log: keyLogger(config.keyLog),
      wallClock: options.wallClock ?? Date.now,
      antiReplay: options.antiReplay ?? config.antiReplay,
      peerAddress: ticketAddressOf(options.peerAddress),
    });
    this.inbox = new HandshakeReassembler({ maxBufferedBytes: config.limits.maxReassemblyBytes });
    this.driver = roleDriver(this.parts, () => this.failReason?.message, options.inspect, options.statelessRetry);
    if (role === 'server' && options.statelessRetry) {
      records.continuePlaintextFrom(options.statelessRetry.recordSequence);
      this.inbox.reset(1); // the second ClientHello is message 1; the first and the HelloRetryRequest were message 0
    }
  }

  // ── the sans-I/O surface ────────────────────────────────────────────────

  /** Client: starts the handshake (sends the ClientHello). */
  connect(now: number): void {
    if (this.role !== 'client') throw new ConnectionStateError('only a client connects');
    if (this.driver.stateKind() !== 'start') throw new ConnectionStateError('connect() was already called');
    this.advance(now);
    this.startedAt = now;
    this.guard(() => this.driver.connect());
  }

  /**
   * Processes one datagram from the peer. Never throws for what the peer
   * sent. `path` names where it came from (the UDP layer uses
   * `address|port`); with connection IDs a record from a new path starts a
   * return routability check (RFC 9853). Omitted: the current path.
   */
  receive(datagram: Uint8Array, now: number, path?: string): void {
    this.onDatagram?.('received', datagram);
    this.advance(now);
    if (this.ended) return;
    if (this.role === 'server' && this.counts.datagramsReceived === 0) this.startedAt = now;
    this.counts.datagramsReceived++;
    this.parts.cid.arrived(path);
    this.datagramBytes = datagram.length;
    this.receiveRecords(datagram, now);
  }

  /** The records of one datagram (or of one record kept for its keys), then what they leave to do: integrity limit, deferred records, ACKs. */
  private receiveRecords(datagram: Uint8Array, now: number): void {
    const generation = this.parts.records.readKeyGeneration;
    let deferredNow = false;
    for (const r of this.parts.records.receive(datagram, now)) {
      if (this.ended) break;
      if (r.kind === 'deferred') {
        if (this.refusedEarlyData(r.epochBits)) this.ignore('early-data-refused');
        else deferredNow = this.defer(r.record) || deferredNow;
        continue;
      }
      this.counts.recordsReceived++;
      this.receiveRecord(r, now);
    }
    if (this.ended) return;
    const overflow = this.parts.records.recordOverflow;
    if (overflow) {
      return this.fail({
        alert: 'record_overflow',
        message: `a protected record of epoch ${overflow.epoch} holds ${overflow.length} bytes, above our record_size_limit (RFC 8449 §4)`,
      });
    }
    this.checkIntegrityLimit();
    if (this.deferred.length > 0 && this.parts.records.readKeyGeneration !== generation) {
      // Keys arrived (a ServerHello ahead of the records it keys, in the same datagram): the deferred records go through again.
      const again = this.deferred;
      this.deferred = [];
      this.deferredBytes = 0;
      for (const d of again) if (!this.ended) this.receiveRecords(d, now);
    } else if (deferredNow && (this.parts.records.writeEpoch ?? 0) >= 2) {
      // RFC 9147 §7.1: records still waiting for keys get an ACK of what was processed, possibly empty, so the peer resends sooner.
      this.burst.ack = true;
    }
    this.scheduleBurst();
  }

  /** The next datagram to send, if any. */
  pollTransmit(): Uint8Array | undefined {
    if (this.parts.cid.holdsBack()) return undefined; // RFC 9853 §5: nothing for the peer while its new address is checked
    const d = this.outgoing.shift();
    if (d) {
      this.counts.datagramsSent++;
      this.onDatagram?.('sent', d);
    }
    return d;
  }

  /**
   * The next datagram for a path other than the current one (return
   * routability probes and answers, RFC 9853), with its path; send it
   * there, not to the current peer address.
   */
  pollPathTransmit(): PathDatagram | undefined {
    const d = this.parts.cid.pathOutgoing.shift();
    if (d) {
      this.counts.datagramsSent++;
      this.onDatagram?.('sent', d.datagram);
    }
    return d;
  }

  /** The earliest time `handleTimeout` has work, if any. */
  pollTimeout(): number | undefined {
    const a = this.parts.clock.nextDeadline();
    const b = this.parts.records.nextTimeout();
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  /** Runs the timers due at `now` (retransmissions, delayed ACKs, key retention). Never throws for what the peer sent. */
  handleTimeout(now: number): void {
    this.advance(now);
  }

  /** The next event for the application, if any. */
  pollEvent(): ConnectionEvent | undefined {
    return this.parts.events.shift();
  }

  /**
   * Sends application data (one record). Only once the handshake is
   * complete, and not after close. `now`: the caller's time, which a
   * KeyUpdate this record starts (the write key near its limit) is timed
   * from; see {@link updateKeys}.
   */
  send(data: Uint8Array, now?: number): void {
    if (this.parts.failure) throw new ConnectionStateError(`the connection failed (${this.parts.failure.alert})`);
    const session = this.driver.session();
    if (this.driver.stateKind() === 'closed') throw new ConnectionStateError('the connection is closed');
    if (!session) throw new ConnectionStateError('the handshake is not complete');
    this.outgoing.push(this.parts.records.seal('application_data', data).bytes);
    this.counts.applicationBytesSent += data.length;
    if (this.parts.records.keyUpdateDue && !session.keyUpdateInFlight) this.updateKeys(false, now);
  }

  /**
   * Updates our write keys (RFC 8446 §4.6.3, RFC 9147 §8); with
   * `requestPeer`, asks the peer to update its own. Records use the new keys
   * once the peer has acknowledged the KeyUpdate. Also started by itself when
   * the write key nears its usage limit.
   *
   * `now` (as for `receive`): the KeyUpdate's retransmission timer starts
   * then. Without it the connection's time is the last it was given, which
   * after an idle period is long past: the timer would be due at once.
   * Every call that starts a post-handshake flight takes it.
   */
  updateKeys(requestPeer = false, now?: number): void {
    this.catchUp(now);
    if (!this.driver.session() || this.ended) throw new ConnectionStateError('keys can only be updated on a connected connection');
    this.guard(() => this.driver.control({ type: 'updateKeys', payload: { requestUpdate: requestPeer ? 'update_requested' : 'update_not_requested' } }));
  }

  /**
   * Server: asks the client for its certificate now (post-handshake
   * authentication, RFC 8446 §4.6.2). The answer arrives as a
   * `clientAuthenticated` event, or ends the connection with the alert that
   * names what was wrong. Throws ConnectionStateError when not connected,
   * when the client did not offer post_handshake_auth, or when nothing
   * (trustAnchors or verifyPeer) could check a certificate. `now`: as for
   * {@link updateKeys}.
   */
  requestClientCertificate(now?: number): void {
    this.catchUp(now);
    const session = this.driver.session();
    if (this.role !== 'server' || !session || this.ended) throw new ConnectionStateError('only a connected server can ask for a client certificate');
    if (!session.postHandshakeAuth) throw new ConnectionStateError('the client did not offer post_handshake_auth (RFC 8446 §4.6.2)');
    if (this.parts.config.trustAnchors.length === 0 && !this.parts.config.verifyPeer) {
      throw new ConnectionStateError('no trustAnchors or verifyPeer to check a client certificate with');
    }
    this.guard(() => this.driver.control({ type: 'requestCertificate' }));
  }

  /**
   * Keying material for another protocol (RFC 8446 §7.5, RFC 5705 as TLS 1.3
   * defines it): `length` bytes from the exporter_master_secret, `label` and
   * `context` (absent and empty differ only in TLS 1.2; here both hash the
   * empty string). The same on both sides of a connection. Throws
   * ConnectionStateError before the handshake completes, ConfigError for a
   * bad length or label.
   */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    const session = this.driver.session();
    if (!session) throw new ConnectionStateError('keying material can only be exported from a connected connection');
    integerOption('length', length, 1, 255 * hashLength(session.schedule.hash));
    if (typeof label !== 'string' || label.length === 0) throw new ConfigError('label', 'must be a non-empty string');
    if (context !== undefined && !(context instanceof Uint8Array)) throw new ConfigError('context', 'must be a Uint8Array');
    return exportKeyingMaterial(session.schedule, session.exporterSecret, label, context, length);
  }

  /**
   * Connection IDs (RFC 9146, RFC 9147 §9), once the hellos negotiated
   * them: `local` is the CID records to us carry now (undefined for a
   * zero-length one), `peer` the one our records carry, `spares` how many
   * of the peer's we hold for a new path, `rrc` whether address changes are
   * checked (RFC 9853). Undefined when no CIDs were negotiated.
   */
  get connectionIds():
    | {
        readonly local: Uint8Array | undefined;
        readonly peer: Uint8Array | undefined;
        readonly spares: number;
        readonly rrc: boolean;
        readonly issued: readonly Uint8Array[];
      }
    | undefined {
    const s = this.parts.cid.session;
    if (s === undefined) return undefined;
    const peer = s.peer.current;
    return { local: s.local.current, peer: peer.length > 0 ? peer : undefined, spares: s.peer.spares, rrc: s.rrcNegotiated, issued: s.local.active };
  }

  /** The peer's current path (as given to `receive`), once one was named. */
  get path(): string | undefined {
    return this.parts.cid.current;
  }

  /**
   * Gives the peer `count` more CIDs of ours in a NewConnectionId (RFC 9147
   * §9; `immediate`: it must use one at once), within `cid.maxIssued`;
   * returns them. Throws ConnectionStateError when not connected or when
   * records to us carry no CID. `options.now`: as for {@link updateKeys}.
   */
  issueConnectionIds(count: number, options: { readonly immediate?: boolean; readonly now?: number } = {}): Uint8Array[] {
    this.catchUp(options.now);
    const s = this.parts.cid.session;
    if (!this.driver.session() || this.ended) throw new ConnectionStateError('connection IDs are issued on a connected connection');
    if (s === undefined || !s.receivesCid) throw new ConnectionStateError('no connection ID of ours was negotiated (or ours is zero-length)');
    integerOption('count', count, 1, 64);
    const cids = issueConnectionIds(this.parts, s, count);
    const usage = options.immediate === true ? 'cid_immediate' : 'cid_spare';
    this.guard(() => this.driver.control({ type: 'issueConnectionIds', payload: { cids: cids.map((cid) => ({ cid })), usage } }));
    return cids;
  }

  /**
   * Asks the peer for `count` CIDs (RequestConnectionId, RFC 9147 §9); they
   * arrive as spares. One request at a time: a second while the first is
   * unanswered is not sent. Throws ConnectionStateError when not connected
   * or when the peer's CID is zero-length. `now`: as for {@link updateKeys}.
   */
  requestConnectionIds(count: number, now?: number): void {
    this.catchUp(now);
    const s = this.parts.cid.session;
    if (!this.driver.session() || this.ended) throw new ConnectionStateError('connection IDs are requested on a connected connection');
    if (s === undefined || !s.sendsCid) throw new ConnectionStateError('the peer has no (non-empty) connection ID to ask more of');
    integerOption('count', count, 1, 255);
    this.guard(() => this.driver.control({ type: 'requestConnectionIds', payload: { numCids: count } }));
  }

  /**
   * We moved: our datagrams leave from `path` now (a client that rebound
   * its socket). Records use a spare CID of the peer's when there is one
   * (RFC 9146 §8), and a path_challenge that still comes over the old path
   * is answered with path_drop (RFC 9853 §5.2).
   */
  rebind(path: string): void {
    this.parts.cid.rebind(path);
  }

  /** Closes with close_notify (RFC 8446 §6.1); before the handshake completes, ends it with user_canceled. */
  close(): void {
    if (this.ended) return;
    if (this.driver.session()) this.guard(() => this.driver.control({ type: 'close' }));
    else this.parts.abandon('closed by the application before the handshake completed');
  }

  /**
   * An application callback outside the connection threw while handling it
   * (`onmessage`, a server's asynchronous anti-replay store): ends the
   * connection with internal_error, keeping what was thrown in
   * `failure.callbackError`. Nothing happens on an ended connection.
   */
  failForCallback(callback: CallbackName, thrown: unknown): void {
    if (this.ended) return;
    this.fail(toAlert(new CallbackError(callback, thrown)));
  }

  /**
   * The network said a datagram was too large for the path (RFC 9147 §4.4:
   * ICMP fragmentation-needed, or a send refused with EMSGSIZE): handshake
   * flights, their retransmissions included, are cut into datagrams of at
   * most `size` bytes from now on (never below 256). The flight's
   * retransmission timer resends it. Returns whether the limit fell.
   */
  pathMtuExceeded(size: number): boolean {
    return this.parts.outbox.lowerDatagramLimit(size);
  }

  /** The largest datagram a handshake flight is cut into now (`maxDatagramSize`, or less after {@link pathMtuExceeded}). */
  get datagramLimit(): number {
    return this.parts.outbox.datagramLimit;
  }

  /** The handshake chart's state (`waitServerHello`, `connected`, `failed`, ...). */
  get state(): string {
    return this.driver.chartState();
  }

  /** The alert that failed the connection, if it failed. */
  get failure(): FatalReason | undefined {
    return this.parts.failure;
  }

  /**
   * When the peer last sent a record that authenticated under keys of this
   * connection (in the caller's time), or undefined. Plaintext and forged
   * datagrams never move it: idle timers should read this.
   */
  get lastAuthenticatedReceive(): number | undefined {
    return this.authenticatedAt;
  }

  /**
   * The record and handshake message counts of `stats` as they are now, in
   * one small object (`stats` copies every counter into several new objects
   * per read): for a caller that reads them after every call (the hardware
   * model).
   */
  get counters(): Pick<ConnectionStats, 'recordsReceived' | 'handshakeMessagesReceived' | 'handshakeMessagesSent'> {
    const c = this.counts;
    return {
      recordsReceived: c.recordsReceived,
      handshakeMessagesReceived: c.handshakeMessagesReceived,
      handshakeMessagesSent: this.parts.outbox.messagesSent,
    };
  }

  /** Records, drops by reason, retransmission state, handshake duration and what is held for the peer. */
  get stats(): ConnectionStats {
    return {
      ...this.counts,
      drops: { ...this.parts.records.drops },
      ignored: { ...this.ignored },
      retransmissions: this.parts.flight.retransmissions,
      flightState: this.parts.flight.state,
      retransmitTimeout: this.parts.flight.timeout,
      handshakeDuration: this.completedAt === undefined ? undefined : this.completedAt - this.startedAt,
      handshakeMessagesSent: this.parts.outbox.messagesSent,
      retained: {
        reassemblyBytes: this.inbox.retainedBytes,
        deferredBytes: this.deferredBytes + this.earlyBytes,
        ackRecords: this.parts.acks.size,
        readEpochs: this.parts.records.usage().read.length,
      },
      paths: this.parts.cid.stats,
    };
  }

  /**
   * @internal For tests of the handshake logic: handles a whole handshake
   * message as if reassembled from an authenticated record of `epoch`,
   * skipping the record layer (tested on its own).
   */
  injectHandshakeMessage(msgType: number, body: Uint8Array, epoch: number): void {
    if (this.ended) return;
    this.guard(() => this.message(msgType, body, epoch, true));
  }

  /** @internal For tests of the connection's policies: handles a record as if the record layer had delivered it. */
  injectRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    if (!this.ended) this.receiveRecord(r, this.parts.clock.now);
  }

  // ── inbound, one record at a time ──────────────────────────────────────

  private get ended(): boolean {
    return this.parts.failure !== undefined || this.driver.stateKind() === 'closed';
  }

  /** The one catch: whatever handling a record throws becomes one fatal alert (toAlert). */
  private receiveRecord(r: Extract<ReceivedRecord, { kind: 'record' }>, now: number): void {
    try {
      if (r.protected) this.authenticated(r.epoch, now);
      if (r.protected && r.epoch >= 3) this.parts.cid.observe(r, this.datagramBytes);
      switch (r.contentType) {
        case 'handshake':
          this.handshakeRecord(r);
          break;
        case 'ack':
          this.ackRecord(r);
          break;
        case 'alert':
          this.alertRecord(r);
          break;
        case 'application_data':
          this.applicationData(r);
          break;
        case 'return_routability_check':
          this.returnRoutabilityCheck(r);
          break;
        default:
          break; // the record layer delivers only these four
      }
    } catch (error) {
      this.fail(toAlert(error));
    }
  }

  /** The peer proved it holds `epoch` keys: plaintext ends (RFC 9147 §6.1), the idle clock moves, epoch 3 implicitly ACKs the client's final flight. */
  private authenticated(epoch: number, now: number): void {
    this.authenticatedAt = now;
    if (epoch > this.peerEpoch) {
      this.peerEpoch = epoch;
      if (epoch >= 2) this.parts.records.setAcceptPlaintext(false);
    }
    // RFC 9147 §7.2: any record responding to a flight acknowledges it; the server's first epoch-3 record answers the client's
    // final flight. Checked once, not per record: after that record the final flight is acknowledged either way.
    if (epoch >= 3 && this.finalFlightOpen) {
      this.finalFlightOpen = false;
      const session = this.driver.session();
      if (session && this.parts.flight.state === 'waiting') {
        this.parts.flight.acknowledge(this.parts.outbox.allIndexes(), true);
        sendPendingFlights(this.parts, session);
      }
    }
  }

  private handshakeRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    const fragments: DtlsHandshake[] = [];
    try {
      const reader = new Reader(r.content, 'HandshakeRecord');
      while (reader.pos < reader.end) fragments.push(readDtlsHandshake(reader));
    } catch (e) {
      if (e instanceof DecodeError && !r.protected) return this.ignore('unauthenticated-violation');
      throw e;
    }
    let accepted = false;
    let duplicate = false;
    for (const f of fragments) {
      const handler = handlerFor(this.role, f.msgType);
      if (!handler || !epochAllows(handler, r.epoch, this.driver.session() !== undefined)) {
        if (!r.protected) return this.ignore('unauthenticated-violation');
        throw new ProtocolError(
          'unexpected_message',
          `${String(f.msgType)} is not allowed in epoch ${r.epoch} for a ${this.role === 'client' ? 'server' : 'client'}`,
        );
      }
      // Plaintext carries only the hellos: nothing ahead of the next expected message is kept for an unauthenticated sender.
      if (!r.protected && f.messageSeq > this.inbox.nextReceiveSeq) return this.ignore('unauthenticated-violation');
      // A post-handshake message before our handshake has ended (a KeyUpdate overtaking the client's Finished) is not
      // buffered: released later by a handshake record, it would be judged by that record's epoch. Unacknowledged, it is resent.
      if (handler.epochs === 'application' && !this.driver.session()) {
        this.ignore('reassembly-refused');
        continue;
      }
      const res = this.inbox.receive(f);
      switch (res.kind) {
        case 'old':
          duplicate = true;
          break;
        case 'progress':
          if (res.newBytes > 0 || f.length === 0) {
            accepted = true;
            this.parts.acks.add(r.epoch, r.sequenceNumber);
          }
          if (res.outOfOrder) this.burst.ack = true;
          break;
        case 'complete':
          accepted = true;
          this.parts.acks.add(r.epoch, r.sequenceNumber);
          for (const m of res.messages) {
            this.message(handshakeTypeToNumber(m.msgType), m.body, r.epoch, r.protected);
            if (this.ended) return;
          }
          break;
        case 'inconsistent':
          if (!r.protected) return this.ignore('unauthenticated-violation');
          throw new ProtocolError('illegal_parameter', `handshake fragments disagree: ${res.reason}`);
        default:
          this.ignore('reassembly-refused');
      }
    }
    if (duplicate && !accepted) this.peerRetransmitted(r);
  }

  /**
   * A record repeating messages already processed. After the handshake it
   * is ACKed at once (RFC 9147 §7: a lost ACK is repaired by ACKing the
   * retransmission, e.g. a KeyUpdate or the client's Finished); during the
   * handshake it means our last flight was lost, and the flight is resent
   * once per burst.
   */
  private peerRetransmitted(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    if (this.driver.session()) {
      // One ACK for the burst (§7.1), not one per record: each ACK would make the peer resend what it does not cover.
      if (r.protected) {
        this.parts.acks.add(r.epoch, r.sequenceNumber);
        this.burst.ack = true;
      }
    } else {
      this.burst.retransmit = true;
    }
  }

  /** A whole handshake message: its chart event, if the chart takes it in this state; then ACKs for post-handshake messages. */
  private message(msgType: number, body: Uint8Array, epoch: number, authenticated: boolean): void {
    this.counts.handshakeMessagesReceived++;
    const handler = handlerFor(this.role, handshakeTypeFromNumber(msgType));
    if (!handler || !epochAllows(handler, epoch, this.driver.session() !== undefined)) {
      throw new ProtocolError(
        'unexpected_message',
        `${String(handshakeTypeFromNumber(msgType))} is not allowed in epoch ${epoch} for a ${this.role === 'client' ? 'server' : 'client'}`,
      );
    }
    const postHandshake = this.driver.session() !== undefined;
    // After the handshake its messages (post-handshake authentication) come only under application keys.
    if (postHandshake && epoch < 3) {
      throw new ProtocolError('unexpected_message', `${String(handshakeTypeFromNumber(msgType))} under epoch ${epoch} keys after the handshake`);
    }
    this.driver.deliver(handler, msgType, body);
    if (!postHandshake && this.driver.session() && this.completedAt === undefined) this.connected();
    if (postHandshake && authenticated && epoch >= 3 && !this.ended) {
      // NewSessionTicket and KeyUpdate are acknowledged explicitly (RFC 9147 §7, §8).
      this.parts.sendAck(this.parts.acks.list());
      this.parts.acks.clear();
    }
  }

  private connected(): void {
    this.completedAt = this.parts.clock.now;
    const cid = this.parts.cid.session;
    if (cid !== undefined && cid.receivesCid && cid.options.spares > 0) {
      // Spares for the peer to move to on a new path (RFC 9147 §9, RFC 9146 §8), sent once its final flight allows.
      const spares = issueConnectionIds(this.parts, cid, cid.options.spares);
      this.driver.control({ type: 'issueConnectionIds', payload: { cids: spares.map((c) => ({ cid: c })), usage: 'cid_spare' } });
    }
    this.finalFlightOpen = this.role === 'client';
    this.parts.records.setAcceptPlaintext(false);
    for (const d of this.earlyData) this.deliver(d);
    this.earlyData = [];
    this.earlyBytes = 0;
  }

  private ackRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    // ACKs are only taken under keys (RFC 9147 §7): a plaintext ACK could be anyone's.
    if (!r.protected) return this.ignore('unauthenticated-violation');
    const ack = decodeAck(r.content);
    const session = this.driver.session();
    // RFC 9147 §7: during the handshake an ACK's epoch is at least that of every record it names. After it, the two
    // directions' epochs move independently (KeyUpdate), so only the protection of the ACK counts.
    const named = session ? ack.recordNumbers : ack.recordNumbers.filter((n) => n.epoch <= BigInt(r.epoch));
    if (named.length !== ack.recordNumbers.length) this.ignore('ack-epoch');
    const acked = this.parts.outbox.acknowledge(named);
    if (acked.length === 0 && ack.recordNumbers.length > 0) return;
    this.parts.flight.acknowledge(acked, this.role === 'client' && session !== undefined && !session.keyUpdateInFlight);
    if (session?.keyUpdateInFlight && this.parts.outbox.fullyAcknowledged('key_update')) keyUpdateAcknowledged(this.parts, session);
    if (session) sendPendingFlights(this.parts, session);
  }

  private alertRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    let alert: Alert;
    try {
      alert = decodeAlert(r.content);
    } catch (e) {
      if (e instanceof DecodeError && !r.protected) return this.ignore('unauthenticated-violation');
      throw e;
    }
    // An alert older than what the peer has already moved to is stale or forged (RFC 9147 §4.5.2).
    if (r.epoch < this.peerEpoch) return this.ignore('stale-alert');
    if (alert.description === 'user_canceled') {
      this.parts.events.push({ type: 'alert', level: alert.level, description: alert.description, sent: false });
      return;
    }
    if (alert.description === 'close_notify') {
      if (this.driver.handles('closeNotify')) this.driver.control({ type: 'closeNotify' });
      else this.parts.peerClosedEarly();
      return;
    }
    // RFC 8446 §6: every other alert ends the connection, whatever its level.
    this.driver.control({ type: 'alertReceived', payload: alert });
  }

  /** RFC 9853 §4: only under application keys, only when rrc was negotiated; an unknown msg_type is ignored. */
  private returnRoutabilityCheck(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    if (r.epoch < 3 || !this.driver.session()) return this.ignore('unauthenticated-violation');
    if (this.parts.cid.session?.rrcNegotiated !== true) {
      throw new ProtocolError('unexpected_message', 'a return_routability_check record without the rrc extension negotiated (RFC 9853 §3)');
    }
    const type = r.content[0];
    if (type === undefined || type > 2) return; // an RRC message type this implementation does not know
    const m = decodeReturnRoutabilityCheck(r.content);
    const event = m.msgType === 'path_challenge' ? 'PathChallenge' : m.msgType === 'path_response' ? 'PathResponse' : 'PathDrop';
    this.driver.control({ type: event, payload: m });
  }

  private applicationData(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    if (r.epoch === 1 && this.parts.earlyDataRemaining !== undefined) return this.earlyApplicationData(r.content);
    // Only epoch 3 and later carry application data (RFC 9147 §6.1); under handshake keys it is dropped.
    if (r.epoch < 3) return this.ignore('unauthenticated-violation');
    if (this.driver.session()) return this.deliver(r.content);
    if (this.earlyBytes + r.content.length > this.parts.config.limits.maxDeferredBytes) return this.ignore('early-data-cap');
    this.earlyData.push(r.content);
    this.earlyBytes += r.content.length;
  }

  /** 0-RTT data the server took, within max_early_data_size (RFC 8446 §4.2.10: more is unexpected_message). */
  private earlyApplicationData(data: Uint8Array): void {
    const remaining = this.parts.earlyDataRemaining ?? 0;
    if (data.length > remaining) {
      throw new ProtocolError('unexpected_message', `more 0-RTT data than max_early_data_size (${remaining} bytes were left, ${data.length} came)`);
    }
    this.parts.earlyDataRemaining = remaining - data.length;
    this.counts.applicationBytesReceived += data.length;
    this.parts.events.push({ type: 'data', data, early: true });
  }

  /**
   * A server's epoch-1 record once its ServerHello is out without 0-RTT (or
   * after the client's Finished): early data it refused, skipped rather than
   * kept for keys that never come (RFC 8446 §4.2.10).
   */
  private refusedEarlyData(epochBits: number): boolean {
    if (this.role !== 'server' || epochBits !== 1 || this.parts.earlyDataRemaining !== undefined || this.driver.session()) return false;
    const state = this.driver.stateKind();
    return state !== 'waitClientHello' && state !== 'waitSecondClientHello';
  }

  private deliver(data: Uint8Array): void {
    this.counts.applicationBytesReceived += data.length;
    this.parts.events.push({ type: 'data', data });
  }

  /** Keeps a record whose keys are not installed yet, within the byte cap; true when kept. */
  private defer(record: Uint8Array): boolean {
    if (this.deferredBytes + record.length > this.parts.config.limits.maxDeferredBytes) {
      this.ignore('deferred-cap');
      return false;
    }
    this.deferred.push(record.slice());
    this.deferredBytes += record.length;
    return true;
  }

  private ignore(reason: IgnoreReason): void {
    this.ignored[reason]++;
  }

  // ── timers and the fatal path ──────────────────────────────────────────

  /** An application call that may start a flight: the caller's time first, when given (timers due by then run first). */
  private catchUp(now: number | undefined): void {
    if (now !== undefined) this.advance(now);
  }

  private advance(now: number): void {
    this.guard(() => {
      this.parts.clock.advanceTo(now);
      this.parts.records.handleTimeout(now);
    });
  }

  /** One ACK and at most one retransmission per burst of datagrams (RFC 9147 §7.1). */
  private scheduleBurst(): void {
    if (this.burstTimer !== undefined || (!this.burst.ack && !this.burst.retransmit)) return;
    this.burstTimer = this.parts.clock.setTimeout(() => {
      this.burstTimer = undefined;
      const { ack, retransmit } = this.burst;
      this.burst = { ack: false, retransmit: false };
      if (this.ended) return;
      if (ack) {
        this.parts.sendAck(this.parts.acks.list());
        if (this.driver.session()) this.parts.acks.clear(); // after the handshake each ACK covers what came since the last
      }
      const now = this.parts.clock.now;
      if (retransmit && now - this.peerTriggeredAt >= this.parts.flight.timeout) {
        this.peerTriggeredAt = now;
        this.parts.flight.peerRetransmitted();
      }
    }, BURST_DELAY);
  }

  /**
   * RFC 9147 §4.5.3: past half the integrity limit of the current read key a
   * KeyUpdate with update_requested starts; at the limit an older epoch is
   * dropped, and the current one closes the connection.
   */
  private checkIntegrityLimit(): void {
    const failures = this.parts.records.drops.authentication;
    if (failures === this.authFailuresSeen) return; // nothing failed since the last look: no per-datagram cost
    this.authFailuresSeen = failures;
    const session = this.driver.session();
    for (const e of this.parts.records.usage().read) {
      if (e.failed >= e.integrityLimit) {
        if (session && e.epoch < session.read.epoch) this.parts.records.dropReadEpoch(e.epoch);
        else
          return this.fail({
            alert: 'bad_record_mac',
            message: `more than ${e.integrityLimit} records failed authentication under epoch ${e.epoch} keys (RFC 9147 §4.5.3)`,
          });
      } else if (
        session &&
        e.epoch === session.read.epoch &&
        e.failed >= e.integrityLimit / 2 &&
        this.updateRequestedFor !== e.epoch &&
        !session.keyUpdateInFlight
      ) {
        // Once per read epoch: the peer's new keys end the count.
        this.updateRequestedFor = e.epoch;
        this.guard(() => sendKeyUpdate(this.parts, session, true));
      }
    }
  }

  /**
   * The flight controller gave up on `flight`. A handshake flight: the
   * handshake times out. The client's final flight (epoch 2) once it is
   * connected: nothing (the server's epoch-3 records were its acknowledgement).
   * A post-handshake flight (KeyUpdate, NewConnectionId,
   * RequestConnectionId, a post-handshake authentication's answer): the peer
   * has not acknowledged it through every retransmission, and the session
   * ends as timed out; it must not stay open with a controller that takes no
   * more flights (a later KeyUpdate would never go out).
   */
  private flightTimedOut(flight: readonly OutMessage[]): void {
    const connected = this.driver.session() !== undefined;
    if (connected && this.role === 'client' && flight.every((m) => m.epoch === 2)) return;
    const what = connected ? `our ${flight.map((m) => m.msgType).join(', ')}` : 'the handshake';
    this.fail({ alert: 'handshake_failure', message: `timeout: the peer did not acknowledge ${what} before the retransmission limit` }, 'timeout');
  }

  /** Runs `fn`; anything it throws takes the fatal path. For calls from the application and timers. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (error instanceof ConnectionStateError) throw error;
      this.fail(toAlert(error));
    }
  }

  /** Fails the connection with one fatal alert; later calls keep the first failure. */
  private fail(reason: FatalReason, closedAs: 'failed' | 'timeout' = 'failed'): void {
    if (this.parts.failure) return;
    this.failReason = reason;
    try {
      this.driver.control({ type: 'fail', payload: reason.alert });
    } catch {
      // the chart could not take the event; the fatal path below still runs
    }
    this.parts.failWith(reason.alert, reason.message, reason.callbackError);
    // The chart may have recorded the failure first (its fatal-alert action): what a callback threw is kept either way.
    if (reason.callbackError !== undefined) this.parts.keepCallbackError(reason.callbackError);
    if (closedAs !== 'failed') {
      const last = this.parts.events.at(-1);
      if (last?.type === 'closed') this.parts.events[this.parts.events.length - 1] = { type: 'closed', reason: closedAs };
    }
  }
}
