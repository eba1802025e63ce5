/**
 * The DTLS 1.2 connection (RFC 6347) inside DtlsConnection's 1.2 state (state12.ts), on its DtlsConnection's event
 * queue, outbound queue and clock. The handshake is the machine generated from the charts (the steps of client.ts /
 * server.ts); this file is the record path around it, dispatching each chart event to it:
 *
 * - each record's header read in place (runtime/record/codec12.ts) and opened by the read state (read-state12.ts: epoch
 *   0 plaintext, epoch 1 once the peer's ChangeCipherSpec switched it, up to 8 epoch-1 records held until then);
 * - handshake records through handshake-inbound.ts (fragments reassembled, each message its chart event);
 * - flights through the FlightController (the dtls13-flight chart) with RFC 6347 §4.2.4's timer (1 s doubling to 60 s),
 *   no ACKs: a flight ends when the peer's next flight arrives; the last flight of a handshake is not timed and is sent
 *   again when the peer sends its own again; our records cut into datagrams by
 *   shared/handshake-outbox.ts, staged and sealed when a datagram is polled;
 * - renegotiation refused with a warning no_renegotiation (RFC 5746 §4.2, §4.4); nothing a peer sends throws: bad
 *   records are dropped and counted, handshake violations end the connection with one fatal alert.
 */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import { NO_PATH_STATS } from '../cid/cid-context.js';
import { alertDescriptionFromNumber, contentTypeFromNumber, type ContentType } from '../../generated/wire/enums.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import { Flights12 } from './flights.js';
import { FACTS12 } from './version-facts.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import { HandshakeInbound12 } from './handshake-inbound.js';
import {
  ConnectionStateError,
  type SentOffer,
  type SharedState,
  type VersionState,
  type VersionStats,
} from '../shared/connection-api.js';
import { VersionStateBase } from '../shared/version-state-base.js';
import type { DropCounters } from '../record/drops.js';
import { clientStateFromOffer } from './client.js';
import type { Config12 } from './config.js';
import { TLS12_CID } from '../record/datagram12.js';
import type { Handshake12Result } from './handshake-result.js';
import type { HandshakeParts12 } from './handshake-parts.js';
import type { Out12 } from './flight-entry.js';
import { APPLICATION_DATA, Header12 } from '../record/codec12.js';
import type { ReadState12 } from '../record/read-state12.js';
import { readRecords } from '../record/record-loop.js';
import { MessageArena } from '../wire/message-arena.js';
import { RecordWriter } from '../record/record-writer.js';
import { WRITE12 } from '../record/write-form12.js';
import type { EpochCipher12 } from '../record/epoch-cipher12.js';
import { Outbox12 } from './outbox.js';
import type { Session12 } from './session.js';
import type { ChartInspectionEvent } from '../chart-inspection.js';
import { inspectedChart12 } from './inspected.js';
import { Machine12, type Charts12 } from './machine.js';
import { PeerPath12 } from './peer-path.js';
import { phase12, RecordPath12 } from './record-path.js';
import { recordRule, type RecordHandlerName12 } from '../shared/record-rules.js';

/** A ClientHello already sent, decoded, for {@link Connection12.fromSentOffer}. */
export type SentOffer12 = SentOffer & { readonly hello: ClientHello };

const EMPTY = new Uint8Array(0);

/**
 * DtlsConnection's DTLS 1.2 version state. It is the one record loop's `RecordSink` (its `@internal` `take` and `held`,
 * checked where it is passed, not declared: the declarations the package ships leave `@internal` members out).
 */
export class Connection12 extends VersionStateBase implements VersionState {
  /** The version this state speaks; what a connection reports is the fact in the common state. */
  readonly protocolVersion = 'DTLSv1.2' as const;
  readonly config: Config12;
  /** The handshake chart's machine: it takes its events, fails it and settles where a step left it. */
  private readonly machine: Machine12;
  private readonly handshake: HandshakeInbound12;
  /** The peer's path (a server follows it with CIDs, peer-path.ts) and the CIDs; a client's own socket path. */
  private readonly peerPath: PeerPath12;
  /** The time (the caller's) and the path (undefined: the current one) of the datagram being read. */
  private now = 0;
  private arrivedOn: string | undefined;
  /** The one record writer over 1.2's form, and what writes through it (flights, alerts, application data). */
  private readonly writer: RecordWriter<EpochCipher12>;
  private readonly outbox: Outbox12;
  private readonly reads: ReadState12;
  /** 'batch' mode's memory for application data (wire/message-arena.ts), or undefined ('own'). */
  private readonly arena: MessageArena | undefined;
  /** The one clock of its DtlsConnection: the caller's time, on which the flight timer runs. */
  private readonly clock: ManualClock;
  private readonly flights: Flights12;
  private readonly recordPath: RecordPath12;
  private readonly parts: HandshakeParts12;
  /** The highest sequence number of an authenticated tls12_cid record (RFC 9146 §6's "newer"), -1 before any. */
  private newestCidRecord = -1;
  /** Made from an offer already sent: the machine starts where the chart's `connect` leads. */
  private fromOffer = false;

