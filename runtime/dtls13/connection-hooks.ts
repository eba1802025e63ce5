import type { FlightHooks } from '../handshake/flight.js';
import type { FatalReason } from '../shared/alert-mapping.js';
import type { Delivery } from '../shared/delivery.js';
import { fatalReasonOf } from '../shared/version-state-base.js';
import { issueConnectionIds } from './cid-actions.js';
import type { AckScheduler, AckSchedulerHooks } from './ack-scheduler.js';
import type { HeldRecords } from './held-records.js';
import type { InboundContext, InboundCounts } from './inbound-context.js';
import type { ClientContext, PostHandshakeOwner, ServerContext } from './machine-context.js';
import type { PeerConfirmation } from './peer-confirmation.js';
import type { OutMessage } from '../shared/handshake-outbox.js';
import type { IgnoreReason } from '../shared/record-rules.js';
import type { RoleDriver } from './role-driver.js';
import type { CalledConnection } from './session-calls.js';

/**
 * What the connection's parts call back (flight controller, ACK scheduler, record handlers, post-handshake flights,
 * application calls): one object of methods per connection rather than a closure per callback. It owns what those
 * callbacks do to the connection as a whole: the fatal path (`fail`, `guard`), a handshake or post-handshake flight
 * timed out, and the handshake's completion; what is handed up goes through the connection's `Delivery`.
 */
export class ConnectionHooks
  implements FlightHooks<OutMessage>, AckSchedulerHooks, InboundContext, PostHandshakeOwner, CalledConnection
{
  readonly role: 'client' | 'server';
  readonly counts: InboundCounts;
  readonly heldData: HeldRecords;
  /** Bound by the connection as each is made (each is made with these hooks). */
  context!: ClientContext | ServerContext;
  acks!: AckScheduler;
  driver!: RoleDriver;
  /** When the handshake completed (the clock's time), once it has. */
  private completed: number | undefined;
  private readonly delivery: Delivery;

  constructor(role: 'client' | 'server', counts: InboundCounts, heldData: HeldRecords, delivery: Delivery) {
    this.role = role;
    this.counts = counts;
    this.heldData = heldData;
    this.delivery = delivery;
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

  ended(): boolean {
    return this.context.facts.failure !== undefined || this.driver.kind === 'closed';
  }

  /** When the handshake completed (the clock's time), once it has; a thawed session's from its hibernation. */
  get completedAt(): number | undefined {
    return this.completed;
  }

  /** A hibernated session thawed: its handshake completed at `completedAt` (its frozen form's). */
  thawed(completedAt: number): void {
    this.completed = completedAt;
  }

  ignore(reason: IgnoreReason): void {
    this.delivery.ignore(reason);
  }

  deliver(data: Uint8Array, early?: true): void {
    this.delivery.deliver(data, early);
  }

  /** Fails the connection with one fatal alert (the chart's fatal-alert step sends it, session-actions.ts); once only. */
  fail(reason: FatalReason): void {
    if (this.context.facts.failure) return;
    this.driver.fail(reason);
  }

  /** Runs `fn`; anything it throws takes the fatal path (a `ConnectionStateError` is the caller's, thrown on). */
  guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.fail(fatalReasonOf(error));
    }
  }

  /** The handshake completed: spare CIDs out, plaintext off, held application data delivered. */
  handshakeCompleted(): void {
    if (this.completed !== undefined) return;
    const context = this.context;
    const at = (this.completed = context.clock.now);
    const confirmation = this.confirmation;
    // As the deadlines count it: a client's lasts until the server has confirmed it (peer-confirmation.ts).
    if (confirmation?.waiting !== 'handshake') context.facts.handshakeDoneAt = at;
    const cid = context.cid;
    const session = cid.session;
    if (session !== undefined && session.receivesCid && session.options.spares > 0) {
      // Spares for the peer to move to on a new path (RFC 9147 §9, RFC 9146 §8), sent once its final flight allows.
      const spares = issueConnectionIds(cid, session, session.options.spares);
      this.driver.control({
        type: 'issueConnectionIds',
        payload: { cids: spares.map((c) => ({ cid: c })), usage: 'cid_spare' },
      });
    }
    confirmation?.connected(at);
    context.records.reader.setAcceptPlaintext(false);
    for (const d of this.heldData.take()) this.delivery.deliver(d);
  }

  /** A flight's retransmissions ran out without `what` acknowledged: the connection fails, reported closed as `timeout`. */
  private timeOut(what: string): void {
    if (this.context.facts.failure) return;
    this.fail({
      alert: 'handshake_failure',
      message: `timeout: the peer did not acknowledge ${what} before the retransmission limit`,
    });
    this.delivery.closedAs('timeout');
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
    this.timeOut(finalFlight ? 'our final flight (the server never confirmed the handshake)' : 'the handshake');
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
    this.timeOut(`our ${flight.map((m) => m.msgType).join(', ')}`);
  }
}
