import type { ClientHello } from '../../generated/wire/client-hello.js';
import { ContentType, handshakeTypeFromNumber } from '../../generated/wire/enums.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import type { Header13 } from '../record/codec13.js';
import type { RecordWriter } from '../record/record-writer.js';
import type { EpochCipher } from '../record/epoch-cipher.js';
import type { TakenRecord } from '../record/read-state13.js';
import type { CidContext } from '../cid/cid-context.js';
import { contentTypeFromByte, type InboundRecord, type RecordReader } from '../record/record-reader.js';
import { AckScheduler } from './ack-scheduler.js';
import { toAlert, type FatalReason } from '../shared/alert-mapping.js';
import type { ResolvedConfig } from '../shared/config.js';
import {
  ConnectionStateError,
  type ConnectionOptions,
  type SentOffer,
  type SharedState,
  type TransmitGate,
  type VersionState,
  type VersionStats,
} from '../shared/connection-api.js';
import {
  issueMoreConnectionIds,
  requestClientCertificate,
  requestMoreConnectionIds,
  updateKeys,
} from './session-calls.js';
import { assembleContext, type ClientContext, type ServerContext } from './machine-context.js';
import { roleDriver, type Charts13, type RoleDriver } from './role-driver.js';
import { keyUpdateOutstanding } from './post-handshake-flights.js';
import { dropHandshakeKeysWhenDue, integrityLimitVerdict } from './key-lifetime.js';
import { ContentRecords } from './content-records.js';
import type { PeerConfirmation } from './peer-confirmation.js';
import { HandshakeInbound } from './handshake-inbound.js';
import { HeldRecords } from './held-records.js';
import { recordRule, type IgnoreReason, type RecordPhase } from '../shared/record-rules.js';
import { thawSession, type FrozenSession } from '../shared/hibernation.js';
import { freezeConnection, restoreContext } from './connection-hibernation.js';
import { ConnectionHooks } from './connection-hooks.js';
import { FACTS13 } from './version-facts.js';
import { VersionStateBase } from '../shared/version-state-base.js';

/** A record the record layer delivered (opened, or plaintext). */
export type { InboundRecord };

const NO_DATAGRAMS: readonly Uint8Array[] = [];

export { HANDSHAKE_KEYS_RETENTION_MS } from './key-lifetime.js';

/**
 * What a server's hello phase read before its first ClientHello (runtime/connection/first-client-hello.ts), for the 1.3
 * state made then: its record reader (the drops it counted), the records it set aside by reason, copies of the
 * records it kept for keys to come (within limits.maxDeferredBytes), and the path the peer first came from.
 */
export interface ReadBeforeHello {
  readonly reader: RecordReader;
  readonly ignored: Readonly<Record<IgnoreReason, number>>;
  readonly held: readonly Uint8Array[];
  readonly path: string | undefined;
}

/**
 * The run road's record taken ({@link Dtls13Connection.receiveNext}): one for every connection, written by the record
 * layer and read at once (the CID bookkeeping reads it and keeps nothing), so no session holds a field for it.
 */
const TAKEN: TakenRecord = {
  epoch: 0,
  sequenceNumber: 0,
  connectionId: undefined,
};

/**
 * A DTLS 1.3 connection (RFC 9147), the 1.3 version state of DtlsConnection, sans-I/O: datagrams and the caller's time
 * in; datagrams, the next timer deadline and events out. The handshake is the machine generated from the dtls13-client
 * or dtls13-server chart; every record the peer sends is handled under one catch, mapped to an alert by `toAlert`.
 *
 * It is the record loop's `RecordSink` (its internal `take` and `held`: the shipped declarations leave internal members
 * out, so it is checked where it is passed). Its hooks reach it through {@link calls}, the tests through `inject`.
 */
