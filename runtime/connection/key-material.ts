import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { scheduleContext, type ScheduleContext } from '../keyschedule/context.js';
import { EarlyStage, type HandshakeStage } from '../keyschedule/stages.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { toHex } from '../wire/bytes.js';
import type { NegotiatedParameters } from './events.js';

/**
 * What both sides know once the hellos are exchanged: the suite and its
 * schedule, the running transcript, the HandshakeStage (released when the
 * master secret is derived) and both handshake traffic secrets.
 */
export interface HandshakeKeys {
  readonly suite: SupportedCipherSuite;
  readonly schedule: ScheduleContext;
  readonly transcript: Transcript;
  readonly group: KeyExchangeGroup;
  readonly stage: HandshakeStage;
  readonly clientSecret: Uint8Array;
  readonly serverSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly helloRetried: boolean;
}

/** Both application traffic secrets (RFC 8446 §7.1), derived over ClientHello..server Finished. */
export interface ApplicationSecrets {
  readonly clientSecret: Uint8Array;
  readonly serverSecret: Uint8Array;
}

/** A direction's application traffic secret and the epoch it keys (RFC 9147 §6.1, §8). */
export interface TrafficEpoch {
  readonly epoch: number;
  readonly secret: Uint8Array;
}

/** What an established connection keeps: the negotiated parameters and the traffic secrets per direction. */
export interface Session {
  readonly parameters: NegotiatedParameters;
  readonly schedule: ScheduleContext;
  read: TrafficEpoch;
  write: TrafficEpoch;
  /** Our KeyUpdate is out and not yet acknowledged: new write keys wait for its ACK (RFC 9147 §8). */
  keyUpdateInFlight: boolean;
  /** A KeyUpdate asked for while another flight was outstanding (its request_update flag), sent when that flight ends. */
  keyUpdatePending?: boolean | undefined;
}

/** Writes one NSS key log line when the caller asked for a key log. */
export type KeyLogger = (label: string, clientRandom: Uint8Array, secret: Uint8Array) => void;

export function keyLogger(keyLog: ((line: string) => void) | undefined): KeyLogger {
  return (label, random, secret) => keyLog?.(`${label} ${toHex(random)} ${toHex(secret)}`);
}

/** The key schedule context of a suite (the DTLS label prefix, RFC 9147 §5.9). */
export function scheduleFor(provider: CryptoProvider, suite: SupportedCipherSuite): ScheduleContext {
  return scheduleContext(provider, CIPHER_SUITES[suite].hash, 'dtls13');
}

/** The Handshake Secret and both handshake traffic secrets, from the (EC)DHE secret and Transcript-Hash(ClientHello..ServerHello). */
export function deriveHandshakeKeys(
  input: Omit<HandshakeKeys, 'stage' | 'clientSecret' | 'serverSecret'>,
  sharedSecret: Uint8Array,
  log: KeyLogger,
): HandshakeKeys {
  const early = EarlyStage.start(input.schedule);
  const stage = early.handshake(sharedSecret);
  early.release();
  sharedSecret.fill(0);
  const helloHash = input.transcript.current();
  const keys = { ...input, stage, clientSecret: stage.clientHandshakeTrafficSecret(helloHash), serverSecret: stage.serverHandshakeTrafficSecret(helloHash) };
  log('CLIENT_HANDSHAKE_TRAFFIC_SECRET', keys.clientRandom, keys.clientSecret);
  log('SERVER_HANDSHAKE_TRAFFIC_SECRET', keys.clientRandom, keys.serverSecret);
  return keys;
}

/**
 * The application traffic secrets over `serverFinishedHash`; the handshake
 * and master stages are released here, so nothing later can derive from them.
 */
export function deriveApplicationSecrets(keys: HandshakeKeys, serverFinishedHash: Uint8Array, log: KeyLogger): ApplicationSecrets {
  const master = keys.stage.master();
  keys.stage.release();
  const secrets = {
    clientSecret: master.clientApplicationTrafficSecret(serverFinishedHash),
    serverSecret: master.serverApplicationTrafficSecret(serverFinishedHash),
  };
  log('CLIENT_TRAFFIC_SECRET_0', keys.clientRandom, secrets.clientSecret);
  log('SERVER_TRAFFIC_SECRET_0', keys.clientRandom, secrets.serverSecret);
  log('EXPORTER_SECRET', keys.clientRandom, master.exporterMasterSecret(serverFinishedHash));
  master.release();
  return secrets;
}

/** The parameters reported with handshakeComplete. */
export function negotiatedParameters(
  keys: HandshakeKeys,
  signatureAlgorithm: SignatureAlgorithm,
  clientAuthenticated: boolean,
  peerCertificate: Uint8Array | undefined,
): NegotiatedParameters {
  return { cipherSuite: keys.suite, group: keys.group, signatureAlgorithm, helloRetryRequest: keys.helloRetried, clientAuthenticated, peerCertificate };
}
