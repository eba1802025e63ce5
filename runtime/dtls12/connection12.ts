/**
 * A sans-I/O DTLS 1.2 connection (RFC 6347) with the method shape of
 * DtlsConnection: `receive(datagram, now)`, `pollTransmit()`,
 * `pollTimeout()`, `handleTimeout(now)`, `pollEvent()`, `send(data)`,
 * `close()`. The handshake is the machine generated from the charts
 * (`dtls12ClientStep`/`dtls12ServerStep` calling the steps of client12.ts /
 * server12.ts); this file is the record path around it, dispatching each
 * chart event to it:
 *
 * - records split with decodeDatagram12; epoch 0 plaintext (handshake,
 *   ChangeCipherSpec, alerts), epoch 1 through ReadEpoch12 (replay window,
 *   AEAD) once the peer's ChangeCipherSpec switched it; up to 8 epoch-1
 *   records that arrive before it wait (RFC 6347 §4.1: reordering);
 * - handshake fragments (12-byte headers) reassembled by the 1.3
 *   HandshakeReassembler (same format, same caps: 64 KiB held);
 * - flights retransmitted on the RFC 6347 §4.2.4 timer (1 s doubling to
 *   60 s, `retransmission` option), no ACKs: a flight ends when the peer's
 *   next flight arrives; the last flight of a handshake is not timed and is
 *   sent again when the peer sends its own again;
 * - a flight's messages fragmented to fit `maxDatagramSize`, packed into
 *   datagrams;
 * - renegotiation refused with a warning no_renegotiation (RFC 5746 §4.2,
 *   §4.4); nothing a peer sends throws: bad records are dropped and
 *   counted, handshake violations end the connection with one fatal alert.
 */
import { decodeClientHello, type ClientHello } from '../../generated/wire/client-hello.js';
import { decodeTls12ServerHello } from '../../generated/wire/tls12-server-hello.js';
import { readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/dtls-handshake.js';
import { alertDescriptionFromNumber, alertDescriptionToNumber, handshakeTypeToNumber, type AlertDescriptionName } from '../../generated/wire/enums.js';
import { toAlert, type FatalReason } from '../connection/alert-mapping.js';
import { fragmentMessage } from '../handshake/fragmenter.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import type { IgnoreReason } from '../connection/record-rules.js';
import type { DropCounters, DropReason } from '../record/drops.js';
import { Reader } from '../wire/reader.js';
import { clientStateFromOffer } from './client12.js';
import { clientHelloPlan12, type ClientHelloPlan12 } from './client-hello-plan12.js';
import type { Config12 } from './config12.js';
import type { Dtls12WireRecord } from './datagram.js';
import { clientMessageEvent12, eventName12, serverMessageEvent12, type Event12, type Message12 } from './event12.js';
import type { Negotiated12Extensions } from './extensions12.js';
import type { Handshake12Result, Io12, Out12 } from './io12.js';
import { ReadEpoch12 } from './read-epoch.js';
import { DTLS12_VERSION, MAX_PLAINTEXT_12, type EpochCipher12 } from './record-protection.js';
import type { Session12 } from './session12.js';
import { WriteEpoch12 } from './write-epoch.js';
import { exportKeyingMaterial } from './key-derivation.js';
import type { ChartInspectionEvent } from '../chart-inspection.js';
import { inspectedChart12 } from './inspected12.js';
import { Machine12, type Charts12 } from './machine12.js';
import { phase12, RecordPath12 } from './record-path12.js';
import type { RecordHandlerName12 } from './record-rules12.js';

const CHANGE_CIPHER_SPEC = 20;
const ALERT = 21;
const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
const RECORD_HEADER = 13;
const HANDSHAKE_HEADER = 12;
/** The largest DTLS 1.2 record fragment (RFC 5246 §6.2.3: 2^14 + 2048), as decodeDatagram12 bounds it. */
const MAX_FRAGMENT_12 = 18432;
/** Epoch-1 records held until the peer's ChangeCipherSpec. */
const MAX_EARLY_EPOCH1 = 8;

export type Event12Out =
  | { readonly type: 'handshakeComplete'; readonly parameters: Handshake12Result }
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'session12'; readonly session: Session12 }
  | { readonly type: 'alert'; readonly level: 'warning' | 'fatal'; readonly description: AlertDescriptionName; readonly sent: boolean }
  | { readonly type: 'closed'; readonly reason: 'close_notify' | 'local' | 'failed' | 'timeout' };

