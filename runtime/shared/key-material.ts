import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { scheduleContext, type ScheduleContext } from '../keyschedule/context.js';
import { EarlyStage, type HandshakeStage, type MasterStage } from '../keyschedule/stages.js';
import type { PskKeyExchangeModeName } from '../session/external-psk.js';
import type { PeerCertificate } from './peer-authentication.js';
import type { Transcript } from '../keyschedule/transcript.js';
import { toHex } from '../wire/bytes.js';
import type { NegotiatedParameters } from './events.js';
import type { SrtpProfileName } from './srtp.js';
import type { CertificateTypes } from './certificate-types.js';

/** What both sides know once the hellos are exchanged: the suite, the running transcript, the handshake secrets. */
export interface HandshakeKeys {
  readonly suite: SupportedCipherSuite;
  readonly schedule: ScheduleContext;
  readonly transcript: Transcript;
  /** The (EC)DHE group; undefined for psk_ke. */
  readonly group: KeyExchangeGroup | undefined;
  /** The PSK the handshake is keyed with, when the server accepted one. */
  readonly psk: AcceptedPsk | undefined;
  /** What became of 0-RTT data (known to the client at EncryptedExtensions, to the server at the ClientHello). */
  readonly earlyData: 'accepted' | 'rejected' | 'not sent';
  /** The application protocol (RFC 7301), once EncryptedExtensions names it. */
  readonly alpn: string | undefined;
  /** server_name's host name (RFC 6066), normalized: the one sent (client) or asked for (server). */
  readonly servername: string | undefined;
  /** The SRTP protection profile (RFC 5764), once EncryptedExtensions names it. */
  readonly srtpProfile: SrtpProfileName | undefined;
  /** The peer's record_size_limit (RFC 8449), once known. */
  readonly peerRecordSizeLimit: number | undefined;
  /** What each end presents (RFC 7250): X.509 until EncryptedExtensions says otherwise. */
  readonly certificateTypes: CertificateTypes;
  readonly stage: HandshakeStage;
  readonly clientSecret: Uint8Array;
  readonly serverSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly helloRetried: boolean;
}

/** A PSK both sides use: from a ticket (a resumed session) or external, and the mode (RFC 8446 §4.2.9). */
export interface AcceptedPsk {
  readonly kind: 'external' | 'resumption';
  readonly identity: Uint8Array;
  readonly mode: PskKeyExchangeModeName;
}

/** Both application traffic secrets (RFC 8446 §7.1), and the master stage kept until resumption_master_secret. */
export interface ApplicationSecrets {
  readonly clientSecret: Uint8Array;
  readonly serverSecret: Uint8Array;
  readonly master: MasterStage;
  /** exporter_master_secret (RFC 8446 §7.5), kept for the session's exporters. */
  readonly exporterSecret: Uint8Array;
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
  /** resumption_master_secret (RFC 8446 §7.1), which ticket PSKs derive from. */
  readonly resumptionSecret: Uint8Array;
  /** Server: the server_name the client asked for, bound into tickets. Client: the name it authenticated. */
  readonly serverName: string | undefined;
  readonly clientAuthenticated: boolean;
  /** Server: NewSessionTickets sent so far (the nonce of the next). */
  ticketsIssued: number;
  /** Server: the external PSK identity the session stands on, bound into its tickets (ticket-grant.ts). */
  readonly pskIdentity?: Uint8Array | undefined;
  /** Server: what the session was granted, bound into its tickets (ticket-grant.ts); undefined: none are issued. */
  readonly grant?: Uint8Array | undefined;
  /**
   * Server, a resumed session: when the ticket it resumed expires (wall-clock ms). Its tickets expire then too, so a
   * chain of resumptions lives one ticket lifetime from the full handshake, not one more per link.
   */
  readonly ticketsUntil?: number | undefined;
  /** The transcript through the client's Finished, kept only for post-handshake authentication (RFC 8446 §4.4). */
  readonly transcript: Transcript | undefined;
  /** Client: we offered post_handshake_auth; server: the client did (RFC 8446 §4.2.6). */
  readonly postHandshakeAuth: boolean;
  /** Server: the post-handshake CertificateRequest outstanding, and how far the client's answer has come. */
  pendingAuth?: PendingAuthentication | undefined;
  /** exporter_master_secret (RFC 8446 §7.5): what `exportKeyingMaterial` derives from. */
  readonly exporterSecret: Uint8Array;
}

/** Server: the outstanding post-handshake CertificateRequest and how far the client's answer has come. */
export type PendingAuthentication =
  | { readonly stage: 'certificate'; readonly context: Uint8Array; readonly transcript: Transcript }
  | {
      readonly stage: 'certificateVerify';
      readonly context: Uint8Array;
      readonly transcript: Transcript;
      readonly peer: PeerCertificate;
    }
  | {
      readonly stage: 'finished';
      readonly context: Uint8Array;
      readonly transcript: Transcript;
      readonly peer: PeerCertificate | undefined;
    };

/** Writes one NSS key log line when the caller asked for a key log. */
export type KeyLogger = (label: string, clientRandom: Uint8Array, secret: Uint8Array) => void;

/** The logger of connections without a key log: one for all. */
const NO_KEY_LOG: KeyLogger = () => {};

/** A key log callback; with `wanted`, asked before each line whether it would go anywhere (none is formatted when not). */
export type KeyLogSink = ((line: string) => void) & { readonly wanted?: () => boolean };

/** Loggers by sink: a listener's connections share its one sink, so they share one logger (no closure per connection). */
const loggers = new WeakMap<KeyLogSink, KeyLogger>();