export class Dtls13Connection extends VersionStateBase implements VersionState, TransmitGate {
  /** The version this state speaks; what a connection reports is the fact in the common state. */
  readonly protocolVersion = 'DTLSv1.3' as const;
  private readonly context: ClientContext | ServerContext;
  /** Server: its context (the 0-RTT budget the record rules read). */
  private readonly server: ServerContext | undefined;
  /** The record layer's two halves, side by side (the context's `records` holds both, with what spans them). */
  private readonly reader: RecordReader;
  private readonly writer: RecordWriter<EpochCipher>;
  private readonly cid: CidContext;
  private readonly driver: RoleDriver;
  private readonly inbox: HandshakeReassembler;
  /** The one outbound queue of its DtlsConnection. */
  private readonly outgoing: Uint8Array[];
  /** The size of the datagram being handled (what a new path's anti-amplification budget counts). */
  private datagramBytes = 0;
  private receivedAt = 0;
  /** Whether a record of the pass being read was kept for keys not installed yet. */
  private deferredNow = false;
  /**
   * Client taken back from a 1.2 state that resent our ClientHello with a cookie: a 1.3 server's plaintext alerts about
   * that hello (RFC 9147 §5.3: illegal_parameter for a non-empty legacy_cookie) are not about this handshake and are
   * set aside until it completes (a peer that means to end it does so under the handshake keys).
   */
  private cookieHelloSent = false;
  /** Records waiting for keys; with the application data held until connected, within limits.maxDeferredBytes. */
  private readonly deferred: HeldRecords;
  /** The newest epoch in which the peer has sent a record that authenticated. */
  private peerEpoch = 0;
  /**
   * The run road's memory of the record-rule table ({@link receiveNext}): the epoch in which a connected application
   * data record was last admitted as application data by its row, forgotten (-1) when the peer's epoch moves.
   */
  private dataEpoch = -1;
  private readonly handlers: ContentRecords;
  private readonly handshake: HandshakeInbound;
  /** Client: what the server may still refuse (peer-confirmation.ts). */
  private readonly confirmation: PeerConfirmation | undefined;
  /** Watched in the inspector (its XState actors are not hibernated). */
  private readonly inspected: boolean;
  /** Hibernated: this object is done with ({@link hibernate}). */
  private frozen = false;
  /** What its parts call back: the fatal path, timeouts, the handshake's completion (connection-hooks.ts). */
  private readonly hooks: ConnectionHooks;

  /**
   * A connection on a configuration resolved once for many (`resolveConfig`), run by the 1.3 charts' machines. From
   * `perConnection` only what differs between connections is read; events and counts go into `shared`.
   */
  static sharing(
    role: 'client' | 'server',
    config: ResolvedConfig,
    perConnection: ConnectionOptions,
    charts: Charts13,
    shared: SharedState,
    versionOpen = false,
    before?: ReadBeforeHello,
  ): Dtls13Connection {
    return new Dtls13Connection(role, perConnection, config, charts, shared, versionOpen, before);
  }

  /**
   * A server connection again from a session {@link hibernate} froze, connected where it left off, on the options it
   * was made with; its handshake keys dropped if due at `now`. @throws FrozenFormError when `frozen` is not one.
   */
  static thaw(
    config: ResolvedConfig,
    perConnection: ConnectionOptions,
    charts: Charts13,
    frozen: FrozenSession,
    now: number,
    shared: SharedState,
  ): Dtls13Connection {
    const h = thawSession(frozen);
    const before = h.ignored && { ignored: h.ignored }; // what it set aside before it froze
    const c = new Dtls13Connection('server', perConnection, config, charts, shared, false, before);
    restoreContext(c.context, c.driver, h);
    if (c.server) c.server.handshakeReadSecret = h.handshakeReadSecret;
    c.inbox.reset(h.receiveSeq);
    c.peerEpoch = h.peerEpoch;
    shared.startedAt = h.startedAt;
    c.hooks.thawed(h.completedAt);
    Object.assign(c.counts, h.counts, { handshakeMessagesSent: h.messagesSent });
    c.dropHandshakeKeysWhenDue(now); // as they would have gone had the session stayed awake
    return c;
  }

