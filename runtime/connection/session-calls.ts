import type { CidContext } from '../cid/cid-context.js';
import { integerOption } from '../config-error.js';
import { issueConnectionIds } from './cid-actions.js';
import type { ResolvedConfig } from './config.js';
import { ConnectionStateError } from './connection-api.js';
import type { RoleDriver } from './role-driver.js';

/**
 * What the application asks of a connected 1.3 session (connection.ts calls these with its hooks, after catching up with
 * the caller's time): KeyUpdate, post-handshake authentication, and connection IDs given and asked for. Each throws
 * ConnectionStateError when the session cannot do it now; what the step it starts throws takes the connection's fatal
 * path (`guard`).
 */

/** What of the 1.3 connection its application calls read (the configuration and the CID context besides, as arguments). */
export interface CalledConnection {
  readonly role: 'client' | 'server';
  readonly driver: RoleDriver;
  /** Whether the connection has failed or closed. */
  ended(): boolean;
  /** Runs `fn`; anything it throws takes the fatal path. */
  guard(fn: () => void): void;
}

/**
 * Updates our write keys (RFC 8446 §4.6.3, RFC 9147 §8); with `requestPeer`, asks the peer to update its own. Records
 * use the new keys once the peer has acknowledged the KeyUpdate.
 */
export function updateKeys(c: CalledConnection, requestPeer: boolean): void {
  if (!c.driver.session || c.ended())
    throw new ConnectionStateError('keys can only be updated on a connected connection');
  c.guard(() =>
    c.driver.control({
      type: 'updateKeys',
      payload: { requestUpdate: requestPeer ? 'update_requested' : 'update_not_requested' },
    }),
  );
}

/**
 * Server: asks the client for its certificate now (post-handshake authentication, RFC 8446 §4.6.2). Throws
 * ConnectionStateError when not connected, when the client did not offer post_handshake_auth, or when nothing
 * (trustAnchors or verifyPeer) could check a certificate.
 */
export function requestClientCertificate(c: CalledConnection, config: ResolvedConfig): void {
  const session = c.driver.session;
  if (c.role !== 'server' || !session || c.ended())
    throw new ConnectionStateError('only a connected server can ask for a client certificate');
  if (!session.postHandshakeAuth)
    throw new ConnectionStateError('the client did not offer post_handshake_auth (RFC 8446 §4.6.2)');
  if (config.trustAnchors.length === 0 && !config.verifyPeer) {
    throw new ConnectionStateError('no trustAnchors or verifyPeer to check a client certificate with');
  }
  c.guard(() => c.driver.control({ type: 'requestCertificate' }));
}

/**
 * Gives the peer `count` more CIDs of ours in a NewConnectionId (RFC 9147 §9; `immediate`: it must use one at once),
 * within `cid.maxIssued`; returns them. Throws ConnectionStateError when not connected or when records to us carry no
 * CID.
 */
export function issueMoreConnectionIds(
  c: CalledConnection,
  cid: CidContext,
  count: number,
  immediate: boolean,
): Uint8Array[] {
  const s = cid.session;
  if (!c.driver.session || c.ended())
    throw new ConnectionStateError('connection IDs are issued on a connected connection');
  if (s === undefined || !s.receivesCid)
    throw new ConnectionStateError('no connection ID of ours was negotiated (or ours is zero-length)');
  integerOption('count', count, 1, 64);
  const cids = issueConnectionIds(cid, s, count);
  const usage = immediate ? 'cid_immediate' : 'cid_spare';
  c.guard(() =>
    c.driver.control({ type: 'issueConnectionIds', payload: { cids: cids.map((cid) => ({ cid })), usage } }),
  );
  return cids;
}

/**
 * Asks the peer for `count` CIDs (RequestConnectionId, RFC 9147 §9); they arrive as spares. One request at a time: a
 * second while the first is unanswered is not sent. Throws ConnectionStateError when not connected or when the peer's
 * CID is zero-length.
 */
export function requestMoreConnectionIds(c: CalledConnection, cid: CidContext, count: number): void {
  const s = cid.session;
  if (!c.driver.session || c.ended())
    throw new ConnectionStateError('connection IDs are requested on a connected connection');
  if (s === undefined || !s.sendsCid)
    throw new ConnectionStateError('the peer has no (non-empty) connection ID to ask more of');
  integerOption('count', count, 1, 255);
  c.guard(() => c.driver.control({ type: 'requestConnectionIds', payload: { numCids: count } }));
}
