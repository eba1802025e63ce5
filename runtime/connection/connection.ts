import { createActor, type AnyActorRef, type InspectionEvent } from 'xstate';
import { dtls13ClientChart, dtls13ClientInput, sharedDtls13ClientMachine } from '../../generated/charts/dtls13-client.js';
import { dtls13ServerChart, dtls13ServerInput, sharedDtls13ServerMachine } from '../../generated/charts/dtls13-server.js';
import { decodeAck, decodeAlert, readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/index.js';
import { handshakeTypeFromNumber, handshakeTypeToNumber, type AlertDescriptionName } from '../../generated/wire/enums.js';
import { ConfigError } from '../config-error.js';
import { CryptoError } from '../crypto/provider.js';
import { FlightController } from '../handshake/flight.js';
import { ManualClock } from '../handshake/manual-clock.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import { HandshakeReassembler } from '../handshake/reassembler.js';
import { Transcript } from '../keyschedule/transcript.js';
import type { DropCounters } from '../record/drops.js';
import { RecordLayer, type ReceivedRecord } from '../record/record-layer.js';
import { bytesEqual, DecodeError, Reader } from '../wire/index.js';
import { clientImplementation } from './client-actions.js';
import { clientInbound } from './client-inbound.js';
import { sendAck, failWith } from './common-actions.js';
import { sharedPrivateKey } from './shared-material.js';
import { keyUpdateAcknowledged } from './key-update.js';
import { resolveConfig, type DtlsConfig } from './config.js';
import type { HandshakeContext } from './context.js';
import { chartHandles, MESSAGE_EVENTS } from './chart-events.js';
import type { ConnectionEvent } from './events.js';
import { guardActions } from './guard-actions.js';
import { HELLO_RETRY_RANDOM } from './messages.js';
import { HandshakeOutbox, type OutMessage } from './outbox.js';
import { serverImplementation, type StatelessRetry } from './server-actions.js';
import { serverInbound } from './server-inbound.js';

/** Options of a connection beyond the protocol configuration. */
export interface ConnectionOptions extends DtlsConfig {
  /** Wall-clock time (ms since the epoch) for certificate validity; default `Date.now`. The protocol's own time is the `now` passed in. */
  readonly wallClock?: () => number;
  /** Receives the chart actor's inspection events (XState's `inspect`), e.g. to watch the handshake in the XState inspector. */
  readonly inspect?: (event: InspectionEvent) => void;
  /** Server: start after a stateless HelloRetryRequest whose cookie a HelloRetryResponder accepted. */
  readonly statelessRetry?: StatelessRetry;
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
}

/** A call the connection's state does not allow (sending before the handshake completed, after a failure). */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

/** Buffered records at most: deferred (keys not yet installed) and early application data. */
const MAX_BUFFERED = 32;
/** How long an ACK for a disrupted flight waits for the rest of the burst, in ms. */
const ACK_DELAY = 50;

/**
 * A DTLS 1.3 connection (RFC 9147), sans-I/O: datagrams and the caller's
 * time in; datagrams, the next timer deadline and events out. It never opens
 * a socket, starts a timer or reads a clock for protocol time.
 *
 * The handshake is the generated XState chart (dtls13-client or
 * dtls13-server) bound to this connection's actions; retransmission is the
 * dtls13-flight chart; records go through the RecordLayer.
 */
export class DtlsConnection {
  readonly role: 'client' | 'server';
  private readonly ctx: HandshakeContext;
  private readonly actor: AnyActorRef;
  private readonly chart: typeof dtls13ClientChart | typeof dtls13ServerChart;
  private readonly inbox = new HandshakeReassembler();
  private readonly outgoing: Uint8Array[] = [];
  private readonly wallClock: () => number;
  private deferred: Uint8Array[] = [];
  private earlyData: Uint8Array[] = [];
  private finalAck: { readonly epoch: number; readonly seq: number }[] = [];
  /** Set while processing a datagram when a handshake fragment arrived out of order (a gap in the peer's flight). */
  private gap = false;
  private gapAckTimer: number | undefined;
  private startedAt: number;
  private readonly counts = { datagramsReceived: 0, datagramsSent: 0, recordsReceived: 0, applicationBytesSent: 0, applicationBytesReceived: 0, handshakeMessagesReceived: 0 };
  private completedAt: number | undefined;
  private authenticatedAt: number | undefined;

  static client(options: ConnectionOptions = {}): DtlsConnection {
    return new DtlsConnection('client', options);
  }

  static server(options: ConnectionOptions): DtlsConnection {
    return new DtlsConnection('server', options);
  }

  private constructor(role: 'client' | 'server', options: ConnectionOptions) {
    this.role = role;
    const config = resolveConfig(role, options);
    this.wallClock = options.wallClock ?? Date.now;
    const provider = config.provider;
    const emit = (d: Uint8Array): void => {
      this.outgoing.push(d);
    };
    const clock = new ManualClock(0);
    this.startedAt = 0;
    const records = new RecordLayer({ provider, replayWindow: config.replayWindow });
    const outbox = new HandshakeOutbox(records, config.maxDatagramSize, 0, emit);
    const flight = new FlightController<OutMessage>(
      {
        transmit: (m) => outbox.transmit(m),
        retransmitAck: () => sendAck(this.ctx, emit, this.finalAck),
        timedOut: () => this.fail('handshake_failure', 'timeout: the peer did not answer before the retransmission limit'),
      },
      clock,
      config.retransmission,
      options.inspect,
    );
    let ownKey;
    if (config.certificate) {
      try {
        ownKey = sharedPrivateKey(provider, config.certificate.privateKey);
      } catch (e) {
        if (e instanceof CryptoError) throw new ConfigError('certificate', `the private key does not import: ${e.message}`);
        throw e;
      }
    }
    this.ctx = {
      role, config, provider, records, transcript: new Transcript(provider), outbox, flight, clock, events: [],
      sendSeq: 0, building: [], random: provider.randomBytes(32), clientRandom: undefined, suite: undefined, schedule: undefined, group: undefined, keyShare: undefined,
      sharedSecret: undefined, handshakeStage: undefined, masterStage: undefined, clientHandshakeSecret: undefined, serverHandshakeSecret: undefined,
      clientApplicationSecret: undefined, serverApplicationSecret: undefined, serverFinishedHash: undefined, signature: undefined, clientSignature: undefined, ownKey,
      peerKey: undefined, peerChain: [], helloRetryRequest: false, helloRetryGroup: undefined, cookie: undefined, certificateRequested: false, requestedSignatures: [],
      certificateRequestContext: new Uint8Array(0), clientAuthenticated: false, prepared: {}, connected: false, ackable: [], lastError: undefined,
      pendingFailure: undefined, failure: undefined, readSecret: undefined, writeSecret: undefined, readEpoch: 0, writeEpoch: 0,
      requestPeerKeyUpdate: false, keyUpdate: undefined,
    };
    const inspect = options.inspect ? { inspect: options.inspect } : {};
    if (role === 'client') {
      this.chart = dtls13ClientChart;
      const impl = clientImplementation(this.ctx, emit);
      this.actor = createActor(sharedDtls13ClientMachine(), { input: dtls13ClientInput({ ...impl, actions: guardActions(this.ctx, impl.actions) }, this.ctx), clock, ...inspect });
    } else {
      this.chart = dtls13ServerChart;
      const ackFinalFlight = (): void => {
        this.finalAck = [...this.ctx.ackable];
        sendAck(this.ctx, emit, this.finalAck);
      };
      const impl = serverImplementation(this.ctx, emit, ackFinalFlight, options.statelessRetry);
      this.actor = createActor(sharedDtls13ServerMachine(), { input: dtls13ServerInput({ ...impl, actions: guardActions(this.ctx, impl.actions) }, this.ctx), clock, ...inspect });
    }
    this.actor.start();
    if (role === 'server' && options.statelessRetry) {
      records.continuePlaintextFrom(options.statelessRetry.recordSequence);
      this.actor.send({ type: 'statelessRetryVerified' });
      this.inbox.reset(1); // the second ClientHello is message 1; the first and the HelloRetryRequest were message 0
    }
  }

  // ── the sans-I/O surface ────────────────────────────────────────────────

  /** Client: starts the handshake (sends the ClientHello). */
  connect(now: number): void {
    if (this.role !== 'client') throw new ConnectionStateError('only a client connects');
    this.advance(now);
    this.startedAt = now;
    this.actor.send({ type: 'connect' });
    this.settle();
  }

  /** Processes one datagram from the peer. Never throws for what the peer sent. */
  receive(datagram: Uint8Array, now: number): void {
    this.advance(now);
    if (this.ctx.failure) return;
    if (this.role === 'server' && this.counts.datagramsReceived === 0) this.startedAt = now;
    this.counts.datagramsReceived++;
    const installedBefore = this.ctx.records.usage().read.length;
    let retransmission = false;
    this.gap = false;
    for (const r of this.ctx.records.receive(datagram, now)) {
      if (this.ctx.failure) break;
      if (r.kind === 'deferred') {
        if (this.deferred.length < MAX_BUFFERED) this.deferred.push(r.record);
        continue;
      }
      this.counts.recordsReceived++;
      if (r.protected) this.authenticatedAt = now;
      retransmission = this.record(r) || retransmission;
    }
    if (retransmission && !this.ctx.failure) this.ctx.flight.peerRetransmitted();
    // RFC 9147 §7.1: a disrupted incoming flight is answered with an ACK of what arrived, so only the rest is resent.
    // The ACK waits a moment (§7: ACKs may be delayed) so one ACK covers the whole burst instead of one per datagram.
    if (this.gap && !this.ctx.failure && this.gapAckTimer === undefined) {
      this.gapAckTimer = this.ctx.clock.setTimeout(() => {
        this.gapAckTimer = undefined;
        if (!this.ctx.failure && this.ctx.ackable.length > 0) sendAck(this.ctx, (d) => this.outgoing.push(d), this.ctx.ackable);
      }, ACK_DELAY);
    }
    if (this.deferred.length > 0 && this.ctx.records.usage().read.length !== installedBefore && !this.ctx.failure) {
      const again = this.deferred;
      this.deferred = [];
      for (const d of again) this.receive(d, now);
    }
  }

  /** The next datagram to send, if any. */
  pollTransmit(): Uint8Array | undefined {
    const d = this.outgoing.shift();
    if (d) this.counts.datagramsSent++;
    return d;
  }

  /** The earliest time `handleTimeout` has work, if any. */
  pollTimeout(): number | undefined {
    const a = this.ctx.clock.nextDeadline();
    const b = this.ctx.records.nextTimeout();
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  /** Runs the timers due at `now` (retransmissions, key retention). */
  handleTimeout(now: number): void {
    this.advance(now);
  }

  /** The next event for the application, if any. */
  pollEvent(): ConnectionEvent | undefined {
    return this.ctx.events.shift();
  }

  /** Sends application data (one record). Only once the handshake is complete. */
  send(data: Uint8Array): void {
    if (this.ctx.failure) throw new ConnectionStateError(`the connection failed (${this.ctx.failure.alert})`);
    if (!this.ctx.connected) throw new ConnectionStateError('the handshake is not complete');
    this.outgoing.push(this.ctx.records.seal('application_data', data));
    this.counts.applicationBytesSent += data.length;
    if (this.ctx.records.keyUpdateDue && this.ctx.keyUpdate === undefined) this.updateKeys(false);
  }

  /**
   * Updates our write keys (RFC 8446 §4.6.3, RFC 9147 §8); with
   * `requestPeer`, asks the peer to update its own. Records use the new keys
   * once the peer has acknowledged the KeyUpdate. Also started by itself when
   * the write key nears its usage limit.
   */
  updateKeys(requestPeer = false): void {
    if (!this.ctx.connected || this.ctx.failure) throw new ConnectionStateError('keys can only be updated on a connected connection');
    this.ctx.requestPeerKeyUpdate = requestPeer;
    this.actor.send({ type: 'updateKeys' });
    this.settle();
  }

  /** Closes with close_notify. */
  close(): void {
    if (this.ctx.connected && !this.ctx.failure) this.actor.send({ type: 'close' });
  }

  /** The handshake chart's state (`waitServerHello`, `connected`, `failed`, ...). */
  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  /**
   * When the peer last sent a record that authenticated under keys of this
   * connection (in the caller's time), or undefined. Plaintext and forged
   * datagrams never move it: idle timers should read this.
   */
  get lastAuthenticatedReceive(): number | undefined {
    return this.authenticatedAt;
  }

  /** The alert that failed the connection, if it failed. */
  get failure(): { readonly alert: AlertDescriptionName; readonly message: string } | undefined {
    return this.ctx.failure;
  }

  /** Records, drops by reason, retransmission state and handshake duration (in the caller's time). */
  get stats(): ConnectionStats {
    return {
      datagramsReceived: this.counts.datagramsReceived,
      datagramsSent: this.counts.datagramsSent,
      recordsReceived: this.counts.recordsReceived,
      applicationBytesSent: this.counts.applicationBytesSent,
      applicationBytesReceived: this.counts.applicationBytesReceived,
      drops: { ...this.ctx.records.drops },
      retransmissions: this.ctx.flight.retransmissions,
      flightState: this.ctx.flight.state,
      retransmitTimeout: this.ctx.flight.timeout,
      handshakeDuration: this.completedAt === undefined ? undefined : this.completedAt - this.startedAt,
      handshakeMessagesReceived: this.counts.handshakeMessagesReceived,
      handshakeMessagesSent: this.ctx.outbox.messagesSent,
    };
  }

  /**
   * @internal For tests of the handshake logic: handles a whole handshake
   * message as if reassembled from records of `epoch`, skipping the record
   * layer (tested on its own).
   */
  injectHandshakeMessage(msgType: number, body: Uint8Array, epoch: number): void {
    if (!this.ctx.failure) this.message(msgType, body, epoch);
  }

  /** @internal For tests of the connection's policies: handles a record as if the record layer had delivered it. */
  injectRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    if (!this.ctx.failure) this.record(r);
  }

  // ── inside ─────────────────────────────────────────────────────────────

  private advance(now: number): void {
    this.ctx.clock.advanceTo(now);
    this.ctx.records.handleTimeout(now);
    this.settle();
  }

  /** Turns a failure raised inside a chart action into the fatal path. */
  private settle(): void {
    const p = this.ctx.pendingFailure;
    if (p && !this.ctx.failure) {
      this.ctx.pendingFailure = undefined;
      this.fail(p.alert, p.message);
    }
  }

  /** Handles one record; true when it showed the peer retransmitting a flight. */
  private record(r: Extract<ReceivedRecord, { kind: 'record' }>): boolean {
    switch (r.contentType) {
      case 'handshake':
        return this.handshakeRecord(r);
      case 'ack':
        this.ackRecord(r);
        return false;
      case 'alert':
        this.alertRecord(r);
        return false;
      case 'application_data':
        this.applicationData(r);
        return false;
      default:
        return false;
    }
  }

  private handshakeRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): boolean {
    const fragments: DtlsHandshake[] = [];
    try {
      const reader = new Reader(r.content, 'HandshakeRecord');
      while (reader.pos < reader.end) fragments.push(readDtlsHandshake(reader));
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      if (r.protected) this.fail('decode_error', e.message);
      return false;
    }
    this.ctx.ackable.push({ epoch: r.epoch, seq: r.sequenceNumber });
    let old = false;
    for (const f of fragments) {
      const res = this.inbox.receive(f);
      if (res.kind === 'progress' && res.outOfOrder) this.gap = true;
      if (res.kind === 'old') old = true;
      else if (res.kind === 'inconsistent') {
        this.fail('illegal_parameter', `handshake fragments disagree: ${res.reason}`);
        return false;
      }
      else if (res.kind === 'complete') {
        for (const m of res.messages) {
          const postHandshake = this.ctx.connected;
          this.message(handshakeTypeToNumber(m.msgType), m.body, r.epoch);
          if (this.ctx.failure) return false;
          if (postHandshake) {
            // NewSessionTicket and KeyUpdate are acknowledged (RFC 9147 §7, §8); the sender retransmits until then.
            sendAck(this.ctx, (d) => this.outgoing.push(d), this.ctx.ackable);
            this.ctx.ackable = [];
          }
        }
      }
    }
    return old;
  }

  /** Checks a whole message against the chart's current state, validates it, and dispatches it. */
  private message(msgType: number, body: Uint8Array, epoch: number): void {
    const name = handshakeTypeFromNumber(msgType);
    let eventType = typeof name === 'string' ? MESSAGE_EVENTS[name] : undefined;
    if (name === 'server_hello' && body.length >= 34 && isHelloRetryRandom(body.subarray(2, 34))) eventType = 'HelloRetryRequest';
    if (eventType === undefined || !chartHandles(this.chart, this.state, eventType)) {
      return this.fail('unexpected_message', `${String(name)} is not expected in state ${this.state}`);
    }
    this.counts.handshakeMessagesReceived++;
    try {
      const wall = this.wallClock();
      const event = this.role === 'client' ? clientInbound(this.ctx, name, body, epoch, wall) : serverInbound(this.ctx, name, body, epoch, wall);
      this.actor.send(event);
      this.settle();
      if (this.ctx.connected && this.completedAt === undefined) {
        this.completedAt = this.ctx.clock.now;
        for (const d of this.earlyData) {
          this.counts.applicationBytesReceived += d.length;
          this.ctx.events.push({ type: 'data', data: d });
        }
        this.earlyData = [];
      }
    } catch (e) {
      if (e instanceof ProtocolError) return this.fail(e.alert, e.message);
      throw e;
    }
  }

  private ackRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    let ack;
    try {
      ack = decodeAck(r.content);
    } catch (e) {
      if (e instanceof DecodeError) return this.fail('decode_error', e.message);
      throw e;
    }
    keyUpdateAcknowledged(this.ctx, ack.recordNumbers);
    const acked = this.ctx.outbox.acknowledge(ack.recordNumbers);
    if (acked.length > 0) this.ctx.flight.acknowledge(acked, this.role === 'client' && this.ctx.connected);
  }

  private alertRecord(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    let alert;
    try {
      alert = decodeAlert(r.content);
    } catch (e) {
      if (e instanceof DecodeError) return this.fail('decode_error', e.message);
      throw e;
    }
    if (alert.description === 'close_notify') {
      if (chartHandles(this.chart, this.state, 'closeNotify')) this.actor.send({ type: 'closeNotify' });
      return;
    }
    if (alert.level === 'fatal' || this.ctx.connected === false) this.actor.send({ type: 'alertReceived', payload: alert });
  }

  private applicationData(r: Extract<ReceivedRecord, { kind: 'record' }>): void {
    // Only epoch 3 and later carry application data; under handshake keys it is dropped (RFC 9147 §4, §5.8.1).
    if (r.epoch < 3) return;
    if (this.ctx.connected) {
      this.counts.applicationBytesReceived += r.content.length;
      this.ctx.events.push({ type: 'data', data: r.content });
    }
    else if (this.earlyData.length < MAX_BUFFERED) this.earlyData.push(r.content);
  }

  /** Fails the handshake with one fatal alert; later calls keep the first failure. */
  private fail(alert: AlertDescriptionName, message: string): void {
    if (this.ctx.failure) return;
    this.ctx.lastError = message;
    if (this.actor.getSnapshot().status === 'active') this.actor.send({ type: 'fail', payload: alert });
    if (!this.ctx.failure) failWith(this.ctx, (d) => this.outgoing.push(d), alert, message);
  }
}

function isHelloRetryRandom(random: Uint8Array): boolean {
  return bytesEqual(random, HELLO_RETRY_RANDOM);
}