  private constructor(
    role: 'client' | 'server',
    options: ConnectionOptions,
    config: ResolvedConfig,
    charts: Charts13,
    shared: SharedState,
    versionOpen = false,
    before?: Partial<ReadBeforeHello>,
  ) {
    super(role, shared, config.messageBuffers === 'batch', before?.ignored);
    this.outgoing = shared.outgoing;
    this.inspected = options.inspect !== undefined;
    const held = { capacity: config.limits.maxDeferredBytes, used: 0 }; // one cap for both queues
    this.deferred = new HeldRecords(held);
    for (const r of before?.held ?? NO_DATAGRAMS) this.deferred.push(r);
    const hooks = new ConnectionHooks(role, this.counts, new HeldRecords(held), this.delivery);
    this.hooks = hooks;
    const reader = before?.reader;
    const context = (this.context = hooks.context = assembleContext(role, { config, options, hooks, shared, reader }));
    if (context.role === 'server') this.server = context;
    else this.confirmation = context.confirmation;
    const { clock, records, cid } = context;
    this.reader = records.reader;
    this.writer = records.writer;
    this.cid = cid;
    if (before?.path !== undefined) cid.arrived(before.path);
    this.inbox = new HandshakeReassembler({ maxBufferedBytes: config.limits.maxReassemblyBytes });
    hooks.acks = new AckScheduler(clock, hooks);
    this.driver = hooks.driver = roleDriver(context, charts, options.inspect, options.statelessRetry);
    if (role === 'server' && options.statelessRetry) {
      records.writer.continuePlaintextFrom(options.statelessRetry.recordSequence);
      this.inbox.reset(1); // the second ClientHello is message 1; the first and the HelloRetryRequest were message 0
    }
    this.handshake = new HandshakeInbound(hooks, this.inbox);
    this.handlers = new ContentRecords(hooks, this.handshake);
    // In a hello phase (runtime/connection/hello-phase.ts) the version is open until it chooses: none reported meanwhile.
    this.report(!versionOpen);
  }

  /**
   * Its facts into the common state: when made (`chosen`: its version is already the connection's), or again when a
   * client's 1.3 state is taken back from a 1.2 state (nothing of its own failed, authenticated or completed).
   */
  private report(chosen: boolean): void {
    const facts = this.facts;
    facts.adopt(chosen ? 'DTLSv1.3' : undefined, FACTS13, this.cid);
    facts.pathQueue = this.cid;
    facts.recordTimer = this.reader;
    facts.transmitGate = this; // what was staged is sealed before a datagram leaves (transmitReady)
    facts.state = this.driver.kind;
  }

  // ── the sans-I/O surface ────────────────────────────────────────────────

  /** Client: starts the handshake (sends the ClientHello). */
  connect(now: number): void {
    if (this.role !== 'client') throw new ConnectionStateError('only a client connects');
    if (this.driver.kind !== 'start') throw new ConnectionStateError('connect() was already called');
    this.onTimer(now);
    this.facts.startedAt ??= now;
    this.guard(() => this.driver.connect());
  }

  /**
   * Processes one datagram from the peer; never throws for what the peer sent. `path` names where it came from
   * (`address|port`; omitted: the current path); with CIDs a new path starts a return routability check (RFC 9853).
   */
  receive(datagram: Uint8Array, now: number, path?: string): void {
    if (this.frozen) return;
    const { context, driver, reader } = this;
    // `onTimer` inline (no closure per datagram).
    try {
      context.clock.advanceTo(now);
      reader.handleTimeout(now);
    } catch (error) {
      this.caught(error);
    }
    if (this.facts.failure !== undefined || driver.kind === 'closed') return; // ended
    if (this.role === 'server') this.facts.startedAt ??= now; // a server's handshake starts with its first datagram
    this.counts.datagramsReceived++;
    this.cid.arrived(path);
    this.datagramBytes = datagram.length;
    this.receivedAt = now;
    // The datagram, then (when keys arrived in it: a ServerHello ahead of the records it keys) the records kept for them.
    for (let pass: readonly Uint8Array[] = [datagram]; pass.length > 0;) {
      const generation = reader.readKeyGeneration;
      this.deferredNow = false;
      for (const d of pass) {
        reader.read(d, now, this);
        if (this.facts.failure !== undefined || driver.kind === 'closed') return; // ended
      }
      const overflow = reader.recordOverflow;
      if (overflow) {
        return this.fail({
          alert: 'record_overflow',
          message: `a protected record of epoch ${overflow.epoch} holds ${overflow.length} bytes, above our record_size_limit (RFC 8449 §4)`,
        });
      }
      // RFC 9147 §4.5.3: what the read keys' integrity limits ask, only when a record failed since the last look.
      if (reader.integrity.failedSinceVerdict) this.integrityVerdict();
      pass = this.deferred.length > 0 && reader.readKeyGeneration !== generation ? this.deferred.take() : NO_DATAGRAMS;
      // RFC 9147 §7.1: records still waiting for keys get an ACK of what was processed, possibly empty, so the peer resends sooner.
      if (pass.length === 0 && this.deferredNow && (this.writer.writeEpoch ?? 0) >= 2) this.hooks.acks.ackSoon();
    }
    this.hooks.acks.schedule();
  }

