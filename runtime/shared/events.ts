import type { AlertDescription, AlertLevel } from '../../generated/wire/enums.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { CidEvent } from '../cid/cid-events.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import type { SrtpProfileName } from './srtp.js';

/** What the handshake settled. */
export interface NegotiatedParameters {
  readonly cipherSuite: SupportedCipherSuite;
  /** The (EC)DHE group; undefined for a PSK without (EC)DHE (psk_ke). */
  readonly group: KeyExchangeGroup | undefined;
  /** The server's CertificateVerify scheme; undefined when a PSK authenticated the server. */
  readonly signatureAlgorithm: SignatureAlgorithm | undefined;
  readonly helloRetryRequest: boolean;
  /** The client proved a certificate (in this handshake, or, resumed, in the one that issued the ticket). */
  readonly clientAuthenticated: boolean;
  /** The peer's leaf certificate (DER), when it sent one in this handshake. */
  readonly peerCertificate: Uint8Array | undefined;
  /** The peer's whole certificate chain as it sent it (DER, leaf first), when it sent one in this handshake. */
  readonly peerCertificateChain: readonly Uint8Array[] | undefined;
  /** The session was resumed from a ticket (RFC 8446 §2.2): no certificates were exchanged. */
  readonly resumed: boolean;
  /** The external PSK identity both sides used, when one authenticated the handshake. */
  readonly pskIdentity: Uint8Array | undefined;
  /** The PSK key exchange mode, when a PSK (external or a ticket's) keyed the handshake. */
  readonly pskMode: 'psk_dhe_ke' | 'psk_ke' | undefined;
  /** What became of 0-RTT data: taken by the server, refused, or none sent. */
  readonly earlyData: 'accepted' | 'rejected' | 'not sent';
  /** The application protocol ALPN chose (RFC 7301), or undefined when none was negotiated. */
  readonly alpnProtocol: string | undefined;
  /** server_name's host name (RFC 6066), normalized: the one the client sent (never an IP address). */
  readonly servername: string | undefined;
  /** The SRTP protection profile DTLS-SRTP settled (RFC 5764), or undefined when none was negotiated. */
  readonly srtpProfile: SrtpProfileName | undefined;
  /** The peer's record_size_limit (RFC 8449): the largest DTLSInnerPlaintext we send it; undefined: none sent. */
  readonly recordSizeLimit: number | undefined;
}

/** What a DTLS 1.2 handshake settled, in the shape of a 1.3 one's (runtime/dtls12/negotiated.ts makes it). */
export interface Negotiated12Parameters extends Omit<NegotiatedParameters, 'cipherSuite'> {
  readonly version: 'DTLSv1.2';
  readonly cipherSuite: Dtls12CipherSuite;
  /** extended_master_secret was negotiated (RFC 7627). */
  readonly extendedMasterSecret: boolean;
}

/** A 1.3 handshake's parameters (no `version`, or 'DTLSv1.3'), or a 1.2 one's. */
export type SessionParameters = NegotiatedParameters | Negotiated12Parameters;

/** Events a connection of either version hands to the application, in order, through `pollEvent()`. */
export type ConnectionEvent =
  | { readonly type: 'handshakeComplete'; readonly parameters: SessionParameters }
  /**
   * Client: the server can no longer refuse the handshake (at once unless it sent a CertificateRequest; then once it
   * acknowledged our final flight, RFC 9147 §7). Data `send` held meanwhile goes out now; without this event, none did.
   */
  | { readonly type: 'handshakeConfirmed' }
  /** Client: we answered a post-handshake CertificateRequest (RFC 8446 §4.6.2); `send` holds data until accepted. */
  | { readonly type: 'certificateRequested' }
  /** Client: the server acknowledged our answer to its post-handshake CertificateRequest; the data held meanwhile goes out now. */
  | { readonly type: 'certificateAccepted' }
  /** Application data; `early` when it came as 0-RTT data (RFC 8446 §4.2.10: it may be a replay, never act on it twice). */
  | { readonly type: 'data'; readonly data: Uint8Array; readonly early?: true }
  /** Client: whether the server took the 0-RTT data; when rejected, `data` is what to send again now that the handshake is done. */
  | { readonly type: 'earlyData'; readonly accepted: boolean; readonly data: Uint8Array }
  /** Client: the server sent a NewSessionTicket; `session` resumes it (`connect({ session })`), `expiresAt` in wall-clock ms. */
  | { readonly type: 'sessionTicket'; readonly session: Uint8Array; readonly expiresAt: number }
  /** Server: the client's answer to a post-handshake CertificateRequest verified; `certificate`: its leaf, if any. */
  | { readonly type: 'clientAuthenticated'; readonly certificate: Uint8Array | undefined }
  /** connectionIdIssued, connectionIdRetired, pathMigrated (runtime/cid/cid-events.ts). */
  | CidEvent
  | {
      readonly type: 'alert';
      readonly level: AlertLevel;
      readonly description: AlertDescription;
      readonly sent: boolean;
    }
  | { readonly type: 'closed'; readonly reason: 'close_notify' | 'local' | 'failed' | 'timeout' };