  /**
   * Watches the handshake in an XState inspector: XState's actor of the role's chart, fed each event the machine takes
   * (inspected.ts). Call it before the first event. A client made from an offer starts past the chart's initial
   * state: its copy takes the `connect` transition (the ClientHello sent) at once.
   */
  inspect(callback: (event: ChartInspectionEvent) => void): void {
    const inspected = inspectedChart12(this.role, callback);
    this.machine.watch(inspected);
    if (this.fromOffer) inspected.took({ type: 'connect' }, { kind: 'start' }, this.parts);
  }

  /**
   * A client that already sent its ClientHello (a 1.3 client's offer that also offered 1.2, runtime/connection/hello-phase.ts)
   * takes up from `offer`: it starts in waitServerHello with that exact ClientHello in its transcript, its message_seq
   * and epoch-0 record numbers going on from the offer's.
   */
  fromSentOffer(offer: SentOffer12): void {
    this.flights.messageSeq = offer.messageSeq + 1;
    this.outbox.continuePlaintextFrom(offer.nextRecordSequenceNumber);
    this.handshake.reassembler.reset(0);
    this.machine.enter(clientStateFromOffer(this.parts, offer.hello, offer.body, offer.messageSeq));
    this.fromOffer = true;
  }

  /**
   * Client: `final` runs once, at the machine's first state past waitServerHello (a ServerHello taken, or the end,
   * however reached; Machine12.onFinal): the version is 1.2 for good (runtime/connection/hello-phase.ts).
   */
  whenVersionFinal(final: () => void): void {
    this.machine.onFinal = final;
  }

  /**
   * Client: a 1.3 answer to our first ClientHello took the connection back from this state, made for a
   * HelloVerifyRequest (runtime/connection/hello-phase.ts): its flight leaves the one clock for good, and it reads nothing more.
   */
  setAside(): void {
    this.machine.onFinal = undefined;
    this.flights.stop();
  }

  /** Server: the first ClientHello, decoded where its version was chosen (runtime/connection): not decoded again. */
  expectClientHello(known: { readonly body: Uint8Array; readonly hello: ClientHello }): void {
    this.handshake.expect(known);
  }