  /**
   * The run road: the datagram the receive batch is at now (`at`, `length` in `buffer`, from `path`), taken as
   * {@link receive} would take it when it is the next application data record of the run the record layer opened
   * ahead (record-reader.ts `takeNext`, either mode), with no view of the datagram, no header object and no record
   * object made; false, with nothing changed, for anything else (then {@link receive} reads it).
   */
  receiveNext(buffer: Uint8Array, at: number, length: number, now: number, path?: string): boolean {
    const { context, driver, reader } = this;
    if (this.frozen || driver.session === undefined || this.facts.failure !== undefined || driver.kind === 'closed')
      return false;
    try {
      context.clock.advanceTo(now);
      reader.handleTimeout(now);
    } catch (error) {
      this.caught(error);
    }
    if (this.facts.failure !== undefined || driver.kind === 'closed') return true; // ended, as receive would be
    const content = reader.takeNext(buffer, at, length, TAKEN);
    if (content === undefined) return false;
    this.counts.datagramsReceived++;
    this.cid.arrived(path);
    this.datagramBytes = length;
    this.receivedAt = now;
    this.counts.recordsReceived++;
    const { epoch, sequenceNumber, connectionId } = TAKEN;
    try {
      if (epoch === this.dataEpoch && this.confirmation?.answering !== true) {
        // acceptRecord for application data its row admitted before in this epoch: nothing else it does applies.
        this.facts.lastAuthenticatedReceive = now;
        this.cid.observe(TAKEN, length);
        this.delivery.deliver(content);
      } else {
        const record: InboundRecord = {
          kind: 'record',
          epoch,
          sequenceNumber,
          contentType: 'application_data',
          content,
          protected: true,
          connectionId,
        };
        if (this.acceptRecord(record, now)) this.dataEpoch = epoch;
      }
    } catch (error) {
      this.fail(toAlert(error));
    }
    this.hooks.acks.schedule();
    return true;
  }

  /**
   * Before a datagram leaves: the application data staged since the last call sealed; false while a new peer address is
   * checked (RFC 9853 §5). An ACK waiting to lead the next flight's first datagram can no longer.
   */
  transmitReady(): boolean {
    this.writer.sealStaged();
    if (this.cid.holdsBack()) return false;
    if (this.outgoing.length > 0) this.context.outbox.lead = undefined;
    return true;
  }

  /** Runs the timers due at `now` (retransmissions, delayed ACKs, key retention). Never throws for what the peer sent. */
  onTimer(now: number): void {
    this.guard(() => {
      this.context.clock.advanceTo(now);
      this.reader.handleTimeout(now);
    });
  }

  /** Sends application data (one record, sealed at the next pollTransmit); `now` times a KeyUpdate it may start. */
  send(data: Uint8Array, now?: number): void {
    if (this.frozen)
      throw new ConnectionStateError('the connection hibernated: its session goes on in the connection thawed from it');
    const failure = this.facts.failure;
    if (failure) throw new ConnectionStateError(`the connection failed (${failure.alert})`);
    const session = this.driver.session;
    if (this.driver.kind === 'closed') throw new ConnectionStateError('the connection is closed');
    if (!session) throw new ConnectionStateError('the handshake is not complete');
    const refused = this.confirmation?.waiting !== undefined ? this.confirmation.hold(data) : false;
    if (refused !== false) {
      if (typeof refused === 'string') throw new ConnectionStateError(refused);
      return; // held until the server confirms (peer-confirmation.ts)
    }
    if (this.writer.writeKeyExhausted)
      throw new ConnectionStateError(
        'the write key reached its usage limit; send again once the KeyUpdate is acknowledged (RFC 9147 §4.5.3)',
      );
    this.writer.stage(ContentType.application_data, data, this.outgoing);
    this.counts.applicationBytesSent += data.length;
    if (this.writer.keyUpdateDue && !keyUpdateOutstanding(this.context.flight)) this.updateKeys(false, now);
  }

