export { connect } from './dtls/connect.js';
export { listen, DtlsListener, DtlsListenerStats, type HandshakeErrorHandler } from './dtls/listener.js';
export {
  DtlsSession,
  type MessageHandler,
  type SendData,
  type SessionAddress,
  type SessionCloseReason,
  type SessionOpened,
} from './dtls/session.js';
export { DtlsSessionStats } from './dtls/session-stats.js';
export {
  DtlsSessionError,
  MessageTooLargeError,
  SessionStateError,
  type DtlsApplicationErrorCodes,
  type DtlsErrorCode,
  type SessionErrorCode,
  type SystemErrorCode,
} from './dtls/errors.js';
export { maxMessageSize, MAX_RECORD_PLAINTEXT } from '../connection/message-size.js';
export type { AntiReplayWaitStats } from './anti-replay-wait.js';
export type { ConnectOptions as DtlsConnectOptions, ListenOptions as DtlsListenOptions } from './dtls/options.js';
export type { FleetOptions as DtlsFleetOptions } from './dtls/workers/fleet-options.js';
