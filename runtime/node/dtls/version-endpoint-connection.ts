/**
 * What a `DtlsEndpoint` (and the session over it) drives: the members of the
 * 1.3 `DtlsConnection` it calls, with events whose handshakeComplete carries
 * either version's parameters (runtime/dtls12/negotiated12.ts).
 * `DtlsConnection` has them all; the DTLS 1.2 connection is driven through
 * `Dtls12EndpointConnection` (runtime/dtls12/endpoint12.ts), and a client
 * that offers both through `NegotiatingClient`
 * (runtime/dtls12/negotiating-client.ts), so one endpoint, session and
 * listener serve both versions.
 */
import type { DtlsConnection } from '../../connection/connection.js';
import type { FrozenSession } from '../../connection/hibernation.js';
import type { EndpointEvent } from '../../dtls12/negotiated12.js';

export type EndpointConnection = Pick<
  DtlsConnection,
  | 'connect'
  | 'receive'
  | 'pollTransmit'
  | 'pollPathTransmit'
  | 'pollTimeout'
  | 'handleTimeout'
  | 'send'
  | 'close'
  | 'exportKeyingMaterial'
  | 'failForCallback'
  | 'failure'
  | 'expired'
  | 'lastAuthenticatedReceive'
  | 'path'
  | 'connectionIds'
  | 'stats'
  | 'updateKeys'
  | 'requestConnectionIds'
  | 'requestClientCertificate'
  | 'rebind'
  | 'pathMtuExceeded'
  | 'issueConnectionIds'
  | 'deadlineOptions'
  | 'state'
  | 'park'
  | 'releaseKeys'
> & {
  pollEvent(): EndpointEvent | undefined;
  /** Server: the session frozen for hibernation, or undefined when it is not at rest (DtlsConnection.hibernate; the 1.2 connection has none). */
  hibernate?(now: number): FrozenSession | undefined;
  /** The protocol version this connection speaks, once known ('DTLSv1.2' for the 1.2 connection; the 1.3 connection has no such member). */
  readonly protocolVersion?: 'DTLSv1.2' | 'DTLSv1.3' | undefined;
};
