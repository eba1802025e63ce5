import type { CidContext } from '../cid/cid-context.js';
import { integerOption } from '../config-error.js';
import { issueConnectionIds } from './cid-actions.js';
import type { ResolvedConfig } from '../shared/config.js';
import { ConnectionStateError } from '../shared/connection-api.js';
import type { RoleDriver } from './role-driver.js';

/**
 * What the application asks of a connected 1.3 session: KeyUpdate, post-handshake authentication, CIDs given and asked
 * for. Each throws ConnectionStateError when it cannot be done now; what its step throws takes the fatal path.
 */

/** What of the 1.3 connection its application calls read. */
export interface CalledConnection {
  readonly role: 'client' | 'server';
  readonly driver: RoleDriver;
  /** Whether the connection has failed or closed. */
  ended(): boolean;
  /** Runs `fn`; anything it throws takes the fatal path. */
  guard(fn: () => void): void;
}

/** Why each call is refused before the session is connected (a server's hello phase refuses them alike). */
export const NOT_CONNECTED = {
  updateKeys: 'keys can only be updated on a connected connection',
  requestClientCertificate: 'only a connected server can ask for a client certificate',
  issueConnectionIds: 'connection IDs are issued on a connected connection',
  requestConnectionIds: 'connection IDs are requested on a connected connection',
} as const;

/** Updates our write keys (RFC 9147 §8), in use once the KeyUpdate is ACKed; `requestPeer`: the peer's too. */
export function updateKeys(c: CalledConnection, requestPeer: boolean): void {
  if (!c.driver.session || c.ended()) throw new ConnectionStateError(NOT_CONNECTED.updateKeys);
  c.guard(() =>
    c.driver.control({
      type: 'updateKeys',
      payload: { requestUpdate: requestPeer ? 'update_requested' : 'update_not_requested' },
    }),
  );
}

/**
 * Server: post-handshake authentication (RFC 8446 §4.6.2). Throws ConnectionStateError when not connected, not offered
 * by the client, or when nothing (trustAnchors or verifyPeer) could check a certificate.
 */
export function requestClientCertificate(c: CalledConnection, config: ResolvedConfig): void {
  const session = c.driver.session;
  if (c.role !== 'server' || !session || c.ended())
    throw new ConnectionStateError(NOT_CONNECTED.requestClientCertificate);
  if (!session.postHandshakeAuth)
    throw new ConnectionStateError('the client did not offer post_handshake_auth (RFC 8446 §4.6.2)');
  if (config.trustAnchors.length === 0 && !config.verifyPeer) {
    throw new ConnectionStateError('no trustAnchors or verifyPeer to check a client certificate with');
  }
  c.guard(() => c.driver.control({ type: 'requestCertificate' }));
}

/**
 * Gives the peer `count` more CIDs of ours (RFC 9147 §9; `immediate`: use one at once), within `cid.maxIssued`.
 * Throws ConnectionStateError when not connected or when records to us carry no CID.
 */
export function issueMoreConnectionIds(
  c: CalledConnection,
  cid: CidContext,
  count: number,
  immediate: boolean,
): Uint8Array[] {
  const s = cid.session;
  if (!c.driver.session || c.ended()) throw new ConnectionStateError(NOT_CONNECTED.issueConnectionIds);
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
 * Asks the peer for `count` CIDs (RFC 9147 §9), one request at a time. Throws ConnectionStateError when not connected
 * or when the peer's CID is zero-length.
 */
export function requestMoreConnectionIds(c: CalledConnection, cid: CidContext, count: number): void {
  const s = cid.session;
  if (!c.driver.session || c.ended()) throw new ConnectionStateError(NOT_CONNECTED.requestConnectionIds);
  if (s === undefined || !s.sendsCid)
    throw new ConnectionStateError('the peer has no (non-empty) connection ID to ask more of');
  integerOption('count', count, 1, 255);
  c.guard(() => c.driver.control({ type: 'requestConnectionIds', payload: { numCids: count } }));
}
