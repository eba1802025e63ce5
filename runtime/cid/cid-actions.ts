import {
  encodeNewConnectionId,
  encodeRequestConnectionId,
  type NewConnectionId,
  type RequestConnectionId,
  type ReturnRoutabilityCheck,
} from '../../generated/wire/index.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { ConnectionParts } from '../connection/connection-parts.js';
import type { Session } from '../connection/key-material.js';
import { sendPostHandshakeFlight, type SessionAccess } from '../connection/session-actions.js';
import { MAX_REQUESTS_ANSWERED, type ConnectionIdState } from './cid-state.js';

type CidEvent = { readonly type: string; readonly payload?: unknown };

function payloadOf<T>(event: CidEvent, types: readonly string[]): T {
  if (!types.includes(event.type) || !('payload' in event)) throw new Error(`expected ${types.join(' or ')}, got ${event.type}`);
  return event.payload as T;
}

function connectedSession<E>(access: SessionAccess<E>): Session {
  const s = access.session();
  if (!s) throw new Error('a connected-state action ran outside the connected state');
  return s;
}

/** RFC 9147 §9: NewConnectionId only from a side that receives a non-empty CID, RequestConnectionId only from one that sends one. */
function negotiated(parts: ConnectionParts, what: string): ConnectionIdState {
  const s = parts.cid.session;
  if (s === undefined) throw new ProtocolError('unexpected_message', `${what} without a negotiated connection_id (RFC 9147 §9)`);
  return s;
}

/** Queues a NewConnectionId with `cids` as a post-handshake flight (retransmitted until acknowledged). */
export function sendNewConnectionIds(parts: ConnectionParts, session: Session, cids: readonly Uint8Array[], usage: 'cid_immediate' | 'cid_spare'): void {
  const body = encodeNewConnectionId({ cids: cids.map((cid) => ({ cid })), usage });
  sendPostHandshakeFlight(parts, session, () => parts.queue(session.write.epoch, 'new_connection_id', body));
}

/** Issues up to `count` new CIDs of ours within the cap of CIDs the peer may hold; tells the owner of each. */
export function issueConnectionIds(parts: ConnectionParts, s: ConnectionIdState, count: number): Uint8Array[] {
  const room = Math.max(0, s.options.maxIssued - s.local.active.length);
  const made = s.local.issue(Math.min(count, room));
  for (const cid of made) parts.cid.issued(cid);
  return made;
}

/** The chart actions of the post-handshake CID exchanges (RFC 9147 §9) and of return routability (RFC 9853), the same for both roles. */
export function cidActions<E extends CidEvent>(parts: ConnectionParts, access: SessionAccess<E>) {
  return {
    applyNewConnectionId: access.effect((event) => {
      connectedSession(access);
      const m = payloadOf<NewConnectionId>(event, ['NewConnectionId']);
      const s = negotiated(parts, 'NewConnectionId');
      if (!s.sendsCid) throw new ProtocolError('unexpected_message', 'NewConnectionId from a peer that asked for a zero-length CID (RFC 9147 §9)');
      if (m.usage !== 'cid_immediate' && m.usage !== 'cid_spare') throw new ProtocolError('illegal_parameter', `NewConnectionId usage ${String(m.usage)}`);
      if (m.cids.some((c) => c.cid.length === 0)) throw new ProtocolError('illegal_parameter', 'NewConnectionId carries a zero-length CID');
      s.peer.add(
        m.cids.map((c) => c.cid.slice()),
        m.usage === 'cid_immediate',
      );
      if (m.usage === 'cid_immediate') parts.records.setSendConnectionId(s.peer.current);
      s.requestOutstanding = false;
    }),
    answerRequestConnectionId: access.effect((event) => {
      const session = connectedSession(access);
      const m = payloadOf<RequestConnectionId>(event, ['RequestConnectionId']);
      const s = negotiated(parts, 'RequestConnectionId');
      if (!s.receivesCid) throw new ProtocolError('unexpected_message', 'RequestConnectionId while the peer sends a zero-length CID (RFC 9147 §9)');
      if (++s.requestsReceived > MAX_REQUESTS_ANSWERED) {
        throw new ProtocolError('too_many_cids_requested', `more than ${MAX_REQUESTS_ANSWERED} RequestConnectionId messages (RFC 9147 §9)`);
      }
      // §9: answered with cid_spare, with fewer than asked (or none) beyond what the peer may hold.
      sendNewConnectionIds(parts, session, issueConnectionIds(parts, s, m.numCids), 'cid_spare');
    }),
    sendNewConnectionId: access.effect((event) => {
      const m = payloadOf<NewConnectionId>(event, ['issueConnectionIds']);
      sendNewConnectionIds(
        parts,
        connectedSession(access),
        m.cids.map((c) => c.cid),
        m.usage === 'cid_immediate' ? 'cid_immediate' : 'cid_spare',
      );
    }),
    sendRequestConnectionId: access.effect((event) => {
      const session = connectedSession(access);
      const m = payloadOf<RequestConnectionId>(event, ['requestConnectionIds']);
      const s = parts.cid.session;
      if (s === undefined || !s.sendsCid || s.requestOutstanding) return;
      s.requestOutstanding = true;
      const body = encodeRequestConnectionId({ numCids: m.numCids });
      sendPostHandshakeFlight(parts, session, () => parts.queue(session.write.epoch, 'request_connection_id', body));
    }),
    answerPathChallenge: access.effect((event) => {
      parts.cid.rrcMessage(payloadOf<ReturnRoutabilityCheck>(event, ['PathChallenge']));
    }),
    applyPathResponse: access.effect((event) => {
      parts.cid.rrcMessage(payloadOf<ReturnRoutabilityCheck>(event, ['PathResponse', 'PathDrop']));
    }),
  };
}
