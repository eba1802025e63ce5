import { decodeAck, decodeAlert, decodeReturnRoutabilityCheck, type Alert } from '../../generated/wire/index.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ReceivedRecord } from '../record/record-layer.js';
import { DecodeError } from '../wire/index.js';
import type { InboundContext } from './inbound-context.js';
import { sendPendingFlights } from './post-handshake-flights.js';
import type { RecordHandlers } from './record-rules.js';

type InboundRecord = Extract<ReceivedRecord, { kind: 'record' }>;

/**
 * The rows of RECORD_RULES other than handshake: ACKs, alerts, application
 * data (0-RTT, held until connected, delivered) and return routability.
 * Each runs only on a record its row admitted (epoch, protection, phase
 * checked there) and throws what is wrong inside it to the connection's
 * one catch.
 */
export function contentRecordHandlers(c: InboundContext): Omit<RecordHandlers<InboundRecord>, 'handshake'> {
  const driver = c.driver;
  return {
    /** An ACK. A flight it completes runs its own `onAcked` (a KeyUpdate's key switch). */
    ack: (r) => {
      const ack = decodeAck(r.content);
      const session = driver.session();
      // RFC 9147 §7: during the handshake an ACK's epoch is at least that of every record it names. After it, the two
      // directions' epochs move independently (KeyUpdate), so only the protection of the ACK counts.
      const named = session ? ack.recordNumbers : ack.recordNumbers.filter((n) => n.epoch <= BigInt(r.epoch));
      if (named.length !== ack.recordNumbers.length) c.ignore('ack-epoch');
      const acked = c.parts.outbox.acknowledge(named);
      if (acked.length === 0 && ack.recordNumbers.length > 0) return;
      // The client's flights once connected end the flight chart in `finished` (it answers the server's retransmissions
      // with ACKs), except one with its own completion (a KeyUpdate), which ends in `acknowledged`.
      c.parts.flight.acknowledge(acked, c.role === 'client' && session !== undefined && !c.parts.flight.ownsCompletion);
      if (session) sendPendingFlights(c.parts, session);
    },

    alert: (r) => {
      let alert: Alert;
      try {
        alert = decodeAlert(r.content);
      } catch (e) {
        if (e instanceof DecodeError && !r.protected) return c.ignore('unauthenticated-violation');
        throw e;
      }
      if (alert.description === 'user_canceled') {
        c.parts.events.push({ type: 'alert', level: alert.level, description: alert.description, sent: false });
        return;
      }
      if (alert.description === 'close_notify') {
        if (driver.handles('closeNotify')) driver.control({ type: 'closeNotify' });
        else c.parts.peerClosedEarly();
        return;
      }
      // RFC 8446 §6: every other alert ends the connection, whatever its level.
      driver.control({ type: 'alertReceived', payload: alert });
    },

    /** 0-RTT data the server took, within max_early_data_size (RFC 8446 §4.2.10: more is unexpected_message). */
    earlyData: (r) => {
      const data = r.content;
      const remaining = c.parts.earlyDataRemaining ?? 0;
      if (data.length > remaining) {
        throw new ProtocolError('unexpected_message', `more 0-RTT data than max_early_data_size (${remaining} bytes were left, ${data.length} came)`);
      }
      c.parts.earlyDataRemaining = remaining - data.length;
      c.counts.applicationBytesReceived += data.length;
      c.parts.events.push({ type: 'data', data, early: true });
    },

    heldApplicationData: (r) => {
      if (!c.heldData.push(r.content)) c.ignore('early-data-cap');
    },

    applicationData: (r) => {
      c.counts.applicationBytesReceived += r.content.length;
      c.parts.events.push({ type: 'data', data: r.content });
    },

    /** RFC 9853 §4: only when rrc was negotiated; an unknown msg_type is ignored. */
    returnRoutabilityCheck: (r) => {
      if (c.parts.cid.session?.rrcNegotiated !== true) {
        throw new ProtocolError('unexpected_message', 'a return_routability_check record without the rrc extension negotiated (RFC 9853 §3)');
      }
      const type = r.content[0];
      if (type === undefined || type > 2) return; // an RRC message type this implementation does not know
      const m = decodeReturnRoutabilityCheck(r.content);
      const event = m.msgType === 'path_challenge' ? 'PathChallenge' : m.msgType === 'path_response' ? 'PathResponse' : 'PathDrop';
      driver.control({ type: event, payload: m });
    },
  };
}