  /**
   * `charts`: the 1.2 charts' generated machines (runtime/connection/role-drivers.ts); `shared`: the event queue, counters,
   * outbound queue, clock and facts of its DtlsConnection (the handshake's start there when it began before this
   * object); `before`: what a server's hello phase dropped and set aside before its first ClientHello
   * (runtime/connection/first-client-hello.ts), counted on here as a 1.3 state made there counts on.
   */
  constructor(
    config: Config12,
    charts: Charts12,
    shared: SharedState,
    before?: Pick<VersionStats, 'drops' | 'ignored'>,
  ) {
    super(config.role, shared, config.base.messageBuffers === 'batch', before?.ignored);
    this.config = config;
    this.peerPath = new PeerPath12(config.role);
    this.arena = config.base.messageBuffers === 'batch' ? new MessageArena() : undefined;
    const counts = shared.counters;
    this.clock = shared.clock;
    this.writer = new RecordWriter(WRITE12, { limits: config.base.aeadLimits });
    // The one datagram limit, lowered by the path (DtlsConnection.pathMtuExceeded): flights are cut to it.
    this.outbox = new Outbox12(this.writer, shared.datagramLimit, shared.outgoing, counts);
    const ended = (reason: FatalReason): void => this.fail(reason);
    this.recordPath = new RecordPath12(config.base.limits, config.base.replayWindow, this.arena, ended, before?.drops);
    this.reads = this.recordPath.state;
    const flights = this.outbox.flights;
    const transmit = (messages: readonly Out12[]): void => flights.transmit(messages);
    const timedOut = (): void => {
      const max = config.base.retransmission.maxRetransmissions ?? 10;
      const message = `no answer after ${max} retransmissions (RFC 6347 §4.2.4)`;
      this.machine.end({ kind: 'failed', reason: { alert: 'internal_error', message }, sent: false });
    };
    const held = (): boolean => shared.amplification.holds(shared.outgoing);
    this.flights = new Flights12(transmit, this.clock, config.base.retransmission, timedOut, held);
    // tls12_cid records carry our CID at its negotiated length (RFC 9146 §4), set as the hellos settle it
    // (handshake-parts.ts); until then a datagram that does not frame is read record by record.
    this.reads.wholeDatagrams = config.base.connectionIds === undefined;
    this.parts = { config, flights: this.flights, outbox: this.outbox, reads: this.reads, events: this.events };
    this.machine = new Machine12(this.parts, charts, shared, this.peerPath);
    const { machine, parts } = this;
    const amplification = shared.amplification;
    this.handshake = new HandshakeInbound12({ machine, parts, drops: this.recordPath, amplification, counts });
    // Made as it becomes its DtlsConnection's state: its facts in the common state from now on (the machine wrote the
    // state). No return routability, no timer but the flight's; the writer seals what was staged (flights, alerts,
    // application data) before the queue's datagrams go (its transmitReady).
    shared.adopt('DTLSv1.2', FACTS12, this.peerPath);
    shared.pathQueue = undefined;
    shared.recordTimer = undefined;
    shared.transmitGate = this.writer;
  }

  /** Dropped incoming records by reason (the 1.3 record layer's reasons). */
  get drops(): Readonly<DropCounters> {
    return this.recordPath.drops;
  }

  protected releaseAll(): void {
    this.writer.release();
    this.reads.release();
  }

  /** The session has gone quiet: frees its keys' OpenSSL contexts (made again by the next record; 1.2 has no handshake epoch to drop). */
  park(_now?: number): void {
    this.writer.park();
    this.reads.park();
  }

  /** The last session handed out (client: to resume; server: stored), as in the `session12` event. */
  get lastSession(): Session12 | undefined {
    return this.machine.session;
  }

  get negotiated(): Handshake12Result | undefined {
    return this.machine.result;
  }

  connect(now: number): void {
    if (this.machine.kind !== 'start') throw new ConnectionStateError(`connect() in ${this.machine.kind}`);
    this.facts.startedAt ??= now;
    this.clock.advanceTo(now);
    this.machine.drive({ type: 'connect' });
  }

  /**
   * Takes a datagram from the peer. It may be lent (a view of a receive buffer, valid only during this call): nothing
   * handed up or kept views it. Each record's header is read in place (runtime/record/codec12.ts): epoch-0 content and
   * epoch-1 records held for the ChangeCipherSpec are copied out, epoch-1 records opened into arrays of their own.
   */
  receive(datagram: Uint8Array, now: number, path?: string): void {
    try {
      this.clock.advanceTo(now); // the flight timer's deadlines due by then fire first (`onTimer` inline: no closure)
    } catch (error) {
      this.caught(error);
    }
    if (this.machine.ended) return;
    this.facts.startedAt ??= now;
    this.counts.datagramsReceived++;
    // A client's path is its own socket's (it moves by rebind); a server's is its peer's, which moves only with an
    // authenticated record (peer-path.ts): only the first path is taken here.
    if (path !== undefined && this.peerPath.current === undefined) this.peerPath.current = path;
    this.now = now;
    this.arrivedOn = path;
    const integrity = this.recordPath.integrity;
    if (integrity.failedInDatagram !== 0) integrity.datagramStarted();
    readRecords(this.reads, datagram, this.header, now, this.recordPath.maxRecords, this);
    this.arena?.datagramDone();
  }

  /** The header of the record being read (runtime/record/codec12.ts): one object, reused. */
  private readonly header = new Header12();

