/**
 * The mapper: the concrete side of `dtls13 learn`. A SystemUnderLearning for a DTLS server (we play the client) or a
 * DTLS client (we play the server, starting it per session), in 1.2 or 1.3, and dtls13's own server and client as the
 * reference learned with the same alphabets.
 */
export { openServerSul, type ServerSulOptions } from './server-sul.js';
export { openClientSul, type ClientSulOptions } from './client-sul.js';
export type { OwnClientOptions } from './own-client.js';
export {
  referenceServer,
  referenceClient,
  type ReferenceServer,
  type ReferenceServerOptions,
  type ReferenceClient,
  type ReferenceClientOptions,
} from './reference.js';
export { WRONG_FINISHED } from './content.js';
export { DEFAULT_WAIT_MS, STEP_CAPS, type StepRecord } from './session.js';
export { MAX_QUEUED } from './datagram-channel.js';
export type { PeerRetransmissions } from './repeated-flights.js';
