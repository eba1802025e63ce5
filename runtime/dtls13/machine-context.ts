import type { EpochCipher } from '../record/epoch-cipher.js';
import { encodeAck, encodeAlert } from '../../generated/wire/index.js';
import type {
  AlertDescription,
  AlertDescriptionName,
  AlertLevel,
  HandshakeTypeName,
} from '../../generated/wire/enums.js';
import { handshakeTypeToNumber } from '../../generated/wire/enums.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { CryptoProvider, PrivateKeyHandle } from '../crypto/provider.js';
import { FlightController, type FlightHooks, type FlightRestListener } from '../handshake/flight.js';
import type { ManualClock } from '../handshake/manual-clock.js';
import type { ScheduleContext } from '../keyschedule/context.js';
import { trafficKeys } from '../keyschedule/derived-keys.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { RecordLayer } from '../record/record-layer.js';
import type { RecordReader } from '../record/record-reader.js';
import type { RecordNumber } from '../record/record-number.js';
import { CidContext } from '../cid/cid-context.js';
import { AckTracker } from './ack-tracker.js';
import { ackEntriesWithin } from '../shared/record-size-limit.js';
import type { ConnectionFacts } from '../shared/connection-facts.js';
import type { ResolvedConfig } from '../shared/config.js';
import type { ConnectionEvent } from '../shared/events.js';
import { keyLogger, type KeyLogger } from '../shared/key-material.js';
import type { ConnectionOptions, SharedState } from '../shared/connection-api.js';
import { FLIGHT13, HandshakeOutbox, type OutMessage } from '../shared/handshake-outbox.js';
import { ownPrivateKey, recordLayerConfig } from './parts-assembly.js';
import type { FlightOptions } from './post-handshake-flights.js';
import { PostHandshakeFlights } from './post-handshake-queue.js';
import type { SyncAntiReplay } from '../session/anti-replay.js';
import { ticketAddressOf, type TicketAddress } from '../session/ticket-address.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import { PeerConfirmation } from './peer-confirmation.js';

/** What a connection does when a post-handshake flight's retransmissions ran out. */
export interface PostHandshakeOwner {
  postHandshakeExhausted(flight: readonly OutMessage[]): void;
}

/** What a context is made from: the resolved configuration, one connection's options, and what it reports into. */
export interface ContextInputs {
  readonly config: ResolvedConfig;
  readonly options: ConnectionOptions;
  readonly hooks: FlightHooks<OutMessage> & PostHandshakeOwner;
  readonly shared: SharedState;
  /** A server's reader from its hello phase, which the record layer reads on with. */
  readonly reader: RecordReader | undefined;
}

/**
 * What a handshake step gets besides its state and event, one per connection (`assembleContext`): the machinery every
 * state drives and the fatal path; a role's context adds what only that role uses. No machine state (the step's argument).
 */
export abstract class MachineContext implements FlightRestListener {
  abstract readonly role: 'client' | 'server';
  readonly config: ResolvedConfig;
  readonly provider: CryptoProvider;
  readonly records: RecordLayer;
  readonly outbox: HandshakeOutbox<EpochCipher>;
  readonly flight: FlightController<OutMessage>;
  readonly clock: ManualClock;
  readonly acks: AckTracker;
  readonly log: KeyLogger;
  readonly wallClock: () => number;
  readonly events: ConnectionEvent[];
  readonly outgoing: Uint8Array[];
  /** message_seq of the next handshake message we send (RFC 9147 §5.2). */
  sendSeq = 0;
  /** The connection's facts: `facts.failure` is set once, by the fatal path. */
  readonly facts: ConnectionFacts;
  /** Connection IDs: the options, what the hellos settled, and how the owner learns of our CIDs. */
  readonly cid: CidContext;
  /** Post-handshake flights waiting for the outstanding one. */
  readonly postHandshake = new PostHandshakeFlights();
  /** What ends a post-handshake flight whose retransmissions ran out. */
  private readonly owner: PostHandshakeOwner;
  private building: OutMessage[] = [];
  /** The reason `DtlsConnection.fail` was given (RoleDriver.fail), for its `fail` event's fatal-alert step. */
  failing: FatalReason | undefined;

  constructor(role: 'client' | 'server', a: ContextInputs) {
    const { config, shared } = a;
    const { clock, outgoing, events } = shared;
    const records = new RecordLayer(recordLayerConfig(config), a.reader);
    this.config = config;
    this.provider = config.provider;
    this.records = records;
    this.outbox = new HandshakeOutbox(records.writer, FLIGHT13, shared.datagramLimit, outgoing, shared.counters);
    this.flight = new FlightController<OutMessage>(a.hooks, clock, config.retransmission, a.options.inspect);
    this.clock = clock;
    this.acks = new AckTracker(config.limits.maxAckRecords);
    this.log = keyLogger(config.keyLog);
    this.wallClock = a.options.wallClock ?? Date.now;
    this.outgoing = outgoing;
    this.cid = new CidContext({
      options: config.connectionIds,
      records,
      taken: a.options.connectionIdTaken,
      provider: config.provider,
      clock,
      events,
      follows: role === 'server',
      outgoing,
    });
    this.owner = a.hooks;
    this.events = events;
    this.facts = shared;
  }

