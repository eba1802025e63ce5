/**
 * dtls13: DTLS 1.3 (RFC 9147) for TypeScript.
 *
 * - The wire layer: typed decoders and encoders for every DTLS 1.3 structure,
 *   generated from spec/wire, and datagram-level record splitting.
 * - Crypto providers (node:crypto and pure-JS noble) behind one interface.
 * - The TLS 1.3 key schedule with DTLS labels, and the transcript.
 * - The DTLS 1.3 record layer, sans-I/O.
 * - The DTLS 1.3 connection (client and server handshake as XState charts), sans-I/O.
 * - X.509 certificate creation and chain validation.
 * - Real networking on node:dgram: node:dtls's `listen` / `connect`, with `DtlsSession`s.
 */
export * from '../generated/wire/index.js';
export { decodeDatagram, encodeDatagram, type DecodeDatagramOptions, type DtlsRecord } from './wire/datagram.js';
export { DecodeError, EncodeError, Reader, Writer, type PathSegment } from './wire/index.js';
export { ConfigError, type ConfigErrorCode } from './config-error.js';
export type { ChartInspectionEvent } from './chart-inspection.js';

export {
  CryptoError,
  UnsupportedAlgorithmError,
  type AeadAlgorithm,
  type AeadKey,
  type Capability,
  type CryptoProvider,
  type HashAlgorithm,
  type IncrementalHash,
  type KeyExchangeGroup,
  type KeyShare,
  type MaskAlgorithm,
  type MaskKey,
  type PrivateKeyHandle,
  type PublicKeyHandle,
  type RecordProtection,
  type SignatureAlgorithm,
} from './crypto/provider.js';
export { ALL_CIPHER_SUITES, CIPHER_SUITES, type CipherSuiteParams, type SupportedCipherSuite } from './crypto/suites.js';
export { DEFAULT_PREFERENCE, defaultProvider, getProvider, providerNames, registerProvider, selectProvider } from './crypto/registry.js';
export { nodeProvider } from './crypto/node/index.js';
export { nativeProvider, nativeUnavailableReason } from './crypto/native/index.js';
export { nobleProvider } from './crypto/noble/index.js';

export { deriveSecret, hkdfExpandLabel, scheduleContext, type LabelPrefix, type ScheduleContext } from './keyschedule/context.js';
export { EarlyStage, HandshakeStage, MasterStage } from './keyschedule/stages.js';
export {
  exportKeyingMaterial,
  finishedKey,
  finishedVerifyData,
  nextApplicationTrafficSecret,
  pskBinder,
  resumptionPsk,
  trafficKeys,
  type TrafficKeys,
} from './keyschedule/derived-keys.js';
export { Transcript } from './keyschedule/transcript.js';

export { RecordLayer, type RecordLayerConfig } from './record/record-layer.js';
export type { ReceivedRecord } from './record/record-reader.js';
export { RecordLayerError } from './record/record-writer.js';
export { DROP_REASONS, type DropCounters, type DropReason } from './record/drops.js';
export { noPadding, padToMultipleOf, type PaddingPolicy } from './record/inner-plaintext.js';
export { DEFAULT_AEAD_LIMITS, type AeadLimits } from './record/limits.js';
export { ReplayWindow } from './record/replay-window.js';

export { DtlsConnection, ConnectionStateError, type ConnectionOptions, type ConnectionStats } from './dtls/connection.js';
export type { DtlsConfig } from './connection/config.js';
export type { ConnectionEvent, NegotiatedParameters } from './connection/events.js';
export { Dtls12FeatureError } from './dtls12/feature-error12.js';
export { isDtls12 } from './dtls12/negotiated12.js';
export type { Negotiated12Parameters, SessionParameters } from './connection/events.js';
export { HelloRetryResponder, type HelloRetryOutcome } from './connection/hello-retry-responder.js';
export type { StatelessRetry } from './connection/stateless-retry.js';
export type { ServerCredentials, SniEntry, SniOption } from './connection/sni-selection.js';
export {
  SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  srtpKeyingMaterial,
  srtpProfileInfo,
  type KeyingMaterialExporter,
  type SrtpKeyingMaterial,
  type SrtpProfileInfo,
  type SrtpProfileName,
} from './connection/srtp.js';
export { MAX_RECORD_SIZE_LIMIT, MIN_RECORD_SIZE_LIMIT } from './connection/record-size-limit.js';
export { ProtocolError } from './handshake/protocol-error.js';
export { MemoryAntiReplay, type AntiReplayStore, type SyncAntiReplay } from './session/anti-replay.js';
export { RedisAntiReplay, type RedisSetClient } from './session/redis-anti-replay.js';
export { decodeClientSession, encodeClientSession, type ClientSession } from './session/client-session.js';
export type { ClientPskOption, ExternalPsk, PskKeyExchangeModeName, ServerPskEntry, ServerPskOption } from './session/external-psk.js';
export * from '../generated/charts/index.js';

export { createCertificate, generateKeyPair, type CertificateOptions, type KeyPairKind } from './pki/certificate-builder.js';
export { createChainVerifier, parsePemCertificates, verifyCertificateChain, type CertificateVerifier, type ChainResult } from './pki/verify-chain.js';

export * from './node/index.js';
export { certificateToPem, privateKeyToPem } from './pki/pem.js';
export { createThrowawayIdentity, type ThrowawayIdentity, type ThrowawayIdentityOptions } from './pki/throwaway-identity.js';
export { createSecureContext, type DtlsSecureContextOptions } from './node/dtls/secure-context.js';
export { DatagramTransport, type DatagramSend, type TransportAddress } from './node/dtls/transport.js';
export {
  resolveCredentials,
  SecureContext,
  type CertificateCredential,
  type CredentialInput,
  type CredentialItem,
  type CredentialOptions,
  type ResolvedCredentials,
  type SecureContextOptions,
} from './pki/secure-context.js';
