import type { ClientHello } from '../../generated/wire/index.js';
import type { CookieContents } from '../handshake/cookie.js';

/** What a server connection created after a stateless HelloRetryRequest starts from (RFC 9147 §5.1). */
export interface StatelessRetry {
  readonly contents: CookieContents;
  /** The cookie as the second ClientHello echoed it (part of the HelloRetryRequest bytes). */
  readonly cookie: Uint8Array;
  /**
   * The second ClientHello's record sequence number. The HelloRetryRequest took the first ClientHello's; our epoch-0
   * records start here so that none repeats it (a peer's replay window would drop the ServerHello).
   */
  readonly recordSequence: number;
  /** The second ClientHello's legacy_session_id (the same as the first's), echoed only with `echoLegacySessionId`. */
  readonly legacySessionId?: Uint8Array;
  /**
   * The second ClientHello as the cookie check decoded it, with the body it was decoded from: the connection takes it
   * for a ClientHello of the same bytes rather than decoding them again.
   */
  readonly clientHello?: { readonly body: Uint8Array; readonly hello: ClientHello };
}
