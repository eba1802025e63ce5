import {
  encodeNewConnectionId,
  encodeRequestConnectionId,
  type NewConnectionId,
  type RequestConnectionId,
  type ReturnRoutabilityCheck,
} from '../../generated/wire/index.js';
import { ProtocolError } from '../handshake/protocol-error.js';
import type { CidContext } from '../cid/cid-context.js';
import type { RecordLayer } from '../record/record-layer.js';
import type { Session } from '../shared/key-material.js';
import { sendPostHandshakeFlight, type PostHandshakeSender } from './post-handshake-flights.js';
import { MAX_REQUESTS_ANSWERED, type ConnectionIdState } from '../cid/cid-state.js';

/** The post-handshake CID exchanges (RFC 9147 §9) and return routability (RFC 9853), for both roles' CID steps. */

/** A CID exchange's flight: a post-handshake flight's parts and the connection's CID context. */
type CidSender = PostHandshakeSender & { readonly cid: CidContext };

/** RFC 9147 §9: NewConnectionId only from a side that receives a non-empty CID, RequestConnectionId only from one that sends one. */
function negotiated(cid: CidContext, what: string): ConnectionIdState {
  const s = cid.session;
  if (s === undefined)
    throw new ProtocolError('unexpected_message', `${what} without a negotiated connection_id (RFC 9147 §9)`);
  return s;
}

/** Queues a NewConnectionId with `cids` as a post-handshake flight (retransmitted until acknowledged). */
export function sendNewConnectionIds(
  c: PostHandshakeSender,
  session: Session,
  cids: readonly Uint8Array[],
  usage: 'cid_immediate' | 'cid_spare',
): void {
  const body = encodeNewConnectionId({ cids: cids.map((cid) => ({ cid })), usage });
  sendPostHandshakeFlight(c, () => c.queue(session.write.epoch, 'new_connection_id', body));
}

/** Issues up to `count` new CIDs of ours within the cap of CIDs the peer may hold; tells the owner of each. */
export function issueConnectionIds(context: CidContext, s: ConnectionIdState, count: number): Uint8Array[] {
  const room = Math.max(0, s.options.maxIssued - s.local.active.length);
  const made = s.local.issue(Math.min(count, room));
  for (const cid of made) context.issued(cid);
  return made;
}

/** The peer's NewConnectionId: its CIDs kept (within the cap), the first used at once when it says `cid_immediate`. */
export function applyNewConnectionId(
  c: { readonly cid: CidContext; readonly records: RecordLayer },
  _session: Session,
  m: NewConnectionId,
): void {
  const s = negotiated(c.cid, 'NewConnectionId');
  if (!s.sendsCid)
    throw new ProtocolError(
      'unexpected_message',
      'NewConnectionId from a peer that asked for a zero-length CID (RFC 9147 §9)',
    );
  if (m.usage !== 'cid_immediate' && m.usage !== 'cid_spare')
    throw new ProtocolError('illegal_parameter', `NewConnectionId usage ${String(m.usage)}`);
  if (m.cids.some((c) => c.cid.length === 0))
    throw new ProtocolError('illegal_parameter', 'NewConnectionId carries a zero-length CID');
  s.peer.add(
    m.cids.map((c) => c.cid.slice()),
    m.usage === 'cid_immediate',
  );
  if (m.usage === 'cid_immediate') c.records.writer.setSendConnectionId(s.peer.current);
  s.requestOutstanding = false;
}

/** The peer's RequestConnectionId: answered with `cid_spare` CIDs, fewer than asked (or none) beyond what the peer may hold (§9). */
export function answerRequestConnectionId(c: CidSender, session: Session, m: RequestConnectionId): void {
  const s = negotiated(c.cid, 'RequestConnectionId');
  if (!s.receivesCid)
    throw new ProtocolError(
      'unexpected_message',
      'RequestConnectionId while the peer sends a zero-length CID (RFC 9147 §9)',
    );
  if (++s.requestsReceived > MAX_REQUESTS_ANSWERED) {
    throw new ProtocolError(
      'too_many_cids_requested',
      `more than ${MAX_REQUESTS_ANSWERED} RequestConnectionId messages (RFC 9147 §9)`,
    );
  }
  sendNewConnectionIds(c, session, issueConnectionIds(c.cid, s, m.numCids), 'cid_spare');
}

/** The application gives the peer these CIDs of ours. */
export function sendNewConnectionId(c: PostHandshakeSender, session: Session, m: NewConnectionId): void {
  sendNewConnectionIds(
    c,
    session,
    m.cids.map((c) => c.cid),
    m.usage === 'cid_immediate' ? 'cid_immediate' : 'cid_spare',
  );
}

/** The application asks the peer for more CIDs: one RequestConnectionId outstanding at a time, and only when we send a CID. */
export function sendRequestConnectionId(c: CidSender, session: Session, m: RequestConnectionId): void {
  const s = c.cid.session;
  if (s === undefined || !s.sendsCid || s.requestOutstanding) return;
  s.requestOutstanding = true;
  const body = encodeRequestConnectionId({ numCids: m.numCids });
  sendPostHandshakeFlight(c, () => c.queue(session.write.epoch, 'request_connection_id', body));
}

/** A return_routability_check message (RFC 9853 §4): PathChallenge, PathResponse or PathDrop, to the path validation. */
export function applyReturnRoutabilityCheck(
  c: { readonly cid: CidContext },
  _s: Session,
  m: ReturnRoutabilityCheck,
): void {
  c.cid.rrcMessage(m);
}
