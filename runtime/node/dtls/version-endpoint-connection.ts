/**
 * What a `DtlsEndpoint` (and the session over it) drives: the members of the
 * 1.3 `DtlsConnection` it calls. `DtlsConnection` has them all; the DTLS 1.2
 * connection is driven through `Dtls12EndpointConnection`, which has them
 * too (version-12-connection.ts), so one endpoint, session and listener
 * serve both versions.
 */
import type { DtlsConnection } from '../../connection/connection.js';

export type EndpointConnection = Pick<
  DtlsConnection,
  | 'connect'
  | 'receive'
  | 'pollTransmit'
  | 'pollPathTransmit'
  | 'pollTimeout'
  | 'handleTimeout'
  | 'pollEvent'
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
> & {
  /** The protocol version this connection speaks ('DTLSv1.2' for the 1.2 connection; the 1.3 connection has no such member). */
  readonly protocolVersion?: 'DTLSv1.2' | 'DTLSv1.3';
  /** The 1.2 suite's standard name, when the connection speaks DTLS 1.2. */
  readonly cipherSuite12?: string;
};
