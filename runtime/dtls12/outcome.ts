/**
 * The states a DTLS 1.2 handshake ends its steps in, carrying what the connection (connection.ts) reports of them:
 * the step returns the outcome, the connection sends the alert, reports the event and keeps the result.
 */
import type { FatalReason } from '../shared/alert-mapping.js';
import type { Cids12 } from './cid.js';
import type { Handshake12Result } from './handshake-result.js';
import type { Session12 } from './session.js';

/** The handshake completed: what it settled, and the session it gave (a client's to resume, a server's stored). */
export interface Connected12 {
  readonly kind: 'connected';
  readonly result: Handshake12Result;
  readonly session: Session12 | undefined;
  /** The CIDs of the epoch-1 records (RFC 9146), when both hellos carried connection_id. */
  readonly cids: Cids12 | undefined;
}

/** Ended by a fatal alert: ours (`sent`, RFC 5246 §7.2.2) or the peer's. */
export interface Failed12 {
  readonly kind: 'failed';
  readonly reason: FatalReason;
  readonly sent: boolean;
}

/** Ended by close_notify (RFC 5246 §7.2.1): `local` our close(), `close_notify` the peer's answered. */
export interface Closed12 {
  readonly kind: 'closed';
  readonly reason: 'close_notify' | 'local';
}

/** The states of either role's chart that end a handshake, or end its steps (connected). */
export type Outcome12 = Connected12 | Failed12 | Closed12;
