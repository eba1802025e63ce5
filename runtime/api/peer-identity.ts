/** What a session says of its peer: the cipher as node:tls names it, its authorization, its CIDs as Buffers. */
import type { ConnectionIds, VersionFacts } from '../shared/connection-api.js';
import type { SessionParameters } from '../shared/events.js';
import { protocolOf } from '../dtls12/negotiated.js';
import type { AuthorizationRecord } from './authorization.js';

/** `session.cipher`: `name` is OpenSSL's, `standardName` IANA's (the same in DTLS 1.3), `version` the protocol. */
export interface SessionCipher {
  readonly name: string;
  readonly standardName: string;
  readonly version: string;
}

/**
 * `session.connectionIds` (RFC 9146): `local` the peer's records carry, `peer` ours (undefined: zero-length), `spares`
 * the peer's for a new path, `rrc` whether address changes are checked (RFC 9853).
 */
export interface SessionConnectionIds {
  readonly local: Buffer | undefined;
  readonly peer: Buffer | undefined;
  readonly spares: number;
  readonly rrc: boolean;
}

/** `n`'s cipher as node:tls names it; `facts`: its version's (the name OpenSSL gives the suite). */
export function cipherOf(n: SessionParameters, facts: VersionFacts): SessionCipher {
  return { name: facts.cipherName(n), standardName: n.cipherSuite.toUpperCase(), version: protocolOf(n) };
}

/** Whether the peer's certificate verified, here or in the handshake whose ticket was resumed (never for a PSK). */
export function peerAuthorized(
  role: 'client' | 'server',
  p: SessionParameters,
  late: boolean,
  authorization: AuthorizationRecord | undefined,
): boolean {
  if (role === 'server') return p.clientAuthenticated || late;
  if (authorization?.error !== undefined) return authorization.error === null;
  return p.signatureAlgorithm !== undefined || (p.resumed && p.pskIdentity === undefined);
}

/** Why a peer is not authorized, as node:tls's short code; `UNABLE_TO_GET_ISSUER_CERT` when it presented no certificate. */
export function authorizationErrorOf(authorization: AuthorizationRecord | undefined): string {
  const found = authorization?.error;
  return typeof found === 'string' ? found : 'UNABLE_TO_GET_ISSUER_CERT';
}

export function sessionConnectionIds(ids: ConnectionIds): SessionConnectionIds {
  const buf = (b: Uint8Array | undefined): Buffer | undefined => (b ? Buffer.from(b) : undefined);
  return { local: buf(ids.local), peer: buf(ids.peer), spares: ids.spares, rrc: ids.rrc };
}
