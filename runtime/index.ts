/**
 * dtls13: DTLS 1.3 (RFC 9147) and 1.2 (RFC 6347) for Node under node:dtls's names (`listen`, `connect`,
 * `createSecureContext`: tests/api/root-exports.txt). The layers below have entries of their own: `dtls13/sans-io`,
 * `dtls13/wire`, `dtls13/crypto`, `dtls13/workers`.
 */
export { connect } from './api/connect.js';
export {
  listen,
  DtlsListener,
  type DtlsListenerStats,
  type HandshakeErrorHandler,
  type ListenerFor,
  type ListenOptionsFor,
  type SessionHandler,
} from './api/listener.js';
export {
  DtlsSession,
  type MessageHandler,
  type SendData,
  type SessionAddress,
  type SessionCloseReason,
  type SessionOpened,
} from './api/session.js';
export type { DtlsSessionStats } from './api/session-stats.js';
export { createSecureContext, type DtlsSecureContextOptions } from './api/secure-context.js';
export type { SecureContext, CredentialInput, SecureContextOptions } from './pki/secure-context.js';
export type { FingerprintHash } from './pki/fingerprint.js';
export type { ConnectOptions as DtlsConnectOptions, ListenOptions as DtlsListenOptions } from './api/options.js';
export type {
  WorkerListenOptions as DtlsWorkerListenOptions,
  DtlsWorkerListener,
  DtlsWorkerListenerStats,
} from './api/workers/worker-listener.js';
export type { FleetOptions as DtlsFleetOptions } from './api/workers/fleet-options.js';
export { DatagramTransport, type DatagramSend, type TransportAddress } from './api/transport.js';
export { warmUp } from './api/warm-up.js';

// Errors: every one a session, a listener or an option check throws or hands over, each with a `code`.
export { ConfigError, type ConfigErrorCode } from './config-error.js';
export {
  DtlsSessionError,
  MessageTooLargeError,
  SessionStateError,
  type DtlsApplicationErrorCodes,
  type DtlsError,
  type DtlsErrorCode,
  type SessionErrorCode,
  type SystemErrorCode,
} from './api/errors.js';
export { ConnectionStateError } from './shared/connection-api.js';
export { Dtls12FeatureError } from './dtls12/feature-error.js';

// What options and events hold.
export type { SessionParameters, NegotiatedParameters, Negotiated12Parameters } from './shared/events.js';
export { isDtls12 } from './dtls12/negotiated.js';
export type { ConnectionStats } from './shared/connection-api.js';
export type { AntiReplayWaitStats } from './node/anti-replay-wait.js';
export type { ChartInspectionEvent } from './chart-inspection.js';
export type { KeyExchangeGroup, SignatureAlgorithm } from './crypto/provider.js';
export type { SupportedCipherSuite } from './crypto/suites.js';
export type { SrtpProfileName } from './shared/srtp.js';
export type { ClientPskOption, ExternalPsk, PskKeyExchangeModeName, ServerPskOption } from './session/external-psk.js';
export { MemoryAntiReplay, type AntiReplayStore, type SyncAntiReplay } from './session/anti-replay.js';
export { RedisAntiReplay, type RedisAntiReplayClient, type RedisSetClient } from './session/redis-anti-replay.js';

// Credentials for tests and first runs.
export {
  createThrowawayIdentity,
  type ThrowawayIdentity,
  type ThrowawayIdentityOptions,
} from './pki/throwaway-identity.js';
export { certificateToPem, privateKeyToPem } from './pki/pem.js';