  /** Appends a message to the flight being built, and to `transcript` (TLS framing, RFC 9147 §5.2) when given. */
  queue(epoch: number, msgType: HandshakeTypeName, body: Uint8Array, transcript?: Transcript): void {
    transcript?.addMessage(handshakeTypeToNumber(msgType), body);
    this.building.push({ index: this.building.length, epoch, msgType, messageSeq: this.sendSeq++, body });
  }

  /**
   * Sends the flight built so far. A handshake flight acknowledges the peer's previous one implicitly (RFC 9147 §7.1),
   * so the pending ACK is dropped; a post-handshake flight does not (a KeyUpdate answering one still owes its ACK), and
   * when its retransmissions run out the session times out (unless `onExhausted`). `onAcked`: the whole flight ACKed.
   */
  sendFlight(options: FlightOptions = {}): void {
    const flight = this.building;
    this.building = [];
    const postHandshake = options.acknowledgesPeer === false;
    if (!postHandshake) this.acks.clear();
    this.outbox.newFlight();
    this.flight.send(flight, {
      postHandshake,
      onAcked: options.onAcked,
      onExhausted:
        options.onExhausted ?? (postHandshake ? (messages) => this.owner.postHandshakeExhausted(messages) : undefined),
    });
  }

  /** An ACK (RFC 9147 §7) naming `records`, in our newest write epoch; none before handshake keys exist. */
  sendAck(records: readonly RecordNumber[]): void {
    const epoch = this.records.writer.writeEpoch;
    if (epoch === undefined || epoch < 2) return;
    // As many as the peer's record_size_limit lets one record carry (RFC 8449); an ACK may name a subset (RFC 9147 §7).
    const listed = records.slice(0, ackEntriesWithin(this.records.writer.maxProtectedContent + 1));
    const body = encodeAck({
      recordNumbers: listed.map((r) => ({ epoch: BigInt(r.epoch), sequenceNumber: BigInt(r.sequenceNumber) })),
    });
    const ack = this.records.writer.seal('ack', body).bytes;
    this.outgoing.push(ack);
    // A flight sent in the same turn (a server's NewSessionTicket after the client's Finished) opens its first datagram with it.
    this.outbox.lead = ack;
  }

  /** One alert record in the newest write epoch; alerts are never retransmitted (RFC 9147 §5.10). */
  sendAlert(level: 'warning' | 'fatal', description: AlertDescription): void {
    const body = encodeAlert({ level, description });
    const sealed =
      this.records.writer.writeEpoch === undefined
        ? this.records.writer.sealPlaintext('alert', body)
        : this.records.writer.seal('alert', body);
    this.outgoing.push(sealed.bytes);
  }

  /** Installs `epoch` keys from both traffic secrets: ours to write, the peer's to read (or only one direction). */
  installEpoch(
    epoch: number,
    suite: SupportedCipherSuite,
    schedule: ScheduleContext,
    secrets: { readonly clientSecret: Uint8Array; readonly serverSecret: Uint8Array },
    direction: 'both' | 'read' | 'write' = 'both',
  ): void {
    const mine = this.role === 'client' ? secrets.clientSecret : secrets.serverSecret;
    const theirs = this.role === 'client' ? secrets.serverSecret : secrets.clientSecret;
    if (direction !== 'read') this.records.installWriteKeys(epoch, suite, trafficKeys(schedule, mine, suite));
    if (direction !== 'write')
      this.records.reader.installReadKeys(epoch, suite, trafficKeys(schedule, theirs, suite), this.clock.now);
  }

  /**
   * Runs each time the flight controller comes to rest once connected: the outbox forgets the finished flight, and the
   * early-data and handshake epochs' write keys go (ACKs and post-handshake flights use the newest epoch).
   */
  handshakeFlightsDone(): void {
    this.outbox.settle();
    // Drained queues let go of the storage they grew during the handshake.
    if (this.outgoing.length === 0) this.outgoing.length = 0;
    if (this.events.length === 0) this.events.length = 0;
    const epoch = this.records.writer.writeEpoch;
    if (epoch === undefined || epoch < 3) return;
    this.records.writer.retireWriteEpoch(1);
    this.records.writer.retireWriteEpoch(2);
  }

  /** The connection ended: nothing more goes out on a timer (the flight's retransmissions, a path check's challenges). */
  stopTimers(): void {
    this.flight.stop();
    this.cid.stop();
  }

