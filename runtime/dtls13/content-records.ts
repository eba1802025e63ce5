import { decodeAck, decodeAlert, decodeReturnRoutabilityCheck, type Alert } from '../../generated/wire/index.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ReceivedRecord } from '../record/record-reader.js';
import { DecodeError } from '../wire/index.js';
import type { HandshakeInbound } from './handshake-inbound.js';
import type { InboundContext } from './inbound-context.js';
import { sendPendingFlights } from './post-handshake-flights.js';
import type { RecordHandlers } from '../shared/record-rules.js';

type InboundRecord = Extract<ReceivedRecord, { kind: 'record' }>;

/**
 * The handlers of RECORD_RULES' rows, one method each (one object per connection, no closure per row): each runs on a
 * record its row admitted and throws what is wrong inside it to the connection's one catch.
 */
export class ContentRecords implements RecordHandlers<InboundRecord> {
  private readonly c: InboundContext;
  private readonly inbound: HandshakeInbound;

  constructor(c: InboundContext, inbound: HandshakeInbound) {
    this.c = c;
    this.inbound = inbound;
  }

  handshake(r: InboundRecord): void {
    this.inbound.record(r);
  }

  /** An ACK. A flight it completes runs its own `onAcked` (a KeyUpdate's key switch). */
  ack(r: InboundRecord): void {
    const c = this.c;
    const ack = decodeAck(r.content);
    const session = c.driver.session;
    // RFC 9147 §7: during the handshake an ACK's epoch is at least that of every record it names. After it, the two
    // directions' epochs move independently (KeyUpdate), so only the protection of the ACK counts.
    const named = session ? ack.recordNumbers : ack.recordNumbers.filter((n) => n.epoch <= BigInt(r.epoch));
    if (named.length !== ack.recordNumbers.length) c.ignore('ack-epoch');
    const acked = c.context.outbox.acknowledge(named);
    if (acked.length === 0 && ack.recordNumbers.length > 0) return;
    // The client's flights once connected end the flight chart in `finished` (it answers the server's retransmissions
    // with ACKs), except one with its own completion (a KeyUpdate), which ends in `acknowledged`.
    c.context.flight.acknowledge(
      acked,
      c.role === 'client' && session !== undefined && !c.context.flight.ownsCompletion,
    );
    c.confirmation?.acknowledged(c.context); // all of a client's final flight: the handshake is confirmed (peer-confirmation.ts)
    if (session) sendPendingFlights(c.context, session);
  }

  alert(r: InboundRecord): void {
    const c = this.c;
    let alert: Alert;
    try {
      alert = decodeAlert(r.content);
    } catch (e) {
      if (e instanceof DecodeError && !r.protected) return c.ignore('unauthenticated-violation');
      throw e;
    }
    if (alert.description === 'user_canceled') {
      c.context.events.push({ type: 'alert', level: alert.level, description: alert.description, sent: false });
      return;
    }
    if (alert.description === 'close_notify') {
      if (c.driver.handles('closeNotify')) c.driver.control({ type: 'closeNotify' });
      else c.context.peerClosedEarly();
      return;
    }
    // RFC 8446 §6: every other alert ends the connection, whatever its level.
    c.driver.control({ type: 'alertReceived', payload: alert });
  }

  /** 0-RTT data the server took, within max_early_data_size (RFC 8446 §4.2.10: more is unexpected_message). */
  earlyData(r: InboundRecord): void {
    const c = this.c;
    const data = r.content;
    const remaining = c.earlyDataRemaining ?? 0;
    if (data.length > remaining) {
      throw new ProtocolError(
        'unexpected_message',
        `more 0-RTT data than max_early_data_size (${remaining} bytes were left, ${data.length} came)`,
      );
    }
    c.earlyDataRemaining = remaining - data.length;
    c.deliver(data, true);
  }

  heldApplicationData(r: InboundRecord): void {
    const c = this.c;
    // In 'batch' mode a copy: held past this batch, it must not keep the arena's ArrayBuffer, nor go with its transfer.
    if (!c.heldData.push(c.context.config.messageBuffers === 'batch' ? r.content.slice() : r.content))
      c.ignore('early-data-cap');
  }

  /** RFC 9853 §4: only when rrc was negotiated; an unknown msg_type is ignored. */
  returnRoutabilityCheck(r: InboundRecord): void {
    const c = this.c;
    if (c.context.cid.session?.rrcNegotiated !== true) {
      throw new ProtocolError(
        'unexpected_message',
        'a return_routability_check record without the rrc extension negotiated (RFC 9853 §3)',
      );
    }
    const type = r.content[0];
    if (type === undefined || type > 2) return; // an RRC message type this implementation does not know
    const m = decodeReturnRoutabilityCheck(r.content);
    const event =
      m.msgType === 'path_challenge' ? 'PathChallenge' : m.msgType === 'path_response' ? 'PathResponse' : 'PathDrop';
    c.driver.control({ type: event, payload: m });
  }
}