/** A ClientHello already sent, for {@link Connection12.fromSentOffer}. */
export interface Offer12 {
  readonly hello: ClientHello;
  /** The ClientHello's body exactly as sent. */
  readonly body: Uint8Array;
  readonly messageSeq: number;
  /** The next epoch-0 record sequence number (after the offer's records). */
  readonly nextRecordSequenceNumber: number;
}

export class Dtls12StateError extends Error {
  override readonly name = 'Dtls12StateError';
}

export class Connection12 {
  readonly role: 'client' | 'server';
  readonly config: Config12;
  /** The handshake: the role's 1.2 chart on the one Machine (machine12.ts). */
  private readonly machine: Machine12;
  private readonly reassembler = new HandshakeReassembler();
  private readonly outbox: Uint8Array[] = [];
  private readonly events: Event12Out[] = [];
  private sendSeq = 0;
  private write0Seq = 0;
  private write1: WriteEpoch12 | undefined;
  private pendingRead: EpochCipher12 | undefined;
  private read1: ReadEpoch12 | undefined;
  private earlyEpoch1: Dtls12WireRecord[] = [];
  private flight: readonly Out12[] = [];
  private flightFinal = false;
  private timer: { deadline: number; timeout: number; retransmissions: number } | undefined;
  private lastResend = -Infinity;
  private now = 0;
  private failure: FatalReason | undefined;
  private result: Handshake12Result | undefined;
  private session: Session12 | undefined;
  /** ALPN, SRTP and the CIDs, once the hellos settled them. */
  private extensions: Negotiated12Extensions | undefined;
  /** The inbound record path's limits and counters (record-path12.ts). */
  private readonly path: RecordPath12;
  private io12: Io12 | undefined;
  /** When the peer last sent a record that authenticated under epoch 1 (the caller's time), or undefined. */
  lastAuthenticated: number | undefined;
  /** The highest sequence number of an authenticated tls12_cid record (RFC 9146 §6's "newer"), -1 before any. */
  newestCidRecord = -1;

  /** The largest datagram a flight is cut into: `maxDatagramSize`, or less after {@link pathMtuExceeded}. */
  private flightLimit: number;
  /** Made by {@link clientFromOffer}: the ClientHello already left, the machine starts where the chart's `connect` leads. */
  private fromOffer = false;

  /**
   * Watches the handshake in an XState inspector: XState's actor of the
   * role's chart, fed each event the machine takes (inspected12.ts). Call it
   * before the first event. A client made from an offer starts past the
   * chart's initial state: its copy takes the `connect` transition (the
   * ClientHello sent) at once.
   */
  inspect(callback: (event: ChartInspectionEvent) => void): void {
    const inspected = inspectedChart12(this.role, callback);
    this.machine.watch(inspected);
    if (this.fromOffer) inspected.took({ type: 'connect' }, { kind: 'start' }, this.io());
  }

  /** Called after each chart transition taken (the inspector's and the coverage oracle's view): state before, event, state after. */
  get onTransition(): ((from: string, event: string, to: string) => void) | undefined {
    return this.machine.onTransition;
  }

  set onTransition(f: ((from: string, event: string, to: string) => void) | undefined) {
    this.machine.onTransition = f;
  }

  /**
   * A client that already sent its ClientHello (a 1.3 client's offer that
   * also offered 1.2, runtime/dtls/connection.ts) takes up from `offer`: it
   * starts in waitServerHello with that exact ClientHello in its
   * transcript, its message_seq and epoch-0 record numbers going on from
   * the offer's.
   */
  protected fromSentOffer(offer: Offer12): void {
    this.sendSeq = offer.messageSeq + 1;
    this.write0Seq = offer.nextRecordSequenceNumber;
    this.reassembler.reset(0);
    this.machine.enter(clientStateFromOffer(this.io(), offer.hello, offer.body, offer.messageSeq));
    this.fromOffer = true;
  }