  /** The fatal path (RFC 8446 §6.2): one alert out, the flight stopped, the connection latched failed. */
  failWith(alert: AlertDescriptionName, message: string, callbackError?: unknown): void {
    const facts = this.facts;
    if (facts.failure) return;
    facts.failure = callbackError === undefined ? { alert, message } : { alert, message, callbackError };
    this.stopTimers();
    this.events.push(
      { type: 'alert', level: 'fatal', description: alert, sent: true },
      { type: 'closed', reason: 'failed' },
    );
    this.sendAlertIfPossible('fatal', alert);
  }

  /** The application closed before the handshake completed: user_canceled then close_notify, warnings (RFC 8446 §6.1). */
  abandon(message: string): void {
    if (this.facts.failure) return;
    this.facts.failure = { alert: 'user_canceled', message };
    this.stopTimers();
    this.events.push({ type: 'closed', reason: 'local' });
    this.sendAlertIfPossible('warning', 'user_canceled');
    this.sendAlertIfPossible('warning', 'close_notify');
  }

  /** The peer sent close_notify before the handshake completed: the handshake ends, closed by the peer. */
  peerClosedEarly(): void {
    if (this.facts.failure) return;
    this.facts.failure = { alert: 'close_notify', message: 'the peer closed before the handshake completed' };
    this.stopTimers();
    this.events.push(
      { type: 'alert', level: 'warning', description: 'close_notify', sent: false },
      { type: 'closed', reason: 'close_notify' },
    );
  }

  /** An alert on the way out of a connection that is ending: a key past its limit must not stop the ending. */
  private sendAlertIfPossible(level: 'warning' | 'fatal', description: AlertDescription): void {
    try {
      this.sendAlert(level, description);
    } catch {
      // the write key is exhausted: the peer learns of the end by its absence
    }
  }

  /** The peer ended the connection with a fatal alert. */
  peerFailed(description: AlertDescription, level: AlertLevel): void {
    if (this.facts.failure) return;
    this.facts.failure = {
      alert: typeof description === 'string' ? description : 'internal_error',
      message: `the peer sent ${String(description)}`,
    };
    this.stopTimers();
    this.events.push({ type: 'alert', level, description, sent: false }, { type: 'closed', reason: 'failed' });
  }
}

/** What a server step gets: the common context, and the 0-RTT admission only a server makes. */
export class ServerContext extends MachineContext {
  readonly role = 'server';
  /** The store that admits a 0-RTT ClientHello once (the configuration's, or this connection's own). */
  readonly antiReplay: SyncAntiReplay;
  /** The client's IP address as the connection was told it. */
  private readonly peerIp: string | undefined;
  /** The 0-RTT bytes still allowed while early data is being taken (epoch 1 readable); undefined otherwise. */
  earlyDataRemaining: number | undefined;
  /** The client's handshake traffic secret, kept while epoch 2's read keys are (a thawed session remakes them). */
  handshakeReadSecret: Uint8Array | undefined;

  constructor(a: ContextInputs) {
    super('server', a);
    this.antiReplay = a.options.antiReplay ?? a.config.antiReplay;
    this.peerIp = a.options.peerAddress;
  }

  /** The client's address as tickets record it (empty: none), worked out when asked. */
  get peerAddress(): TicketAddress {
    return ticketAddressOf(this.peerIp);
  }
}

/** What a client step gets: the common context, its own key, its 0-RTT datagrams and what the server may still refuse. */
export class ClientContext extends MachineContext {
  readonly role = 'client';
  /** The key our CertificateVerify is signed with (the certificate's, or the raw public key's). */
  readonly ownKey: PrivateKeyHandle | undefined;
  /** What the server may still refuse, and the data held until it has said (peer-confirmation.ts). */
  readonly confirmation: PeerConfirmation;
  /**
   * Our 0-RTT datagrams and the message_seq of the ClientHello they follow: resent with it, since a lost first flight
   * most likely lost them too (a server's replay window drops copies). Let go once the server answers.
   */
  earlyDatagrams: { readonly clientHelloSeq: number; readonly datagrams: readonly Uint8Array[] } | undefined;

  constructor(a: ContextInputs, ownKey: PrivateKeyHandle | undefined) {
    super('client', a);
    this.ownKey = ownKey;
    const { records, outgoing, events, facts } = this;
    this.confirmation = new PeerConfirmation({ counts: a.shared.counters, events, facts, records, outgoing });
  }
}

/**
 * The role context a 1.3 connection's steps get, its parts made for a resolved configuration and one connection's
 * options. @throws ConfigError when the certificate's private key does not import.
 */
export function assembleContext(role: 'client' | 'server', a: ContextInputs): ClientContext | ServerContext {
  const ownKey = ownPrivateKey(a.config);
  return role === 'server' ? new ServerContext(a) : new ClientContext(a, ownKey);
}
