/**
 * `dtls13/sans-io`: DTLS without sockets or timers (`DtlsConnection.client` / `.server`: you move the datagrams, pass
 * the time, read the events), and below it the record layer, key schedule, cookie responder, tickets and PSKs.
 */
export {
  DtlsConnection,
  ConnectionStateError,
  type ConnectionOptions,
  type ConnectionStats,
  type DtlsOptions,
} from './connection/connection.js';
export { ConfigError, type ConfigErrorCode } from './config-error.js';
export type { DtlsConfig } from './shared/config-options.js';
export type {
  ConnectionEvent,
  NegotiatedParameters,
  Negotiated12Parameters,
  SessionParameters,
} from './shared/events.js';
export { Dtls12FeatureError } from './dtls12/feature-error.js';
export { isDtls12 } from './dtls12/negotiated.js';
export {
  HelloRetryResponder,
  type ClientHelloReassemblyOptions,
  type HelloRetryOutcome,
} from './dtls13/hello-retry-responder.js';
export type { CryptoProvider, HashAlgorithm } from './crypto/provider.js';
export type { SupportedCipherSuite } from './crypto/suites.js';
export type { ContentType } from '../generated/wire/enums.js';
export type { StatelessRetry } from './shared/stateless-retry.js';
export type { ServerCredentials, SniEntry, SniOption } from './shared/sni-selection.js';
export {
  SRTP_EXPORTER_LABEL,
  SRTP_PROFILES,
  srtpKeyingMaterial,
  srtpProfileInfo,
  type KeyingMaterialExporter,
  type SrtpKeyingMaterial,
  type SrtpProfileInfo,
  type SrtpProfileName,
} from './shared/srtp.js';
export { MAX_RECORD_SIZE_LIMIT, MIN_RECORD_SIZE_LIMIT } from './shared/record-size-limit.js';
export { ProtocolError } from './handshake/protocol-error.js';
export type { ChartInspectionEvent } from './chart-inspection.js';
export * from '../generated/charts/index.js';

// Resumption tickets (what a client keeps to resume) and PSKs, and the 0-RTT anti-replay stores.
export {
  decodeResumptionTicket,
  encodeResumptionTicket,
  type ResumptionTicket,
  decodeClientSession,
  encodeClientSession,
  type ClientSession,
} from './session/client-session.js';
export type {
  ClientPskOption,
  ExternalPsk,
  PskKeyExchangeModeName,
  ServerPskEntry,
  ServerPskOption,
} from './session/external-psk.js';
export { MemoryAntiReplay, type AntiReplayStore, type SyncAntiReplay } from './session/anti-replay.js';
export { RedisAntiReplay, type RedisAntiReplayClient, type RedisSetClient } from './session/redis-anti-replay.js';

// The record layer (RFC 9147 §4), sans-I/O.
export { RecordLayer, type RecordLayerConfig } from './record/record-layer.js';
export type { ReceivedRecord, RecordReader, RecordReaderConfig } from './record/record-reader.js';
export type { HibernatedRecords } from './record/hibernated-records.js';
export { RecordLayerError } from './record/record-writer.js';
export { DROP_REASONS, type DropCounters, type DropReason } from './record/drops.js';
export { noPadding, padToMultipleOf, type PaddingPolicy } from './record/inner-plaintext.js';
export { DEFAULT_AEAD_LIMITS, type AeadLimits } from './record/limits.js';
export { ReplayWindow } from './record/replay-window.js';

// The TLS 1.3 key schedule with DTLS labels (RFC 8446 §7, RFC 9147 §5.9).
export {
  deriveSecret,
  hkdfExpandLabel,
  scheduleContext,
  type LabelPrefix,
  type ScheduleContext,
} from './keyschedule/context.js';
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