  /** `charts`: the 1.2 charts' generated machines (runtime/dtls/role-drivers.ts). */
  constructor(config: Config12, charts: Charts12) {
    this.config = config;
    this.role = config.role;
    this.flightLimit = config.base.maxDatagramSize;
    this.path = new RecordPath12(config.base.limits);
    this.machine = new Machine12(config.role, this.io(), charts);
  }

  /** The handshake's state. */
  private get state(): Machine12['current'] {
    return this.machine.current;
  }

  /** Dropped incoming records by reason (the 1.3 record layer's reasons). */
  get drops(): Readonly<DropCounters> {
    return this.path.drops;
  }

  /** Records the record-rule table set aside (RECORD_RULES_12), by reason. */
  get ignored(): Readonly<Record<IgnoreReason, number>> {
    return this.path.ignored;
  }

  /** Ended, and what it had to send is sent: frees the keys now rather than when the object is collected. Nothing before the end. */
  releaseKeys(): void {
    if (this.state.kind !== 'closed' && this.state.kind !== 'failed') return;
    this.write1?.cipher.release();
    this.read1?.cipher.release();
    this.pendingRead?.release();
    this.write1 = undefined;
    this.read1 = undefined;
    this.pendingRead = undefined;
  }

  /** The session has gone quiet: frees its keys' OpenSSL contexts (made again by the next record); nothing else changes. */
  park(): void {
    this.write1?.cipher.park();
    this.read1?.cipher.park();
  }

  /**
   * The network said a datagram was too large for the path (ICMP
   * fragmentation-needed, or a send refused with EMSGSIZE; RFC 6347
   * §4.1.1.1): flights, their retransmissions included, are cut into
   * datagrams of at most `size` bytes from now on (never below 256). The
   * retransmission timer resends the flight. Returns whether the limit fell.
   */
  pathMtuExceeded(size: number): boolean {
    const next = Math.max(256, Math.min(this.flightLimit, Math.floor(size)));
    if (next >= this.flightLimit) return false;
    this.flightLimit = next;
    return true;
  }

  /** The largest datagram a flight is cut into now. */
  get datagramLimit(): number {
    return this.flightLimit;
  }

  /** The chart state the handshake is in. */
  get stateName(): string {
    return this.state.kind;
  }

  /** What ended the connection, when it failed. */
  get failureReason(): FatalReason | undefined {
    return this.failure;
  }

  /** The last session handed out (client: to resume; server: stored), as in the `session12` event. */
  get lastSession(): Session12 | undefined {
    return this.session;
  }

  /** What the handshake settled, once connected. */
  /**
   * Connection IDs (RFC 9146), once both hellos carried connection_id, in
   * the 1.3 connection's shape: `local` is the CID on records to us
   * (undefined for a zero-length one), `peer` the one on ours; 1.2 has no
   * spares and no RRC.
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
    const c = this.extensions?.cids;
    if (c === undefined) return undefined;
    const local = c.local.length > 0 ? c.local : undefined;
    return { local, peer: c.peer.length > 0 ? c.peer : undefined, spares: 0, rrc: false, issued: local === undefined ? [] : [local] };
  }

  get negotiated(): Handshake12Result | undefined {
    return this.result;
  }

  connect(now: number): void {
    if (this.state.kind !== 'start') throw new Dtls12StateError(`connect() in ${this.state.kind}`);
    this.now = now;
    this.dispatch({ type: 'connect' });
  }

  /**
   * Takes a datagram from the peer. It may be lent (a view of a receive
   * buffer, valid only during this call): nothing handed up or kept views
   * it. The common one, an epoch-1 application_data record alone, is read
   * in place; anything else from a copy of its records read (records held
   * for the ChangeCipherSpec and handshake fragments keep views of them).
   */
  receive(datagram: Uint8Array, now: number): void {
    this.now = now;
    if (this.ended) return;
    this.path.integrity.datagramStarted();
    if (this.applicationDataRecord(datagram)) return;
    // tls12_cid records carry our CID at its negotiated length (RFC 9146 §4); none negotiated: such a record is malformed.
    const settled = this.extensions !== undefined || this.config.base.connectionIds === undefined;
    this.path.receive(
      datagram,
      () => this.extensions?.cids?.local.length ?? 0,
      settled,
      (w) => {
        this.record(w);
        return !this.ended;
      },
    );
  }