  // ── calls on a connected session (session-calls.ts) ── `now` times the flight a call starts; without it, the last
  // time given (long past after an idle period) would make the flight's timer due at once.

  /** KeyUpdate; also started by itself when the write key nears its usage limit. */
  updateKeys(requestPeer = false, now?: number): void {
    this.catchUp(now);
    updateKeys(this.hooks, requestPeer);
  }

  /** Server: post-handshake authentication; answered by a `clientAuthenticated` event, or the alert that ends it. */
  requestClientCertificate(now?: number): void {
    this.catchUp(now);
    requestClientCertificate(this.hooks, this.context.config);
  }

  issueConnectionIds(
    count: number,
    options: { readonly immediate?: boolean; readonly now?: number } = {},
  ): Uint8Array[] {
    this.catchUp(options.now);
    return issueMoreConnectionIds(this.hooks, this.cid, count, options.immediate === true);
  }

  requestConnectionIds(count: number, now?: number): void {
    this.catchUp(now);
    requestMoreConnectionIds(this.hooks, this.cid, count);
  }

  /**
   * The session has gone quiet: frees what its keys cost beyond themselves (native OpenSSL contexts, made again by the
   * next record) and, once {@link HANDSHAKE_KEYS_RETENTION_MS} have passed, the handshake's keys. Any time is safe.
   */
  park(now: number): void {
    this.guard(() => {
      this.dropHandshakeKeysWhenDue(now);
      this.context.records.park();
    });
  }

  /**
   * Server: the first ClientHello, decoded where its version was chosen (runtime/connection/hello-phase.ts): when these are
   * its bytes, not decoded again.
   */
  expectClientHello(known: { readonly body: Uint8Array; readonly hello: ClientHello }): void {
    this.driver.expect?.(known);
  }

  /** Client: whether it waits for the server's first answer (sent, no HelloRetryRequest taken): the version is open. */
  get awaitsFirstAnswer(): boolean {
    return this.driver.awaitsFirstAnswer === true;
  }

  /**
   * Client: the server answered our first ClientHello in DTLS 1.2 (runtime/connection/hello-phase.ts): that ClientHello as
   * sent, for the 1.2 state to take up from; this state's flight leaves the one clock meanwhile.
   */
  stepAside(): SentOffer | undefined {
    const c = this.context;
    const hello = c.flight.outstanding.find((m) => m.msgType === 'client_hello');
    if (hello === undefined) return undefined;
    c.flight.pause();
    return {
      body: hello.body,
      messageSeq: hello.messageSeq,
      nextRecordSequenceNumber: this.writer.nextPlaintextSequence,
    };
  }

  /**
   * Client: a 1.3 answer to our first ClientHello took the connection back from the 1.2 state a HelloVerifyRequest
   * made: this state waits for the server's answer again, its facts in the common state.
   */
  takenBack(): void {
    this.context.flight.resume();
    this.cookieHelloSent = true;
    this.report(true);
  }

  /**
   * Client: a first answer this state refuses before reading it (a HelloVerifyRequest to a client doing 1.3 only): the
   * datagram and its record counted as read, and the connection fails with `reason`.
   */
  refuse(reason: FatalReason): void {
    if (this.ended) return;
    this.counts.datagramsReceived++;
    this.counts.recordsReceived++;
    this.fail(reason);
  }

  /**
   * The connection went on in DTLS 1.2 for good: what this state holds goes now rather than when collected (its key
   * shares' private keys, its flight's timer, every epoch's keys).
   */
  abandoned(): void {
    this.driver.releaseOffer?.();
    this.context.flight.stop();
    this.context.records.releaseAll();
  }

