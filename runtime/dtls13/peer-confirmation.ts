import type { EpochCipher } from '../record/epoch-cipher.js';
import { ContentType } from '../../generated/wire/enums.js';
import type { FlightController } from '../handshake/flight.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { ReceivedRecord } from '../record/record-reader.js';
import type { ConnectionFacts } from '../shared/connection-facts.js';
import type { ConnectionEvent } from '../shared/events.js';
import type { Session } from '../shared/key-material.js';
import type { HandshakeOutbox, OutMessage } from '../shared/handshake-outbox.js';
import { sendPendingFlights, type KeyUpdateSender } from './post-handshake-flights.js';

type InboundRecord = Extract<ReceivedRecord, { kind: 'record' }>;

/** The most application data a client holds while it waits for the server's confirmation; a send past it is refused. */
export const MAX_HELD_SEND_BYTES = 65_536;
/** The most messages a client holds meanwhile (each goes out as a datagram of its own): empty sends are messages too. */
export const MAX_HELD_MESSAGES = 1_024;

/** What a client waits for the server to acknowledge: its final flight after a CertificateRequest, or its post-handshake certificate. */
export type ConfirmationWait = 'handshake' | 'certificate';

/**
 * Client: what the server may still refuse after we sent it, and the application data held until it has said.
 *
 * A server that sent a CertificateRequest checks our flight after our side is done and may refuse it under its
 * application keys. So only its ACK of our whole final flight (RFC 9147 §7) or a post-handshake message (a
 * NewSessionTicket needs our Finished, RFC 8446 §4.6.1) confirms; its application data may be 0.5-RTT data sent before
 * it read our flight (RFC 8446 §2), taken as confirmation only once our retransmissions run out. The same holds for our
 * answer to a post-handshake CertificateRequest (RFC 8446 §4.6.2).
 *
 * Meanwhile {@link hold} keeps what the application sends, within {@link MAX_HELD_SEND_BYTES} and
 * {@link MAX_HELD_MESSAGES}: sealed when the confirmation comes, dropped unsent if the connection ends first.
 */
export class PeerConfirmation {
  /** Connected, and no record of the server's has yet answered our final flight (RFC 9147 §7.2). */
  private finalFlightOpen = false;
  /** What the server has yet to acknowledge, if anything; only {@link begin} and {@link confirm} move it. */
  waiting: ConfirmationWait | undefined;
  /** Whether an authenticated record may still answer our final flight ({@link recordAuthenticated} has work). */
  get answering(): boolean {
    return this.finalFlightOpen;
  }
  /** Datagrams received when the handshake completed: a record of that datagram (or one held from before) answers nothing. */
  private since = 0;
  /** Application data under epoch 3 came in a later datagram while the handshake's confirmation was due. */
  private heardData = false;
  private held: Uint8Array[] | undefined;
  private heldBytes = 0;
  /** When our side of the handshake completed ({@link connected}). */
  private completedAt: number | undefined;
  private readonly counts: { applicationBytesSent: number; readonly datagramsReceived: number };
  /** Where the confirmation goes: the event queue, the facts, and the queues the held data is sealed into. */
  private readonly events: ConnectionEvent[];
  private readonly facts: ConnectionFacts;
  private readonly records: RecordLayer;
  private readonly outgoing: Uint8Array[];

  constructor(p: {
    readonly counts: { applicationBytesSent: number; readonly datagramsReceived: number };
    readonly events: ConnectionEvent[];
    readonly facts: ConnectionFacts;
    readonly records: RecordLayer;
    readonly outgoing: Uint8Array[];
  }) {
    this.counts = p.counts;
    this.events = p.events;
    this.facts = p.facts;
    this.records = p.records;
    this.outgoing = p.outgoing;
  }

  /** Our side of the handshake is done at `at` (our final flight is out): records from later datagrams may answer it. */
  connected(at: number): void {
    this.completedAt = at;
    this.finalFlightOpen = true;
    this.since = this.counts.datagramsReceived;
  }