  /**
   * A datagram that is one epoch-1 application_data record (13-byte header,
   * the length running to its end, at most 18,432) while the read epoch is
   * installed: the steps of decodeDatagram12, record(), ReadEpoch12.receive,
   * EpochCipher12.open and content() for it, with the same checks, drops and
   * order, but no record object, no view and no second copy. False, and
   * nothing done, for any other datagram.
   */
  private applicationDataRecord(d: Uint8Array): boolean {
    const read1 = this.read1;
    if (read1 === undefined || d.length < RECORD_HEADER || d[0] !== APPLICATION_DATA) return false;
    const length = (d[11]! << 8) | d[12]!;
    const epoch = (d[3]! << 8) | d[4]!;
    if (length !== d.length - RECORD_HEADER || length > MAX_FRAGMENT_12 || epoch !== 1) return false;
    const version = (d[1]! << 8) | d[2]!;
    const sequenceNumber = ((d[5]! << 8) | d[6]!) * 0x100000000 + (((d[7]! << 24) | (d[8]! << 16) | (d[9]! << 8) | d[10]!) >>> 0);
    const content = read1.receiveAt(d, 0, APPLICATION_DATA, version, epoch, sequenceNumber, length, this.now);
    if (typeof content === 'string') {
      this.drop(content);
      return true;
    }
    this.lastAuthenticated = this.now;
    // The application_data row of RECORD_RULES_12: only once connected.
    if (this.state.kind !== 'connected') this.path.ignore('unauthenticated-violation');
    else this.dispatch({ type: 'ApplicationData', data: content });
    return true;
  }

  pollTransmit(): Uint8Array | undefined {
    return this.outbox.shift();
  }

  pollTimeout(): number | undefined {
    return this.ended ? undefined : this.timer?.deadline;
  }

  handleTimeout(now: number): void {
    this.now = now;
    const t = this.timer;
    if (this.ended || t === undefined || now < t.deadline) return;
    const max = this.config.base.retransmission.maxRetransmissions ?? 10;
    if (t.retransmissions >= max) {
      this.timer = undefined;
      this.machine.enter({ kind: 'failed' });
      this.failure = { alert: 'internal_error', message: `no answer after ${max} retransmissions (RFC 6347 §4.2.4)` };
      this.events.push({ type: 'closed', reason: 'timeout' });
      return;
    }
    const timeout = Math.min(t.timeout * 2, this.config.base.retransmission.maxTimeout ?? 60_000);
    this.timer = { deadline: now + timeout, timeout, retransmissions: t.retransmissions + 1 };
    this.transmit();
  }

  pollEvent(): Event12Out | undefined {
    return this.events.shift();
  }

  /** Sends application data (RFC 5246 §6.2.1: records of at most 2^14 bytes, each fitting a datagram). */
  send(data: Uint8Array): void {
    if (this.state.kind !== 'connected' || this.write1 === undefined) throw new Dtls12StateError(`send() in ${this.state.kind}`);
    const room = Math.min(MAX_PLAINTEXT_12, this.config.base.maxDatagramSize - RECORD_HEADER - this.overhead());
    if (data.length === 0) this.outbox.push(this.write1.seal(APPLICATION_DATA, data));
    for (let at = 0; at < data.length; at += room) this.outbox.push(this.write1.seal(APPLICATION_DATA, data.subarray(at, at + room)));
  }

  /** RFC 5246 §7.2.1: close_notify, then nothing more is sent. */
  close(): void {
    if (this.ended) return;
    if (this.state.kind === 'connected') return this.dispatch({ type: 'close' });
    // Before the handshake completes the chart has no close: nothing is sent (no keys to send it under).
    this.machine.enter({ kind: 'closed' });
    this.timer = undefined;
    this.events.push({ type: 'closed', reason: 'local' });
  }