  private dropHandshakeKeysWhenDue(now: number): void {
    if (dropHandshakeKeysWhenDue(this.context.records, this.hooks.completedAt, now) && this.server)
      this.server.handshakeReadSecret = undefined;
  }

  /**
   * Server: a quiet, established session frozen into a compact form (a few hundred bytes) that {@link thaw} makes a
   * connection of again; this object is then done with. Undefined, and nothing changes, unless the session is at rest:
   * connected, nothing to send, deliver, retransmit, ACK, hold or reassemble, one write epoch, no read epoch ahead of
   * its session's, no path check, no post-handshake authentication, not inspected.
   */
  hibernate(now: number): FrozenSession | undefined {
    const server = this.server;
    const completedAt = this.hooks.completedAt;
    const session = this.driver.session;
    if (server === undefined || session === undefined || this.ended || this.frozen || this.inspected) return undefined;
    if (completedAt === undefined || server.earlyDataRemaining !== undefined || this.hooks.acks.armed) return undefined;
    const { inbox, deferred } = this;
    const heldData = this.hooks.heldData;
    if (this.outgoing.length > 0 || inbox.retainedBytes > 0 || deferred.length > 0 || heldData.length > 0)
      return undefined;
    const { peerEpoch, counts } = this;
    const ignored = this.delivery.ignored;
    const startedAt = this.facts.startedAt ?? 0;
    const own = { receiveSeq: inbox.nextReceiveSeq, peerEpoch, startedAt, completedAt, counts, ignored };
    const frozen = freezeConnection(
      this.context,
      session,
      { ...own, handshakeReadSecret: server.handshakeReadSecret },
      now,
    );
    if (frozen !== undefined) this.frozen = true;
    return frozen;
  }

  protected releaseAll(): void {
    this.context.records.releaseAll();
  }

  /** Closes with close_notify (RFC 8446 §6.1); before the handshake completes, ends it with user_canceled. */
  close(): void {
    if (this.ended) return;
    if (this.driver.session) this.guard(() => this.driver.control({ type: 'close' }));
    else this.context.abandon('closed by the application before the handshake completed');
  }

  /** Drops by reason, retransmission state, handshake duration and what is held for the peer: `stats` less the counters. */
  get versionStats(): VersionStats {
    const { records, flight, acks } = this.context;
    const completedAt = this.hooks.completedAt;
    return {
      drops: { ...records.reader.drops },
      ignored: this.delivery.ignored,
      retransmissions: flight.retransmissions,
      flightState: flight.state,
      retransmitTimeout: flight.timeout,
      handshakeDuration: completedAt === undefined ? undefined : completedAt - (this.facts.startedAt ?? 0),
      retained: {
        reassemblyBytes: this.inbox.retainedBytes,
        deferredBytes: this.deferred.bytes + this.hooks.heldData.bytes,
        ackRecords: acks.size,
        readEpochs: records.usage().read.length,
      },
      paths: this.cid.stats,
    };
  }

  // ── inbound, one record at a time ──────────────────────────────────────

  /** A delivered record: what its authentication proves, then its row of RECORD_RULES and that row's handler. */
  private acceptRecord(r: InboundRecord, now: number): boolean {
    const driver = this.driver;
    if (r.protected) {
      this.facts.lastAuthenticatedReceive = now;
      if (r.epoch > this.peerEpoch) this.peerAuthenticated(r.epoch);
      this.confirmation?.recordAuthenticated(this.context, driver.session, r);
      if (r.epoch >= 3) this.cid.observe(r, this.datagramBytes);
    }
    const phase: RecordPhase = driver.session
      ? 'connected'
      : this.server?.earlyDataRemaining !== undefined
        ? 'early-data'
        : 'handshake';
    const rule = recordRule('DTLSv1.3', r, phase, this.peerEpoch);
    if (typeof rule === 'string') this.delivery.ignore(rule);
    else if (rule.handler === 'applicationData') this.delivery.deliver(r.content);
    else this.handlers[rule.handler](r);
    return typeof rule !== 'string' && rule.handler === 'applicationData' && phase === 'connected' && r.epoch >= 3;
  }

