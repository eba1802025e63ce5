import { handshakeTypeFromNumber, handshakeTypeToNumber, type HandshakeTypeName } from '../../generated/wire/enums.js';
import { readDtlsHandshake, type DtlsHandshake } from '../../generated/wire/index.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { HandshakeReassembler } from '../handshake/reassembler.js';
import type { ReceivedRecord } from '../record/record-reader.js';
import { DecodeError, Reader } from '../wire/index.js';
import { epochAllows, handlerFor, type HandshakeHandler } from './handler-table.js';
import type { InboundContext } from './inbound-context.js';

type InboundRecord = Extract<ReceivedRecord, { kind: 'record' }>;

/**
 * Handshake records in: each fragment admitted by HANDSHAKE_HANDLERS for its epoch, reassembled, acknowledged, and each
 * whole message handed to the role's chart. A type not allowed in its epoch is set aside in plaintext, fatal under keys.
 */
export class HandshakeInbound {
  private readonly c: InboundContext;
  private readonly inbox: HandshakeReassembler;
  private readonly driver: InboundContext['driver'];

  constructor(context: InboundContext, inbox: HandshakeReassembler) {
    this.c = context;
    this.inbox = inbox;
    this.driver = context.driver;
  }

  record(r: InboundRecord): void {
    const c = this.c;
    const fragments: DtlsHandshake[] = [];
    try {
      const reader = new Reader(r.content, 'HandshakeRecord');
      while (reader.pos < reader.end) fragments.push(readDtlsHandshake(reader));
    } catch (e) {
      if (e instanceof DecodeError && !r.protected) return c.ignore('unauthenticated-violation');
      throw e;
    }
    let accepted = false;
    let duplicate = false;
    for (const f of fragments) {
      const handler = this.admit(f.msgType, r.epoch, r.protected);
      if (!handler) return;
      // Plaintext carries only the hellos: nothing ahead of the next expected message is kept for an unauthenticated sender.
      if (!r.protected && f.messageSeq > this.inbox.nextReceiveSeq) return c.ignore('unauthenticated-violation');
      // A post-handshake message before our handshake has ended (a KeyUpdate overtaking the client's Finished) is not
      // buffered: released later by a handshake record, it would be judged by that record's epoch. Unacknowledged, it
      // is resent.
      if (handler.epochs === 'application' && !this.driver.session) {
        c.ignore('reassembly-refused');
        continue;
      }
      const res = this.inbox.receive(f);
      switch (res.kind) {
        case 'old':
          duplicate = true;
          break;
        case 'progress':
          if (res.newBytes > 0 || f.length === 0) {
            accepted = true;
            c.context.acks.add(r.epoch, r.sequenceNumber);
          }
          if (res.outOfOrder) c.acks.ackSoon();
          break;
        case 'complete':
          accepted = true;
          c.context.acks.add(r.epoch, r.sequenceNumber);
          for (const m of res.messages) {
            this.message(handshakeTypeToNumber(m.msgType), m.body, r.epoch, r.protected);
            if (c.ended()) return;
          }
          break;
        case 'inconsistent':
          if (!r.protected) return c.ignore('unauthenticated-violation');
          throw new ProtocolError('illegal_parameter', `handshake fragments disagree: ${res.reason}`);
        default:
          c.ignore('reassembly-refused');
      }
    }
    if (duplicate && !accepted) this.peerRetransmitted(r);
  }

  /** The handler of `type` in `epoch`; undefined when set aside (plaintext); unexpected_message when authenticated. */
  admit(type: HandshakeTypeName | number, epoch: number, authenticated: boolean): HandshakeHandler | undefined {
    const c = this.c;
    const handler = handlerFor(c.role, type);
    if (handler && epochAllows(handler, epoch, this.driver.session !== undefined)) return handler;
    if (!authenticated) {
      c.ignore('unauthenticated-violation');
      return undefined;
    }
    throw new ProtocolError(
      'unexpected_message',
      `${String(type)} is not allowed in epoch ${epoch} for a ${c.role === 'client' ? 'server' : 'client'}`,
    );
  }

  /** A whole handshake message to its chart event; then ACKs for post-handshake messages. */
  message(msgType: number, body: Uint8Array, epoch: number, authenticated: boolean): void {
    const c = this.c;
    c.counts.handshakeMessagesReceived++;
    const handler = handlerFor(c.role, handshakeTypeFromNumber(msgType));
    if (!handler)
      throw new ProtocolError(
        'unexpected_message',
        `${String(handshakeTypeFromNumber(msgType))} is not a message a ${c.role} receives`,
      );
    const postHandshake = this.driver.session !== undefined;
    // Once connected, handshake messages come only under application keys: one released from reassembly is judged now.
    if (postHandshake && epoch < 3) {
      throw new ProtocolError(
        'unexpected_message',
        `${String(handshakeTypeFromNumber(msgType))} under epoch ${epoch} keys after the handshake`,
      );
    }
    this.driver.deliver(handler, msgType, body);
    if (!postHandshake && this.driver.session) c.handshakeCompleted();
    if (postHandshake && authenticated && epoch >= 3 && !c.ended()) {
      // NewSessionTicket and KeyUpdate are acknowledged explicitly (RFC 9147 §7, §8).
      c.context.sendAck(c.context.acks.list());
      c.context.acks.clear();
    }
  }

  /**
   * A record repeating messages already processed. After the handshake it is ACKed at once (RFC 9147 §7: a lost ACK is
   * repaired by ACKing the retransmission, e.g. a KeyUpdate or the client's Finished); during the handshake it means
   * our last flight was lost, and the flight is resent once per burst.
   */
  private peerRetransmitted(r: InboundRecord): void {
    const c = this.c;
    if (this.driver.session) {
      // One ACK for the burst (§7.1), not one per record: each ACK would make the peer resend what it does not cover.
      if (r.protected) {
        c.context.acks.add(r.epoch, r.sequenceNumber);
        c.acks.ackSoon();
      }
    } else {
      c.acks.retransmitSoon();
    }
  }
}