  /**
   * The run road: the datagram the receive batch is at now (`at`, `length` in `buffer`, from `path`), taken as
   * {@link receive} would take it when, connected, it is the next application data record (with CIDs: a tls12_cid
   * record holding one, a newer one moving a server to its path as in {@link take}) of the run epoch 1's cipher opened
   * ahead (read-state12.ts `takeNext`, either mode), with no view of the datagram made and no header read; false, with
   * nothing changed, for anything else (then {@link receive} reads it).
   */
  receiveNext(_buffer: Uint8Array, at: number, length: number, now: number, path?: string): boolean {
    const machine = this.machine;
    if (machine.kind !== 'connected') return false;
    try {
      this.clock.advanceTo(now);
    } catch (error) {
      this.caught(error);
    }
    if (machine.ended) return true; // ended, as receive would be
    const h = this.header;
    const content = this.reads.takeNext(at, length, now, h);
    if (content === undefined) return false;
    this.counts.datagramsReceived++;
    if (path !== undefined && this.peerPath.current === undefined) this.peerPath.current = path;
    this.now = now;
    this.arrivedOn = path;
    if (this.dataAdmitted) {
      // take's work for application data its row admitted before, connected: nothing else it does applies.
      this.counts.recordsReceived++;
      this.facts.lastAuthenticatedReceive = now;
      this.facts.amplification.validate();
      if (h.type === TLS12_CID && h.sequenceNumber > this.newestCidRecord) this.newerCidRecord(h.sequenceNumber);
      this.delivery.deliver(content);
      return true;
    }
    // The record as the loop hands it to take (its sequence number and outer type written by takeNext): application
    // data of epoch 1.
    h.contentType = APPLICATION_DATA;
    h.epoch = 1;
    this.take(EMPTY, h, content);
    return true;
  }

  /**
   * The run road's memory of the record-rule table ({@link receiveNext}): a connected epoch-1 application data record
   * was admitted as application data by its row (the phase stays connected: 1.2 has no renegotiation here).
   */
  private dataAdmitted = false;

  /** The flight timer: a flight not answered in time goes again, until its retransmissions run out (the connection then ends as `timeout`). */
  onTimer(now: number): void {
    if (!this.ended) this.guard(() => this.clock.advanceTo(now));
  }

  /** Sends application data (RFC 5246 §6.2.1: records of at most 2^14 bytes, each fitting a datagram), sealed at the next pollTransmit. */
  send(data: Uint8Array): void {
    // Epoch 1's write keys are made before the handshake completes: the outbox has them once connected.
    if (this.machine.kind !== 'connected') throw new ConnectionStateError(`send() in ${this.machine.kind}`);
    const exhausted = this.outbox.applicationData(data, this.config.base.maxDatagramSize);
    if (exhausted === undefined) return void (this.counts.applicationBytesSent += data.length);
    // The key's usage limit: internal_error ends the connection (the record kept for it), the send refused by name.
    this.fail({ alert: 'internal_error', message: exhausted });
    throw new ConnectionStateError(exhausted);
  }

  /** RFC 5246 §7.2.1: close_notify, then nothing more is sent. */
  close(): void {
    if (this.ended) return;
    if (this.machine.kind === 'connected') return this.machine.drive({ type: 'close' });
    // Before the handshake completes the chart has no close: nothing is sent (no keys to send it under).
    this.machine.end({ kind: 'closed', reason: 'local' });
  }

  /** Drops, what the record-rule table set aside, the flight, the handshake's duration and the peer's moves: `stats` less the counters. */
  get versionStats(): VersionStats {
    const flights = this.flights;
    const { startedAt, handshakeDoneAt: completedAt } = this.facts;
    return {
      drops: { ...this.drops },
      ignored: this.delivery.ignored,
      retransmissions: flights.retransmissions,
      flightState: flights.state,
      retransmitTimeout: flights.timeout,
      handshakeDuration: completedAt === undefined || startedAt === undefined ? undefined : completedAt - startedAt,
      retained: {
        reassemblyBytes: 0,
        deferredBytes: 0,
        ackRecords: 0,
        readEpochs: this.machine.result === undefined ? 1 : 2,
      },
      paths: { ...NO_PATH_STATS, migrations: this.peerPath.migrations },
    };
  }

  protected get ended(): boolean {
    return this.machine.ended;
  }

  /** The chart's `fail`: its sendFatalAlert step sends the one fatal alert and ends the connection. */
  protected fail(reason: FatalReason): void {
    this.machine.fail(reason);
  }