  /** RFC 5705 exporter over the master secret. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    const r = this.result;
    if (r === undefined) throw new Dtls12StateError('exportKeyingMaterial() before the handshake completed');
    const hash = this.write1!.cipher.suite.hash;
    return exportKeyingMaterial(this.config.base.provider, hash, r.masterSecret, label, r.clientRandom, r.serverRandom, context, length);
  }

  /** Ends the connection with one fatal alert (a deadline, an application callback that threw). */
  abort(reason: FatalReason, now: number): void {
    this.now = now;
    this.fail(reason);
  }

  private get ended(): boolean {
    return this.state.kind === 'closed' || this.state.kind === 'failed';
  }

  private overhead(): number {
    const s = this.write1?.cipher.suite;
    if (s === undefined) return 0;
    // A tls12_cid record adds the peer's CID to the header and the content type to the plaintext (RFC 9146 §4).
    const cid = this.extensions?.cids?.peer.length ?? 0;
    return s.recordIvLength + s.tagLength + (cid > 0 ? cid + 1 : 0);
  }

  private drop(reason: DropReason): void {
    this.path.drop(reason);
  }

  private io(): Io12 {
    return (this.io12 ??= this.makeIo());
  }

  private makeIo(): Io12 {
    const config = this.config;
    return {
      config,
      get wallClock(): number {
        return config.wallClock();
      },
      nextMessageSeq: () => this.sendSeq++,
      flight: (messages, final) => {
        this.flight = messages;
        this.flightFinal = final;
        const timeout = this.config.base.retransmission.initialTimeout ?? 1000;
        this.timer = final ? undefined : { deadline: this.now + timeout, timeout, retransmissions: 0 };
        this.transmit();
      },
      writeKeys: (cipher) => {
        this.write1 = new WriteEpoch12(cipher);
      },
      readKeys: (cipher) => {
        this.pendingRead = cipher;
      },
      answerClientHello: (messageSeq) => {
        this.sendSeq = messageSeq;
        this.reassembler.reset(messageSeq + 1);
      },
      extensions: (negotiated) => {
        this.extensions = negotiated;
      },
      complete: (result) => {
        const settled = { ...result, alpnProtocol: this.extensions?.alpnProtocol, srtpProfile: this.extensions?.srtpProfile };
        this.result = settled;
        this.events.push({ type: 'handshakeComplete', parameters: settled });
      },
      session: (session) => {
        this.session = session;
        this.events.push({ type: 'session12', session });
      },
      helloVerifyRequest: (body, messageSeq, recordSequenceNumber) => {
        // RFC 6347 §4.2.1: the HelloVerifyRequest takes the ClientHello's message_seq and record sequence number.
        const hvr = encodeFragment({ msgType: 'hello_verify_request', length: body.length, messageSeq, fragmentOffset: 0, fragment: body });
        this.outbox.push(this.plain(HANDSHAKE, hvr, recordSequenceNumber));
      },
      installReadEpoch: () => {
        if (this.pendingRead === undefined) throw new Dtls12StateError('ChangeCipherSpec before the read keys');
        this.read1 = new ReadEpoch12(this.pendingRead, this.path.integrity, this.config.base.replayWindow);
        this.pendingRead = undefined;
      },
      deliver: (data) => {
        this.events.push({ type: 'data', data });
      },
      warning: (description) => this.alert('warning', description),
      retransmit: () => this.peerRetransmitted(),
      closeNotify: (reason) => {
        this.alert('warning', 'close_notify');
        this.timer = undefined;
        this.events.push({ type: 'closed', reason });
      },
      fatal: (reason) => {
        this.failure = reason;
        this.alert('fatal', reason.alert);
        this.timer = undefined;
        this.events.push({ type: 'closed', reason: 'failed' });
      },
      peerAlert: (description) => {
        this.failure = { alert: description, message: `the peer sent a fatal ${description} alert` };
        this.timer = undefined;
        this.events.push({ type: 'closed', reason: 'failed' });
      },
    };
  }

  /** Takes one chart event: a step's error becomes the one fatal alert (the state unchanged until then); an event the state does not take is unexpected_message. */
  private dispatch(event: Event12): void {
    const before = this.state.kind;
    let taken: boolean;
    try {
      taken = this.machine.dispatch(event);
    } catch (e) {
      return this.fail(toAlert(e));
    }
    if (!taken) this.fail({ alert: 'unexpected_message', message: `${eventName12(event)} in ${before}` });
  }