export function keyLogger(keyLog: KeyLogSink | undefined): KeyLogger {
  if (keyLog === undefined) return NO_KEY_LOG;
  let logger = loggers.get(keyLog);
  if (logger !== undefined) return logger;
  const wanted = keyLog.wanted;
  logger = (label, random, secret) => {
    if (wanted === undefined || wanted()) keyLog(`${label} ${toHex(random)} ${toHex(secret)}`);
  };
  loggers.set(keyLog, logger);
  return logger;
}

/** Schedule contexts by provider and suite: immutable, so every connection of a provider shares one per suite. */
const schedules = new WeakMap<CryptoProvider, Map<SupportedCipherSuite, ScheduleContext>>();

/** The key schedule context of a suite (the DTLS label prefix, RFC 9147 §5.9). */
export function scheduleFor(provider: CryptoProvider, suite: SupportedCipherSuite): ScheduleContext {
  let bySuite = schedules.get(provider);
  if (bySuite === undefined) schedules.set(provider, (bySuite = new Map()));
  let ctx = bySuite.get(suite);
  if (ctx === undefined) bySuite.set(suite, (ctx = scheduleContext(provider, CIPHER_SUITES[suite].hash, 'dtls13')));
  return ctx;
}

/** The handshake secrets from the PSK, the (EC)DHE secret (each if any) and Transcript-Hash(ClientHello..ServerHello). */
export function deriveHandshakeKeys(
  input: Omit<HandshakeKeys, 'stage' | 'clientSecret' | 'serverSecret'>,
  sharedSecret: Uint8Array | undefined,
  log: KeyLogger,
  pskKey?: Uint8Array,
): HandshakeKeys {
  const early = EarlyStage.start(input.schedule, pskKey);
  const stage = early.handshake(sharedSecret);
  early.release();
  sharedSecret?.fill(0);
  const secrets = stage.handshakeTrafficSecrets(input.transcript.current());
  // Field by field: one shape for every handshake, not a spread's copy.
  const keys: HandshakeKeys = {
    suite: input.suite,
    schedule: input.schedule,
    transcript: input.transcript,
    group: input.group,
    psk: input.psk,
    earlyData: input.earlyData,
    alpn: input.alpn,
    servername: input.servername,
    srtpProfile: input.srtpProfile,
    peerRecordSizeLimit: input.peerRecordSizeLimit,
    certificateTypes: input.certificateTypes,
    stage,
    clientSecret: secrets.client,
    serverSecret: secrets.server,
    clientRandom: input.clientRandom,
    helloRetried: input.helloRetried,
  };
  log('CLIENT_HANDSHAKE_TRAFFIC_SECRET', keys.clientRandom, keys.clientSecret);
  log('SERVER_HANDSHAKE_TRAFFIC_SECRET', keys.clientRandom, keys.serverSecret);
  return keys;
}

/** The application traffic secrets over `serverFinishedHash`; the handshake stage is released here. */
export function deriveApplicationSecrets(
  keys: HandshakeKeys,
  serverFinishedHash: Uint8Array,
  log: KeyLogger,
): ApplicationSecrets {
  const master = keys.stage.master();
  keys.stage.release();
  const derived = master.applicationSecrets(serverFinishedHash);
  const secrets = {
    clientSecret: derived.client,
    serverSecret: derived.server,
    master,
    exporterSecret: derived.exporter,
  };
  log('CLIENT_TRAFFIC_SECRET_0', keys.clientRandom, secrets.clientSecret);
  log('SERVER_TRAFFIC_SECRET_0', keys.clientRandom, secrets.serverSecret);
  log('EXPORTER_SECRET', keys.clientRandom, secrets.exporterSecret);
  return secrets;
}

/** client_early_traffic_secret over Transcript-Hash(ClientHello) (RFC 8446 §7.1), from the PSK. */
export function deriveEarlySecret(
  schedule: ScheduleContext,
  psk: Uint8Array,
  clientHelloHash: Uint8Array,
  clientRandom: Uint8Array,
  log: KeyLogger,
): Uint8Array {
  const early = EarlyStage.start(schedule, psk);
  const secret = early.clientEarlyTrafficSecret(clientHelloHash);
  early.release();
  log('CLIENT_EARLY_TRAFFIC_SECRET', clientRandom, secret);
  return secret;
}

/** resumption_master_secret over ClientHello..client Finished; the master stage is released here. */
export function deriveResumptionSecret(application: ApplicationSecrets, clientFinishedHash: Uint8Array): Uint8Array {
  const secret = application.master.resumptionMasterSecret(clientFinishedHash);
  application.master.release();
  return secret;
}

/** The parameters reported with handshakeComplete. */
export function negotiatedParameters(
  keys: HandshakeKeys,
  signatureAlgorithm: SignatureAlgorithm | undefined,
  clientAuthenticated: boolean,
  peerChain: readonly Uint8Array[] | undefined,
): NegotiatedParameters {
  return {
    cipherSuite: keys.suite,
    group: keys.group,
    signatureAlgorithm,
    helloRetryRequest: keys.helloRetried,
    clientAuthenticated,
    peerCertificate: peerChain?.[0],
    peerCertificateChain: peerChain,
    resumed: keys.psk?.kind === 'resumption',
    pskIdentity: keys.psk?.kind === 'external' ? keys.psk.identity : undefined,
    pskMode: keys.psk?.mode,
    earlyData: keys.earlyData,
    alpnProtocol: keys.alpn,
    servername: keys.servername,
    srtpProfile: keys.srtpProfile,
    recordSizeLimit: keys.peerRecordSizeLimit,
  };
}
