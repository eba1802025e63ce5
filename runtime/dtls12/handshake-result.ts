/**
 * What a DTLS 1.2 handshake settled: the step that completes it returns it in its `connected` state (outcome.ts), the
 * connection reports it (`handshakeComplete`, negotiated.ts) and keeps it for the RFC 5705 exporter.
 */
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SrtpProfileName } from '../shared/srtp.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';

/** What a 1.2 handshake settled, for `handshakeComplete`. */
export interface Handshake12Result {
  readonly version: 'DTLSv1.2';
  readonly cipherSuite: Dtls12CipherSuite;
  readonly group: KeyExchangeGroup | undefined;
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  readonly extendedMasterSecret: boolean;
  readonly resumed: boolean;
  readonly helloVerifyRequest: boolean;
  readonly clientAuthenticated: boolean;
  readonly peerCertificateChain: readonly Uint8Array[] | undefined;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly masterSecret: Uint8Array;
  /** The PSK identity of a PSK or ECDHE_PSK handshake (RFC 4279, 5489), or of the session it resumed. */
  readonly pskIdentity?: Uint8Array | undefined;
  /** The application protocol ALPN chose (RFC 7301), or undefined when none was negotiated. */
  readonly alpnProtocol?: string | undefined;
  /** The SRTP protection profile DTLS-SRTP settled (RFC 5764), or undefined when none was negotiated. */
  readonly srtpProfile?: SrtpProfileName | undefined;
}