  /** The chart's `fail`: its sendFatalAlert step sends the one fatal alert and ends the connection. */
  private fail(reason: FatalReason): void {
    if (this.ended) return;
    const event = { type: 'fail', reason } as const;
    if (!this.machine.dispatch(event)) this.machine.force(event, { kind: 'failed' });
  }

  private alert(level: 'warning' | 'fatal', description: AlertDescriptionName): void {
    const body = Uint8Array.of(level === 'warning' ? 1 : 2, alertDescriptionToNumber(description));
    this.outbox.push(this.write1 !== undefined && this.sentChangeCipherSpec() ? this.write1.seal(ALERT, body) : this.plain(ALERT, body));
    this.events.push({ type: 'alert', level, description, sent: true });
  }

  private sentChangeCipherSpec(): boolean {
    return this.write1 !== undefined && this.write1.sequenceNumber > 0;
  }

  /** An epoch-0 record. */
  private plain(type: number, fragment: Uint8Array, sequenceNumber = this.write0Seq++): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER + fragment.length);
    out[0] = type;
    out[1] = DTLS12_VERSION >>> 8;
    out[2] = DTLS12_VERSION & 0xff;
    const hi = Math.floor(sequenceNumber / 0x100000000);
    out[5] = hi >>> 8;
    out[6] = hi & 0xff;
    out[7] = sequenceNumber >>> 24;
    out[8] = (sequenceNumber >>> 16) & 0xff;
    out[9] = (sequenceNumber >>> 8) & 0xff;
    out[10] = sequenceNumber & 0xff;
    out[11] = fragment.length >>> 8;
    out[12] = fragment.length & 0xff;
    out.set(fragment, RECORD_HEADER);
    return out;
  }

  /** (Re)sends the current flight: fresh record numbers, the same message_seq (RFC 6347 §4.2.4), fragments fitting the datagram. */
  private transmit(): void {
    const limit = this.flightLimit;
    const records: Uint8Array[] = [];
    for (const m of this.flight) {
      if (m.kind === 'changeCipherSpec') {
        records.push(this.plain(CHANGE_CIPHER_SPEC, Uint8Array.of(1)));
        continue;
      }
      const protectedOverhead = m.epoch === 1 ? this.overhead() : 0;
      const room = Math.max(1, limit - RECORD_HEADER - protectedOverhead - HANDSHAKE_HEADER);
      for (const f of fragmentMessage({ msgType: m.msgType, messageSeq: m.messageSeq, body: m.body }, room)) {
        const bytes = encodeFragment(f);
        records.push(m.epoch === 1 && this.write1 !== undefined ? this.write1.seal(HANDSHAKE, bytes) : this.plain(HANDSHAKE, bytes));
      }
    }
    let datagram: Uint8Array[] = [];
    let size = 0;
    const flush = (): void => {
      if (datagram.length === 0) return;
      const out = new Uint8Array(size);
      let at = 0;
      for (const r of datagram) {
        out.set(r, at);
        at += r.length;
      }
      this.outbox.push(out);
      datagram = [];
      size = 0;
    };
    for (const r of records) {
      if (size + r.length > limit) flush();
      datagram.push(r);
      size += r.length;
    }
    flush();
  }

  private record(w: Dtls12WireRecord): void {
    // A tls12_cid record (decoded only when we asked for a CID) is protected: never epoch 0 (RFC 9146 §4); its CID is checked when it opens.
    if (w.kind === 'cid' && w.record.epoch === 0) return this.drop('connection-id');
    const r = w.record;
    if (w.kind === 'record' && r.epoch === 0) {
      const p = w.record;
      if (p.version !== 'dtls1_2' && p.version !== 'dtls1_0') return this.drop('malformed');
      return this.content(
        p.type === 'handshake' ? HANDSHAKE : p.type === 'alert' ? ALERT : p.type === 'change_cipher_spec' ? CHANGE_CIPHER_SPEC : APPLICATION_DATA,
        p.fragment,
        0,
        p.sequenceNumber,
      );
    }
    if (r.epoch !== 1) return this.drop('unknown-epoch');
    if (this.read1 === undefined) {
      if (this.pendingRead !== undefined && this.earlyEpoch1.length < MAX_EARLY_EPOCH1) this.earlyEpoch1.push(w);
      else this.drop('unknown-epoch');
      return;
    }
    const opened = this.read1.receive(w, this.now);
    if (!opened.ok) return this.drop(opened.reason);
    this.lastAuthenticated = this.now;
    if (w.kind === 'cid' && opened.sequenceNumber > this.newestCidRecord) this.newestCidRecord = opened.sequenceNumber;
    this.content(opened.type, opened.content, 1, opened.sequenceNumber);
  }

  /** One record's content, through the 1.2 rows of the record-rule table (record-rules12.ts) to its row's handler, or set aside. */
  private content(type: number, fragment: Uint8Array, epoch: 0 | 1, recordSequenceNumber: number): void {
    const phase = phase12(this.role, this.state, this.pendingRead !== undefined, this.read1 !== undefined);
    const handler = this.path.admit(type, epoch, phase, this.read1 === undefined ? 0 : 1);
    if (handler !== undefined) this.handle(handler, fragment, epoch, recordSequenceNumber);
  }

  private handle(handler: RecordHandlerName12, fragment: Uint8Array, epoch: 0 | 1, recordSequenceNumber: number): void {
    switch (handler) {
      case 'handshake':
        return this.handshakeRecord(fragment, epoch, recordSequenceNumber);
      case 'changeCipherSpec':
        return this.changeCipherSpec(fragment);
      case 'changeCipherSpecAgain':
        return; // the peer's flight again: its handshake records say what to do
      case 'alert':
        return this.alertRecord(fragment);
      case 'applicationData':
        return this.dispatch({ type: 'ApplicationData', data: fragment.slice() });
    }
  }

  private changeCipherSpec(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) return this.drop('malformed');
    this.dispatch({ type: 'ChangeCipherSpec' });
    if (this.ended) return;
    const early = this.earlyEpoch1;
    this.earlyEpoch1 = [];
    for (const w of early) if (!this.ended) this.record(w);
  }

  private alertRecord(fragment: Uint8Array): void {
    if (fragment.length !== 2) return this.drop('malformed');
    const level = fragment[0] === 2 ? 'fatal' : 'warning';
    const description = alertDescriptionFromNumber(fragment[1]!);
    const name = typeof description === 'string' ? description : 'internal_error';
    this.events.push({ type: 'alert', level, description: name, sent: false });
    if (name === 'close_notify') {
      if (this.state.kind === 'connected') return this.dispatch({ type: 'closeNotify' });
      // During the handshake the chart has no closeNotify: the connection ends, nothing answered.
      this.machine.enter({ kind: 'closed' });
      this.timer = undefined;
      this.events.push({ type: 'closed', reason: 'close_notify' });
      return;
    }
    if (level === 'fatal') this.dispatch({ type: 'alertReceived', description: name });
  }

  private handshakeRecord(fragment: Uint8Array, epoch: 0 | 1, recordSequenceNumber: number): void {
    const fragments: DtlsHandshake[] = [];
    try {
      const r = new Reader(fragment, 'Handshake12');
      while (r.pos < r.end) fragments.push(readDtlsHandshake(r));
    } catch (e) {
      if (epoch === 1) return this.fail(toAlert(e));
      return this.drop('malformed');
    }
    for (const f of fragments) {
      if (this.ended) return;
      if (this.state.kind === 'waitClientHello') {
        this.clientHello(f, recordSequenceNumber);
        continue;
      }
      const result = this.reassembler.receive(f);
      if (result.kind === 'old') {
        // Connected, the peer's last flight again is the chart's FinishedRetransmitted; during the handshake the flight timer's business.
        if (this.state.kind === 'connected') this.dispatch({ type: 'FinishedRetransmitted' });
        else this.peerRetransmitted();
      } else if (result.kind === 'complete') {
        for (const m of result.messages) {
          if (this.ended) return;
          this.message({ msgType: m.msgType, messageSeq: m.messageSeq, body: m.body, recordSequenceNumber }, epoch);
        }
      }
    }
  }

  /**
   * Server in waitClientHello: a whole ClientHello only; no state before the
   * cookie (RFC 6347 §4.2.1). Its plan (client-hello-plan12.ts: the cookie
   * check, the session to resume, the suite) is the input step the chart's
   * guards branch on; one that does not decode is dropped unanswered.
   */
  private clientHello(f: DtlsHandshake, recordSequenceNumber: number): void {
    if (f.msgType !== 'client_hello' || f.fragmentOffset !== 0 || f.fragment.length !== f.length) return this.drop('plaintext-refused');
    let ch: ClientHello;
    try {
      ch = decodeClientHello(f.fragment);
    } catch {
      return this.drop('malformed');
    }
    let plan: ClientHelloPlan12;
    try {
      plan = clientHelloPlan12(this.config, ch, this.config.wallClock());
    } catch (e) {
      return this.fail(toAlert(e));
    }
    const m: Message12 = { msgType: f.msgType, messageSeq: f.messageSeq, body: f.fragment, recordSequenceNumber };
    if (plan.kind === 'verify') return this.dispatch({ type: 'ClientHello', message: m, plan });
    this.write0Seq = Math.max(this.write0Seq, recordSequenceNumber);
    this.message(m, 0, plan);
  }

  /** RFC 6347 §4.2.4: the peer sent its last flight again, so ours was lost; at most once per initial timeout. */
  private peerRetransmitted(): void {
    const spacing = (this.config.base.retransmission.initialTimeout ?? 1000) / 2;
    if (this.flight.length === 0 || this.now - this.lastResend < spacing) return;
    this.lastResend = this.now;
    this.transmit();
  }

  private message(m: Message12, epoch: 0 | 1, plan?: ClientHelloPlan12): void {
    if (this.state.kind === 'connected') return this.afterHandshake(m, epoch);
    // The messages after our ChangeCipherSpec come under epoch 1, and Finished only so.
    if ((m.msgType === 'finished') !== (epoch === 1)) return this.fail({ alert: 'unexpected_message', message: `${m.msgType} under epoch ${epoch}` });
    if (!this.flightFinal) this.timer = undefined; // the peer's next flight: ours arrived (RFC 6347 §4.2.4)
    this.dispatchMessage(m, plan);
  }

  /** A message as its chart event: one the state does not take (the generated `dtls12*Takes`) is unexpected_message. */
  private dispatchMessage(m: Message12, plan: ClientHelloPlan12 | undefined): void {
    let event: Event12 | undefined;
    try {
      event = this.role === 'client' ? clientMessageEvent12(m, decodeTls12ServerHello) : serverMessageEvent12(m, plan);
    } catch (e) {
      return this.fail(toAlert(e));
    }
    if (event === undefined || !this.machine.handles(event.type))
      return this.fail({ alert: 'unexpected_message', message: `${m.msgType} in ${this.state.kind}` });
    this.dispatch(event);
  }

  /** Connected: renegotiation (a HelloRequest or ClientHello under epoch 1) refused by the chart (RFC 5746 §4.2, §4.4), anything else is unexpected. */
  private afterHandshake(m: Message12, epoch: 0 | 1): void {
    if (epoch === 0) return this.drop('plaintext-refused');
    this.dispatchMessage(m, undefined);
  }
}

function encodeFragment(f: DtlsHandshake): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER + f.fragment.length);
  out[0] = handshakeTypeToNumber(f.msgType);
  out[1] = f.length >>> 16;
  out[2] = (f.length >>> 8) & 0xff;
  out[3] = f.length & 0xff;
  out[4] = f.messageSeq >>> 8;
  out[5] = f.messageSeq & 0xff;
  out[6] = f.fragmentOffset >>> 16;
  out[7] = (f.fragmentOffset >>> 8) & 0xff;
  out[8] = f.fragmentOffset & 0xff;
  out[9] = f.fragment.length >>> 16;
  out[10] = (f.fragment.length >>> 8) & 0xff;
  out[11] = f.fragment.length & 0xff;
  out.set(f.fragment, HANDSHAKE_HEADER);
  return out;
}
