import type { FlightHooks } from '../handshake/flight.js';
import type { AckScheduler, AckSchedulerHooks } from './ack-scheduler.js';
import type { ConnectionParts, PostHandshakeOwner } from './connection-parts.js';
import type { HeldRecords } from './held-records.js';
import type { InboundContext, InboundCounts } from './inbound-context.js';
import type { ClientContext, ServerContext } from './machine-context.js';
import type { PeerConfirmation } from './peer-confirmation.js';
import type { OutMessage } from './outbox.js';
import type { IgnoreReason } from './record-rules.js';
import type { RoleDriver } from './role-driver.js';

/** What of the 1.3 connection (connection.ts) its hooks reach: its parts, and the steps it takes when they call. */
export interface HookedConnection {
  readonly role: 'client' | 'server';
  readonly parts: ConnectionParts;
  /** The parts in the role's context (a client's 0-RTT datagrams and confirmation, a server's 0-RTT budget). */
  readonly context: ClientContext | ServerContext;
  readonly driver: RoleDriver;
  readonly ackScheduler: AckScheduler;
  readonly heldData: HeldRecords;
  readonly counts: InboundCounts;
  readonly ended: boolean;
  ignore(reason: IgnoreReason): void;
  /** The handshake completed. */
  connected(): void;
  /** A flight's retransmissions ran out without `what` acknowledged: the connection fails as `timeout`. */
  timedOut(what: string): void;
}

/**
 * What the connection's parts call back: the flight controller (FlightHooks), the ACK scheduler (AckSchedulerHooks),
 * the record handlers (InboundContext) and post-handshake flights (PostHandshakeOwner). One object of methods per
 * connection rather than a closure per callback (an idle session keeps them all).
 */
export class ConnectionHooks implements FlightHooks<OutMessage>, AckSchedulerHooks, InboundContext, PostHandshakeOwner {
  private readonly c: HookedConnection;

  constructor(c: HookedConnection) {
    this.c = c;
  }

  get role(): 'client' | 'server' {
    return this.c.role;
  }

  get parts(): ConnectionParts {
    return this.c.parts;
  }

  get driver(): RoleDriver {
    return this.c.driver;
  }

  get acks(): AckScheduler {
    return this.c.ackScheduler;
  }

  get heldData(): HeldRecords {
    return this.c.heldData;
  }

  get counts(): InboundCounts {
    return this.c.counts;
  }

  get earlyDataRemaining(): number | undefined {
    const context = this.c.context;
    return context.role === 'server' ? context.earlyDataRemaining : undefined;
  }

  set earlyDataRemaining(bytes: number | undefined) {
    const context = this.c.context;
    if (context.role === 'server') context.earlyDataRemaining = bytes;
  }

  get confirmation(): PeerConfirmation | undefined {
    const context = this.c.context;
    return context.role === 'client' ? context.confirmation : undefined;
  }

  ended(): boolean {
    return this.c.ended;
  }

  ignore(reason: IgnoreReason): void {
    this.c.ignore(reason);
  }

  handshakeCompleted(): void {
    this.c.connected();
  }

  transmit(messages: readonly OutMessage[]): void {
    const parts = this.c.parts;
    parts.outbox.transmit(messages);
    // A retransmitted ClientHello takes its 0-RTT datagrams along (ClientContext.earlyDatagrams).
    const context = this.c.context;
    const early = context.role === 'client' ? context.earlyDatagrams : undefined;
    if (
      early !== undefined &&
      messages.some((m) => m.msgType === 'client_hello' && m.messageSeq === early.clientHelloSeq)
    )
      parts.outgoing.push(...early.datagrams);
  }

  retransmitAck(): void {
    this.c.parts.sendAck(this.c.parts.acks.list());
  }

  /**
   * The flight controller gave up on a handshake flight: the handshake times out. The client's final flight (epoch 2)
   * once it is connected: nothing (the server's epoch-3 records were its acknowledgement).
   */
  timedOut(messages: readonly OutMessage[]): void {
    const c = this.c;
    const finalFlight = c.driver.session !== undefined && c.role === 'client' && messages.every((m) => m.epoch === 2);
    if (finalFlight && this.confirmation?.finalFlightExhausted() !== false) return;
    c.timedOut(finalFlight ? 'our final flight (the server never confirmed the handshake)' : 'the handshake');
  }

  optional(messages: readonly OutMessage[]): boolean {
    return messages.length > 0 && messages.every((x) => x.msgType === 'new_session_ticket');
  }

  active(): boolean {
    return !this.c.ended;
  }

  sendAck(): void {
    const parts = this.c.parts;
    parts.sendAck(parts.acks.list());
    if (this.c.driver.session) parts.acks.clear(); // after the handshake each ACK covers what came since the last
  }

  retransmit(): void {
    this.c.parts.flight.peerRetransmitted();
  }

  retransmitInterval(): number {
    return this.c.parts.flight.timeout;
  }

  /**
   * A post-handshake flight's `onExhausted` (KeyUpdate, NewConnectionId, RequestConnectionId, a post-handshake
   * authentication's messages): the peer has not acknowledged it through every retransmission, and the session ends as
   * timed out; it must not stay open with a controller that takes no more flights (a later KeyUpdate would never go
   * out).
   */
  postHandshakeExhausted(flight: readonly OutMessage[]): void {
    this.c.timedOut(`our ${flight.map((m) => m.msgType).join(', ')}`);
  }
}
