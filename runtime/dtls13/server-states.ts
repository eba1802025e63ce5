import type { Dtls13ServerEvent } from '../../generated/charts/dtls13-server.js';
import type { ServerChoice } from '../handshake/negotiation.js';
import type { InboundMessage } from './client-states.js';
import type { StatelessRetry } from '../shared/stateless-retry.js';
import type { KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { PeerCertificate } from '../shared/peer-authentication.js';
import type { SelectedPsk } from '../shared/psk-selection.js';
import type { SelectedCredentials } from '../shared/server-credentials.js';
import type { ServerExtensionChoices } from './extension-answers.js';
import type { ApplicationSecrets, HandshakeKeys, Session } from '../shared/key-material.js';

/** What the server fixed with its HelloRetryRequest (its own, or one a stateless cookie carried). */
export interface RetryChoice {
  readonly suite: SupportedCipherSuite;
  readonly group: KeyExchangeGroup | undefined;
  readonly transcript: Transcript;
  /** The first ClientHello's server_name, which the second must repeat (a cookie does not carry it). */
  readonly firstServerName?: { readonly name: string | undefined };
}

/** A ClientHello the server accepted: what it answers with (RFC 8446 §4.1.1). */
export interface AcceptedHello extends Pick<
  HandshakeKeys,
  'suite' | 'transcript' | 'clientRandom' | 'helloRetried' | 'alpn' | 'servername'
> {
  /** The group and the client's share; undefined for psk_ke. */
  readonly keyExchange: { readonly group: KeyExchangeGroup; readonly peerShare: Uint8Array } | undefined;
  /** The scheme to sign with; undefined when a PSK authenticates us. */
  readonly signature: SignatureAlgorithm | undefined;
  /** The PSK accepted (binder verified), if any. */
  readonly psk: SelectedPsk | undefined;
  /** The client's server_name, bound into the tickets of this session. */
  readonly serverName: string | undefined;
  /** The client offered post_handshake_auth. */
  readonly postHandshakeAuth: boolean;
  /** The certificate chain and key to authenticate with; undefined for a PSK-only server. */
  readonly credentials: SelectedCredentials | undefined;
  /** record_size_limit and use_srtp, as settled from the ClientHello. */
  readonly extensions: ServerExtensionChoices;
  /** What ServerHello's legacy_session_id_echo carries: empty, unless `echoLegacySessionId`. */
  readonly sessionIdEcho: Uint8Array;
  /** 0-RTT: taken (with the most bytes it may bring), refused, or not offered. */
  readonly earlyData:
    { readonly status: 'accepted'; readonly limit: number } | { readonly status: 'rejected' | 'not sent' };
}

/** The server's flight is out: what it waits for the client's flight with. */
export interface ServerSent {
  readonly keys: HandshakeKeys;
  readonly signature: SignatureAlgorithm | undefined;
  readonly application: ApplicationSecrets;
  readonly serverName: string | undefined;
  readonly postHandshakeAuth: boolean;
  /** The external PSK identity the session stands on, bound into its tickets. */
  readonly pskIdentity: Uint8Array | undefined;
  /** What the session was granted (ticket-grant.ts), bound into its tickets. */
  readonly grant: Uint8Array;
  /** A resumed session: when the ticket it resumed expires (wall-clock ms); its own tickets expire then too. */
  readonly ticketsUntil: number | undefined;
}

/** The server's handshake state: one variant per state of the dtls13-server chart (RFC 8446 Appendix A.2). */
export type ServerState =
  | { readonly kind: 'waitClientHello' }
  | { readonly kind: 'waitSecondClientHello'; readonly retry: RetryChoice }
  /** Between accepting the ClientHello and sending the server's flight. */
  | { readonly kind: 'negotiated'; readonly hello: AcceptedHello }
  | { readonly kind: 'waitClientCertificate'; readonly sent: ServerSent }
  | { readonly kind: 'waitClientCertificateVerify'; readonly sent: ServerSent; readonly peer: PeerCertificate }
  | {
      readonly kind: 'waitClientFinished';
      readonly sent: ServerSent;
      readonly peer: PeerCertificate | undefined;
      readonly clientAuthenticated: boolean;
      /** 0-RTT accepted and not yet ended by an EndOfEarlyData. */
      readonly earlyDataOpen?: true;
    }
  | { readonly kind: 'connected'; readonly session: Session }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed' };

/** What the server makes of a ClientHello (hello-plan.ts) before the event is dispatched, so guards have no side effects. */
export interface HelloPlan extends Pick<
  AcceptedHello,
  'psk' | 'earlyData' | 'alpn' | 'servername' | 'credentials' | 'extensions'
> {
  readonly choice: ServerChoice;
}

/** The chart's events that come from a handshake message. */
type ServerMessageEvent =
  | 'ClientHello'
  | 'Certificate'
  | 'CertificateVerify'
  | 'EndOfEarlyData'
  | 'Finished'
  | 'KeyUpdate'
  | 'NewConnectionId'
  | 'RequestConnectionId';

/** The chart's events with the message each handshake event was decoded from: what the handler table gives. */
export type ServerInbound = Dtls13ServerEvent extends infer E
  ? E extends { readonly type: ServerMessageEvent }
    ? E & { readonly message: InboundMessage }
    : E
  : never;

/** The events the handler table decodes a handshake message into (a ClientHello still without its plan). */
export type ServerMessage = Extract<ServerInbound, { readonly message: InboundMessage }>;

/** What the server machine takes: a ClientHello carries its plan; a verified cookie exchange its contents. */
export type ServerEvent = ServerInbound extends infer E
  ? E extends { readonly type: 'ClientHello' }
    ? E & { readonly plan: HelloPlan }
    : E extends { readonly type: 'statelessRetryVerified' }
      ? E & { readonly retry: StatelessRetry }
      : E
  : never;
