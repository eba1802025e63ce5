/**
 * TLM-2.0 (IEEE 1666-2011 chapters 10-16) on the hwmodel kernel: the generic
 * payload and its extensions (DtlsExtension among them), a payload pool,
 * modules and sockets with blocking, non-blocking and debug transport, the
 * quantum keeper and the payload event queue.
 */
export { TlmCommand, TLM_BYTE_DISABLED, TLM_BYTE_ENABLED, type Command } from './command.js';
export { DtlsExtension, type DtlsExtensionFields } from './dtls-extension.js';
export { TlmExtension, type ExtensionClass } from './extension.js';
export { GenericPayload, type MemoryManager } from './generic-payload.js';
export { Module } from './module.js';
export { PayloadEventQueue, type PeqCallback } from './payload-event-queue.js';
export { PayloadPool } from './payload-pool.js';
export { TlmPhase, TlmSync, type Delay, type Phase, type PhaseRef, type SyncEnum } from './phase.js';
export { QuantumKeeper } from './quantum-keeper.js';
export {
  isResponseError,
  isResponseOk,
  responseStatusValue,
  responseString,
  TlmResponseStatus,
  type ResponseStatus,
} from './response-status.js';
export { InitiatorSocket, TargetSocket } from './sockets.js';
export { TlmError } from './tlm-error.js';
export type { TransportTap } from './transport-tap.js';
export type { BTransportFn, BTransportNowFn, NbTransportFn, TransportDbgFn } from './transport.js';