  /** A confirmation is due from now (the handshake's: at reportConnected; a certificate's: at our answer). */
  begin(wait: ConfirmationWait): void {
    this.waiting = wait;
    if (wait === 'certificate') this.events.push(CERTIFICATE_REQUESTED);
  }

  /**
   * An authenticated record of epoch 3+ while our final flight is open: without a confirmation due any such record
   * answers the flight; with one, only a post-handshake message from a later datagram does (and confirms).
   */
  recordAuthenticated(
    c: KeyUpdateSender & { readonly outbox: HandshakeOutbox<EpochCipher> },
    session: Session | undefined,
    r: InboundRecord,
  ): void {
    if (!this.finalFlightOpen || r.epoch < 3) return;
    if (this.waiting === 'handshake') {
      const later = this.counts.datagramsReceived > this.since;
      if (r.contentType === 'application_data' && later) this.heardData = true;
      if (r.contentType !== 'handshake' || !later) return;
    }
    this.finalFlightOpen = false;
    if (session && c.flight.state === 'waiting') {
      c.flight.acknowledge(c.outbox.allIndexes(), true);
      sendPendingFlights(c, session);
    }
    if (this.waiting === 'handshake') this.confirm();
  }

  /** An ACK was taken: one that leaves none of our final flight outstanding (in `c.flight`) confirms the handshake. */
  acknowledged(c: { readonly flight: FlightController<OutMessage> }): void {
    if (this.waiting === 'handshake' && c.flight.outstanding.length === 0) this.confirm();
  }

  /**
   * Our final flight's retransmissions ran out while the handshake's confirmation was due: true when data heard
   * meanwhile confirms it (the server went on with us), false when the handshake has timed out.
   */
  finalFlightExhausted(): boolean {
    if (this.waiting !== 'handshake') return true;
    if (!this.heardData) return false;
    this.confirm();
    return true;
  }

  /** The server took what we waited on: the event, then what the application sent meanwhile, sealed in order. */
  confirm(wait: ConfirmationWait = 'handshake'): void {
    if (this.waiting !== wait) return;
    this.waiting = undefined;
    if (wait === 'handshake') this.facts.handshakeDoneAt = this.completedAt; // when it completed, now confirmed
    this.heardData = false;
    this.events.push(wait === 'handshake' ? HANDSHAKE_CONFIRMED : CERTIFICATE_ACCEPTED);
    const held = this.held;
    this.held = undefined;
    this.heldBytes = 0;
    if (held === undefined) return;
    for (const data of held) {
      this.records.writer.stage(ContentType.application_data, data, this.outgoing); // one burst, sealed together at pollTransmit
      this.counts.applicationBytesSent += data.length;
    }
  }

  /** Application data while a confirmation is due: kept (true); none due: false; past the caps: why it is refused. */
  hold(data: Uint8Array): boolean | string {
    if (this.waiting === undefined) return false;
    const what = this.waiting === 'handshake' ? 'the handshake' : 'our certificate';
    if (this.heldMessages >= MAX_HELD_MESSAGES)
      return `${this.heldMessages} messages are held until the server confirms ${what}, and at most ${MAX_HELD_MESSAGES} may be`;
    if (this.heldBytes + data.length > MAX_HELD_SEND_BYTES)
      return `${this.heldBytes} bytes are held until the server confirms ${what}, and at most ${MAX_HELD_SEND_BYTES} may be`;
    (this.held ??= []).push(data.slice());
    this.heldBytes += data.length;
    return true;
  }

  get heldMessages(): number {
    return this.held?.length ?? 0;
  }
}

const HANDSHAKE_CONFIRMED = Object.freeze({ type: 'handshakeConfirmed' } as const);
const CERTIFICATE_REQUESTED = Object.freeze({ type: 'certificateRequested' } as const);
const CERTIFICATE_ACCEPTED = Object.freeze({ type: 'certificateAccepted' } as const);

/** The event of a client whose handshake the server cannot refuse any more (it asked for no certificate). */
export function handshakeConfirmedAtOnce(events: ConnectionEvent[]): void {
  events.push(HANDSHAKE_CONFIRMED);
}
