import type { FlightHooks } from '../handshake/flight.js';
import type { AckScheduler, AckSchedulerHooks } from './ack-scheduler.js';
import type { ConnectionParts, PostHandshakeOwner } from './connection-parts.js';
import type { HeldRecords } from './held-records.js';
import type { InboundContext, InboundCounts } from './inbound-context.js';
import type { OutMessage } from './outbox.js';
import type { IgnoreReason } from './record-rules.js';
import type { RoleDriver } from './role-driver.js';

/** What of the 1.3 connection (connection.ts) its hooks reach: its parts, and the steps it takes when they call. */
export interface HookedConnection {
  readonly role: 'client' | 'server';
  readonly parts: ConnectionParts;
  readonly driver: RoleDriver;
  readonly ackScheduler: AckScheduler;
  readonly heldData: HeldRecords;
  readonly counts: InboundCounts;
  readonly ended: boolean;
  ignore(reason: IgnoreReason): void;
  /** The handshake completed. */
  connected(): void;
  /** The flight controller gave up on a handshake flight. */
  flightTimedOut(flight: readonly OutMessage[]): void;
  /** A post-handshake flight's retransmissions ran out. */
  postHandshakeFlightExhausted(flight: readonly OutMessage[]): void;
}

/**
 * What the connection's parts call back: the flight controller
 * (FlightHooks), the ACK scheduler (AckSchedulerHooks), the record handlers
 * (InboundContext) and post-handshake flights (PostHandshakeOwner). One
 * object of methods per connection rather than a closure per callback (an
 * idle session keeps them all).
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
    this.c.parts.outbox.transmit(messages);
  }

  retransmitAck(): void {
    this.c.parts.sendAck(this.c.parts.acks.list());
  }

  timedOut(messages: readonly OutMessage[]): void {
    this.c.flightTimedOut(messages);
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
    if (this.c.driver.session()) parts.acks.clear(); // after the handshake each ACK covers what came since the last
  }

  retransmit(): void {
    this.c.parts.flight.peerRetransmitted();
  }

  retransmitInterval(): number {
    return this.c.parts.flight.timeout;
  }

  postHandshakeExhausted(flight: readonly OutMessage[]): void {
    this.c.postHandshakeFlightExhausted(flight);
  }
}
