/** The options of the one DtlsConnection (connection.ts): the 1.3 connection's, the DTLS 1.2 ones, the version range and the deadlines. */
import type { ClientHello } from '../../generated/wire/client-hello.js';
import type { ConnectionOptions } from '../shared/connection-api.js';
import type { DeadlineOptions } from '../shared/deadlines.js';
import type { Options12 } from '../dtls12/config.js';

/** The DTLS 1.2 options a connection takes beside the shared ones (runtime/dtls12/config.ts). */
export type { Options12 } from '../dtls12/config.js';

/** What a listener's cookie exchange hands the server connection it starts (hello-responder.ts). */
export interface Admitted {
  /**
   * @internal A ClientHello the listener decoded and chose DTLS 1.2 for (its cookie checked when it asks for one): the
   * connection starts in 1.2 and takes it for the ClientHello of the same bytes rather than decoding them again.
   */
  readonly clientHello12?: { readonly body: Uint8Array; readonly hello: ClientHello } | undefined;
}

/** The options of a DtlsConnection: the protocol's, the 1.2 ones, the version range and the deadlines. */
export type DtlsOptions = ConnectionOptions & Options12 & DeadlineOptions & Admitted;
