import type { Dtls13ClientEvent } from '../../generated/charts/dtls13-client.js';
import type { KeyExchangeGroup, KeyShare, SignatureAlgorithm } from '../crypto/provider.js';
import type { SupportedCipherSuite } from '../crypto/suites.js';
import type { Transcript } from '../keyschedule/transcript.js';
import type { ApplicationSecrets, HandshakeKeys, Session } from '../shared/key-material.js';
import type { PeerCertificate } from '../shared/peer-authentication.js';
import type { PskOffer } from './psk-offer.js';

/** What the client has offered: its random, the key shares of its ClientHello (key-share-offer.ts) and the transcript so far. */
export interface ClientOffer {
  readonly random: Uint8Array;
  /** The preferred group's first; none when they would not fit one datagram (the server then asks for one); after a HelloRetryRequest, the one share it asked for. */
  readonly keyShares: readonly KeyShare[];
  readonly transcript: Transcript;
  /** Set by a HelloRetryRequest: the suite it fixed, the group it asked for and its cookie. */
  readonly retry:
    | {
        readonly suite: SupportedCipherSuite;
        readonly group: KeyExchangeGroup | undefined;
        readonly cookie: Uint8Array | undefined;
      }
    | undefined;
  /** The PSK the ClientHello offers (a ticket or an external PSK), if any. */
  readonly psk: PskOffer | undefined;
  /** 0-RTT: sent with the first ClientHello, refused by a HelloRetryRequest, or none. */
  readonly earlyData: 'offered' | 'rejected' | 'not sent';
}

/** The server's CertificateRequest, as far as the client's answer needs it. */
export interface CertificateRequestSeen {
  readonly context: Uint8Array;
  readonly signatureAlgorithms: readonly string[];
}

/** The client's handshake state: one variant per dtls13-client chart state, with only its data (RFC 8446 A.1). */
export type ClientState =
  | { readonly kind: 'start' }
  | { readonly kind: 'waitServerHello'; readonly offer: ClientOffer }
  /** `earlyData`: what became of our 0-RTT data so far (offered in this ClientHello, refused by a HelloRetryRequest, none). */
  | {
      readonly kind: 'waitEncryptedExtensions';
      readonly keys: HandshakeKeys;
      readonly earlyData: ClientOffer['earlyData'];
    }
  | { readonly kind: 'waitCertificateOrCertificateRequest'; readonly keys: HandshakeKeys }
  | { readonly kind: 'waitCertificate'; readonly keys: HandshakeKeys; readonly request: CertificateRequestSeen }
  | {
      readonly kind: 'waitCertificateVerify';
      readonly keys: HandshakeKeys;
      readonly request: CertificateRequestSeen | undefined;
      readonly peer: PeerCertificate;
    }
  /** `peer` and `signature` are undefined when the server selected our PSK (it authenticates by its Finished). */
  | {
      readonly kind: 'waitFinished';
      readonly keys: HandshakeKeys;
      readonly request: CertificateRequestSeen | undefined;
      readonly peer: PeerCertificate | undefined;
      readonly signature: SignatureAlgorithm | undefined;
    }
  /** Between the server's Finished and the client's: the client's final flight is being built. */
  | {
      readonly kind: 'finishing';
      readonly keys: HandshakeKeys;
      readonly request: CertificateRequestSeen | undefined;
      readonly peer: PeerCertificate | undefined;
      readonly signature: SignatureAlgorithm | undefined;
      readonly application: ApplicationSecrets;
      /** The scheme the client signs with, when it sends a certificate. */
      readonly clientSignature: SignatureAlgorithm | undefined;
    }
  | { readonly kind: 'connected'; readonly session: Session }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed' };

/** A handshake message as received: its type and body (the transcript takes these exact bytes). */
export interface InboundMessage {
  readonly msgType: number;
  readonly body: Uint8Array;
}

/** The chart's events that come from a handshake message. */
type ClientMessageEvent =
  | 'HelloRetryRequest'
  | 'ServerHello'
  | 'EncryptedExtensions'
  | 'CertificateRequest'
  | 'Certificate'
  | 'CertificateVerify'
  | 'Finished'
  | 'NewSessionTicket'
  | 'KeyUpdate'
  | 'NewConnectionId'
  | 'RequestConnectionId';

/** The chart's events with the message each handshake event was decoded from: what the client machine takes. */
export type ClientEvent = Dtls13ClientEvent extends infer E
  ? E extends { readonly type: ClientMessageEvent }
    ? E & { readonly message: InboundMessage }
    : E
  : never;