  /** @internal The record loop hands each opened record here, under the one catch. False once ended. */
  take(d: Uint8Array, h: Header13, content: Uint8Array): boolean {
    this.counts.recordsReceived++;
    try {
      const epoch = h.epoch;
      const contentType = contentTypeFromByte(h.contentType);
      const { sequenceNumber } = h;
      if (epoch === 0 && this.role === 'client' && this.staleAlert(h)) return !this.ended;
      const r: InboundRecord =
        epoch === 0
          ? { kind: 'record', epoch, sequenceNumber, contentType, content, protected: false }
          : {
              kind: 'record',
              epoch,
              sequenceNumber,
              contentType,
              content,
              protected: true,
              connectionId: h.hasCid ? d.slice(h.at + 1, h.at + 1 + h.cidLength) : undefined,
            };
      this.acceptRecord(r, this.receivedAt);
    } catch (error) {
      this.fail(toAlert(error));
    }
    return this.facts.failure === undefined && this.driver.kind !== 'closed'; // not ended
  }

  /**
   * Client taken back from a 1.2 state: whether a plaintext record is an alert about the cookie hello (set aside until
   * the handshake completes).
   */
  private staleAlert(h: Header13): boolean {
    if (!this.cookieHelloSent || h.contentType !== ContentType.alert || this.driver.session !== undefined) return false;
    this.delivery.ignore('stale-alert');
    return true;
  }

  /** @internal A record waiting for keys not installed yet: kept (a copy) within limits.maxDeferredBytes, or set aside. */
  held(d: Uint8Array, h: Header13): void {
    if (this.refusedEarlyData(h.epochBits)) this.delivery.ignore('early-data-refused');
    else if (this.deferred.push(d.slice(h.at, h.end))) this.deferredNow = true;
    else this.delivery.ignore('deferred-cap');
  }

  protected get ended(): boolean {
    return this.facts.failure !== undefined || this.driver.kind === 'closed';
  }

  /** The peer proved it holds newer `epoch` keys: plaintext ends (RFC 9147 §6.1). */
  private peerAuthenticated(epoch: number): void {
    this.peerEpoch = epoch;
    this.dataEpoch = -1;
    if (epoch < 2) return;
    this.reader.setAcceptPlaintext(false);
    // Handshake keys come from our ServerHello: the peer reads what we send to its address (0-RTT's epoch 1 a replay carries).
    this.facts.amplification.validate();
  }

  /**
   * A server's epoch-1 record once its ServerHello is out without 0-RTT (or after the client's Finished): early data it
   * refused, skipped rather than kept for keys that never come (RFC 8446 §4.2.10).
   */
  private refusedEarlyData(epochBits: number): boolean {
    const server = this.server;
    if (server === undefined || epochBits !== 1 || server.earlyDataRemaining !== undefined || this.driver.session)
      return false;
    const state = this.driver.kind;
    return state !== 'waitClientHello' && state !== 'waitSecondClientHello';
  }

  /**
   * @internal The test seam (tests/support/inject.ts): a record, or a whole handshake message as if reassembled from an
   * authenticated record of `epoch`, handled under the fatal path.
   */
  inject(what: InboundRecord | { readonly msgType: number; readonly body: Uint8Array; readonly epoch: number }): void {
    if (this.ended) return;
    this.guard(() => {
      if ('kind' in what) {
        this.acceptRecord(what, this.context.clock.now);
        return;
      }
      if (this.handshake.admit(handshakeTypeFromNumber(what.msgType), what.epoch, true))
        this.handshake.message(what.msgType, what.body, what.epoch, true);
    });
  }

  // ── timers and the fatal path ──────────────────────────────────────────

  private catchUp(now: number | undefined): void {
    if (now !== undefined) this.onTimer(now);
  }

  /** RFC 9147 §4.5.3: what the read keys' integrity limits ask after a record failed to open. */
  private integrityVerdict(): void {
    const failed = integrityLimitVerdict(this.context, this.driver.session, (fn) => this.guard(fn));
    if (failed !== undefined) this.fail(failed);
  }

  protected fail(reason: FatalReason): void {
    this.hooks.fail(reason);
  }
}
