import type { FlightHooks } from '../handshake/flight.js';
import type { AckScheduler, AckSchedulerHooks } from './ack-scheduler.js';
import type { HeldRecords } from './held-records.js';
import type { InboundContext, InboundCounts } from './inbound-context.js';
import type { ClientContext, PostHandshakeOwner, ServerContext } from './machine-context.js';
import type { PeerConfirmation } from './peer-confirmation.js';
import type { OutMessage } from './outbox.js';
import type { IgnoreReason } from '../shared/record-rules.js';
import type { RoleDriver } from './role-driver.js';
import type { CalledConnection } from './session-calls.js';

/** What the hooks call back on their connection: one static table, so members stay private and no closures are held. */
export interface ConnectionCalls<C> {
  /** Counts an accepted record's content set aside. */
  ignore(c: C, reason: IgnoreReason): void;
  /** Application data to the application. */
  deliver(c: C, data: Uint8Array, early?: true): void;
  /** The handshake completed. */
  connected(c: C): void;
  /** A flight's retransmissions ran out without `what` acknowledged. */
  timedOut(c: C, what: string): void;
  /** Runs `fn`; anything it throws takes the fatal path. */
  guard(c: C, fn: () => void): void;
}

/**
 * What the connection's parts call back (flight controller, ACK scheduler, record handlers, post-handshake flights,
 * application calls): one object of methods per connection rather than a closure per callback.
 */
export class ConnectionHooks<C>
  implements FlightHooks<OutMessage>, AckSchedulerHooks, InboundContext, PostHandshakeOwner, CalledConnection
{
  readonly role: 'client' | 'server';
  readonly counts: InboundCounts;
  readonly heldData: HeldRecords;
  /** Bound by the connection as each is made (each is made with these hooks). */
  context!: ClientContext | ServerContext;
  acks!: AckScheduler;
  driver!: RoleDriver;
  private readonly owner: C;
  private readonly calls: ConnectionCalls<C>;

  constructor(
    owner: C,
    calls: ConnectionCalls<C>,
    role: 'client' | 'server',
    counts: InboundCounts,
    heldData: HeldRecords,
  ) {
    this.owner = owner;
    this.calls = calls;
    this.role = role;
    this.counts = counts;
    this.heldData = heldData;
  }

  get earlyDataRemaining(): number | undefined {
    const context = this.context;
    return context.role === 'server' ? context.earlyDataRemaining : undefined;
  }

  set earlyDataRemaining(bytes: number | undefined) {
    const context = this.context;
    if (context.role === 'server') context.earlyDataRemaining = bytes;
  }

  get confirmation(): PeerConfirmation | undefined {
    const context = this.context;
    return context.role === 'client' ? context.confirmation : undefined;
  }

  /** Whether the connection has failed or closed. */
  ended(): boolean {
    return this.context.facts.failure !== undefined || this.driver.kind === 'closed';
  }

  ignore(reason: IgnoreReason): void {
    this.calls.ignore(this.owner, reason);
  }

  deliver(data: Uint8Array, early?: true): void {
    this.calls.deliver(this.owner, data, early);
  }

  handshakeCompleted(): void {
    this.calls.connected(this.owner);
  }

  guard(fn: () => void): void {
    this.calls.guard(this.owner, fn);
  }

  transmit(messages: readonly OutMessage[]): void {
    const context = this.context;
    context.outbox.transmit(messages);
    // A retransmitted ClientHello takes its 0-RTT datagrams along (ClientContext.earlyDatagrams).
    const early = context.role === 'client' ? context.earlyDatagrams : undefined;
    if (
      early !== undefined &&
      messages.some((m) => m.msgType === 'client_hello' && m.messageSeq === early.clientHelloSeq)
    )
      context.outgoing.push(...early.datagrams);
  }

  held(): boolean {
    const context = this.context;
    return context.facts.amplification.holds(context.outgoing);
  }

  retransmitAck(): void {
    const context = this.context;
    context.sendAck(context.acks.list());
  }

  /**
   * The flight controller gave up on a handshake flight: the handshake times out. The client's final flight (epoch 2)
   * once it is connected: nothing (the server's epoch-3 records were its acknowledgement).
   */
  timedOut(messages: readonly OutMessage[]): void {
    const finalFlight =
      this.driver.session !== undefined && this.role === 'client' && messages.every((m) => m.epoch === 2);
    if (finalFlight && this.confirmation?.finalFlightExhausted() !== false) return;
    this.calls.timedOut(
      this.owner,
      finalFlight ? 'our final flight (the server never confirmed the handshake)' : 'the handshake',
    );
  }

  optional(messages: readonly OutMessage[]): boolean {
    return messages.length > 0 && messages.every((x) => x.msgType === 'new_session_ticket');
  }

  active(): boolean {
    return !this.ended();
  }

  sendAck(): void {
    const context = this.context;
    context.sendAck(context.acks.list());
    if (this.driver.session) context.acks.clear(); // after the handshake each ACK covers what came since the last
  }

  retransmit(): void {
    this.context.flight.peerRetransmitted();
  }

  retransmitInterval(): number {
    return this.context.flight.timeout;
  }

  /**
   * A post-handshake flight went unacknowledged through every retransmission: the session times out rather than stay
   * open with a controller that takes no more flights (a later KeyUpdate would never go out).
   */
  postHandshakeExhausted(flight: readonly OutMessage[]): void {
    this.calls.timedOut(this.owner, `our ${flight.map((m) => m.msgType).join(', ')}`);
  }
}
