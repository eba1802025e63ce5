import type { AlertDescription, AlertLevel } from '../../generated/wire/enums.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';

/** What the handshake settled. */
export interface NegotiatedParameters {
  readonly cipherSuite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly helloRetryRequest: boolean;
  readonly clientAuthenticated: boolean;
  /** The peer's leaf certificate (DER), when it sent one. */
  readonly peerCertificate: Uint8Array | undefined;
}

/** Events a connection hands to the application, in order, through `pollEvent()`. */
export type ConnectionEvent =
  | { readonly type: 'handshakeComplete'; readonly parameters: NegotiatedParameters }
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'alert'; readonly level: AlertLevel; readonly description: AlertDescription; readonly sent: boolean }
  | { readonly type: 'closed'; readonly reason: 'close_notify' | 'local' | 'failed' | 'timeout' };