  /**
   * @internal The one record loop (runtime/record/record-loop.ts) hands each record the read state opened here (the
   * connection is its sink), its header in `h` (epoch 0: its fragment): false once the connection has ended.
   */
  take(_d: Uint8Array, h: Header12, content: Uint8Array): boolean {
    const { contentType, sequenceNumber } = h;
    this.counts.recordsReceived++;
    const epoch = h.epoch === 0 ? 0 : 1;
    if (epoch === 1) {
      this.facts.lastAuthenticatedReceive = this.now;
      // Epoch 1's keys come from our ServerHello's random: the peer reads what we send to its address (RFC 9147 §5.1).
      this.facts.amplification.validate();
      if (h.type === TLS12_CID && sequenceNumber > this.newestCidRecord) this.newerCidRecord(sequenceNumber);
    }
    // Its row of the 1.2 rules of the one record-rule table (runtime/shared/record-rules.ts), application data
    // included: its handler, or set aside. The phase `connected` inline (phase12's first answer: one call less).
    const reads = this.reads;
    const machine = this.machine;
    const facts = this.recordFacts;
    facts.contentType = contentTypeFromNumber(contentType);
    facts.epoch = epoch;
    facts.protected = epoch === 1;
    // Connected, the peer's ChangeCipherSpec has switched the read epoch (peer epoch 1): no getter per record.
    const connected = machine.kind === 'connected';
    const switched = connected || reads.switched;
    const phase = connected ? 'connected' : phase12(this.role, machine.current, reads.keysPending, switched);
    const rule = recordRule('DTLSv1.2', facts, phase, switched ? 1 : 0);
    if (typeof rule === 'string') this.delivery.ignore(rule);
    // Application data goes around the chart, as in 1.3 (no handshake state changes with it).
    else if (rule.handler === 'applicationData') {
      if (connected && epoch === 1) this.dataAdmitted = true;
      this.delivery.deliver(content);
    } else this.handle(rule.handler, content, epoch, sequenceNumber);
    return !machine.ended;
  }

  /** What the record-rule table reads of the record being taken: one object, reused. */
  private readonly recordFacts: { contentType: ContentType; epoch: number; protected: boolean } = {
    contentType: 0,
    epoch: 0,
    protected: false,
  };

  /** @internal The read state keeps the epoch-1 records that wait for the ChangeCipherSpec itself. */
  held(): void {}

  /**
   * The newest tls12_cid record yet authenticated: a connected server follows its peer to the path it came over (RFC
   * 9146 §6), the move reported before what the record brought.
   */
  private newerCidRecord(sequenceNumber: number): void {
    this.newestCidRecord = sequenceNumber;
    if (this.role !== 'server' || this.machine.kind !== 'connected') return;
    const moved = this.peerPath.taken(this.arrivedOn, true);
    if (moved !== undefined)
      this.events.push({ type: 'pathMigrated', from: moved.from, to: moved.to, validated: false });
  }

  private handle(handler: RecordHandlerName12, fragment: Uint8Array, epoch: 0 | 1, recordSequenceNumber: number): void {
    switch (handler) {
      case 'handshake':
        return this.handshake.record(fragment, epoch, recordSequenceNumber);
      case 'changeCipherSpec':
        return this.changeCipherSpec(fragment);
      case 'changeCipherSpecAgain':
        return; // the peer's flight again: its handshake records say what to do
      case 'alert':
        return this.alertRecord(fragment);
      case 'applicationData':
        return this.delivery.deliver(fragment);
    }
  }

  private changeCipherSpec(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) return this.recordPath.drop('malformed');
    this.machine.drive({ type: 'ChangeCipherSpec' });
    if (this.ended) return;
    const h = new Header12();
    for (const r of this.reads.takeHeld()) if (!this.ended) readRecords(this.reads, r, h, this.now, 1, this);
  }

  private alertRecord(fragment: Uint8Array): void {
    if (fragment.length !== 2) return this.recordPath.drop('malformed');
    const level = fragment[0] === 2 ? 'fatal' : 'warning';
    const description = alertDescriptionFromNumber(fragment[1]!);
    const name = typeof description === 'string' ? description : 'internal_error';
    this.events.push({ type: 'alert', level, description: name, sent: false });
    if (name === 'close_notify') {
      if (this.machine.kind === 'connected') return this.machine.drive({ type: 'closeNotify' });
      // During the handshake the chart has no closeNotify: the connection ends, nothing answered.
      return this.machine.end({ kind: 'closed', reason: 'close_notify' });
    }
    if (level === 'fatal') this.machine.drive({ type: 'alertReceived', description: name });
  }
}
