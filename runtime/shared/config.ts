import {
  resolveConnectionIds,
  type ConnectionIdOption,
  type ResolvedConnectionIds,
  type RrcProcedure,
} from '../cid/cid-options.js';
import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { defaultProvider } from '../crypto/registry.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { booleanOption, ConfigError, functionOption, integerOption, described } from '../config-error.js';
import type { FlightTimerConfig } from '../handshake/flight-timer-config.js';
import { checkIdentityOptions } from '../pki/check-identity-options.js';
import type { CertificateVerifier } from '../pki/verify-chain.js';
import { resolveLimits, type ConnectionLimits } from './connection-limits.js';
import type { AeadLimits } from '../record/limits.js';
import { decodeClientSession, type ClientSession } from '../session/client-session.js';
import {
  clientPskSource,
  pskModesOption,
  serverPskLookup,
  type ClientPskOption,
  type PskKeyExchangeModeName,
  type ResolvedPsk,
  type ServerPskOption,
} from '../session/external-psk.js';
import { ticketKeysFor, type TicketKeys } from '../session/ticket-key-cache.js';
import { DecodeError } from '../wire/errors.js';
import { MESSAGE_BUFFERS, type MessageBuffers } from '../wire/message-arena.js';
import { processAntiReplay, type SyncAntiReplay } from '../session/anti-replay.js';
import { alpnNames, serverAlpnSelector, type AlpnSelector, type ServerAlpnOption } from '../session/alpn.js';
import { sniSelector, type SniOption, type SniSelector } from './sni-selection.js';
import { recordSizeLimitOption } from './record-size-limit.js';
import { srtpOption, type SrtpProfileName } from './srtp.js';
import { resolveServerName } from '../pki/server-name.js';
import { resolveVersionRange, type DtlsVersionName, type VersionRange } from '../versions/versions.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import type { ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { resolveRawPublicKey, type RawPublicKeyOption, type ResolvedRawPublicKey } from './raw-public-key-option.js';

/** Options of a DTLS 1.3 connection (client or server). */
export interface DtlsConfig {
  /** Crypto provider (default: native when its addon is built, else node; `DTLS13_NATIVE=0` keeps node). */
  readonly provider?: CryptoProvider;
  /** Cipher suites in preference order (default: AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305). */
  readonly cipherSuites?: readonly SupportedCipherSuite[];
  /**
   * Let `cipherSuites` name TLS_AES_128_CCM_8_SHA256 (default false). Its 8-byte tag lets anyone on the path end the
   * session with 2^7 forged records (RFC 9147 §4.5.3, Appendix B.3). For constrained links where that is accepted.
   */
  readonly allowCcm8?: boolean;
  /** Key exchange groups in preference order; a client sends a key share for the first (default: x25519, secp256r1, secp384r1). */
  readonly groups?: readonly KeyExchangeGroup[];
  /** Signature schemes accepted from the peer, in preference order. */
  readonly signatureAlgorithms?: readonly SignatureAlgorithm[];
  /** Our certificate chain (DER, leaf first) and the leaf's private key (PKCS#8 DER). Required for a server. */
  readonly certificate?: { readonly chain: readonly Uint8Array[]; readonly privateKey: Uint8Array };
  /** Trust anchors (DER) for the peer's chain. */
  readonly trustAnchors?: readonly Uint8Array[];
  /**
   * Client: the server's DNS name (sent as server_name) or IP address, which its certificate must match (RFC 9525 §6).
   * Required with the built-in verification, unless `checkServerIdentity` is false.
   */
  readonly serverName?: string;
  /** Client: check the server certificate against `serverName` (default true; false: any name the anchors vouch for). */
  readonly checkServerIdentity?: boolean;
  /** Replaces the built-in chain verification. */
  readonly verifyPeer?: CertificateVerifier;
  /**
   * Raw public keys (RFC 7250). `privateKey` (PKCS#8 DER): ours, offered before X.509 (a `certificate` given too must
   * hold the same key). `verifyPeer`: the peer must present a raw key, and this checks it.
   */
  readonly rawPublicKey?: RawPublicKeyOption;
  /** Server: whether to ask for a client certificate (default 'none'). */
  readonly clientAuthentication?: 'none' | 'optional' | 'required';
  /** Largest datagram to send (default 1,200 bytes). */
  readonly maxDatagramSize?: number;
  readonly retransmission?: FlightTimerConfig;
  /** Anti-replay window in records (default 64). */
  readonly replayWindow?: number;
  /**
   * How received application data is held (docs/security/buffers.md): 'batch' (default), each message a view of one
   * untransferable ArrayBuffer per session and receive batch, as Node's pooled Buffers are; 'own', an ArrayBuffer per
   * message, for an application that transfers or writes outside its messages.
   */
  readonly messageBuffers?: MessageBuffers;
  /** Receives one line per secret in the NSS key log format (SSLKEYLOGFILE). Secrets leave the process: debugging only. */
  readonly keyLog?: (line: string) => void;
  /** What one connection may hold for its peer at most (defaults in connection-limits.ts). */
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * External pre-shared keys (RFC 8446 §4.2.11). Client: `{ identity, key }` or a function of the server name. Server:
   * identity → key as a Map, object or synchronous function; with no certificate it takes PSK clients only.
   */
  readonly psk?: ClientPskOption | ServerPskOption;
  /** PSK key exchange modes (RFC 8446 §4.2.9), default `['psk_dhe_ke']`; `psk_ke` (no forward secrecy) only when listed. */
  readonly pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  /** Client: a session from an earlier connection's `sessionTicket` event, to resume (RFC 8446 §2.2). */
  readonly session?: Uint8Array | ClientSession;
  /**
   * Server: ticket sealing keys, 32 bytes each (one Uint8Array of 32 × N bytes, or an array), the first current. Servers
   * sharing them resume each other's sessions (docs/security/tickets.md). Default: random, per options object.
   */
  readonly ticketKeys?: Uint8Array | readonly Uint8Array[];
  /** Server: NewSessionTickets sent after each handshake (default 1; 0 sends none). */
  readonly tickets?: number;
  /** Server: ticket_lifetime in seconds (default 7200; at most 604800, RFC 8446 §4.6.1). */
  readonly ticketLifetime?: number;
  /** Client: offer post_handshake_auth, so the server may ask for our certificate after the handshake (RFC 8446 §4.6.2). */
  readonly postHandshakeAuth?: boolean;
  /**
   * Client: 0-RTT data sent with a resumed ClientHello (RFC 8446 §4.2.10). An attacker can replay it: idempotent
   * requests only. The `earlyData` event says whether the server took it.
   */
  readonly earlyData?: Uint8Array;
  /** Server: the most 0-RTT data a ticket allows (its max_early_data_size; default 0: no 0-RTT). */
  readonly maxEarlyData?: number;
  /** Server: the store that lets a given ClientHello's early data in once (RFC 8446 §8; default: this process's memory). */
  readonly antiReplay?: SyncAntiReplay;
  /**
   * Connection IDs (RFC 9146, RFC 9147 §9): our CIDs' length (0..20), or an object with `generate`, `spares` and caps.
   * Used when both sides offer the extension.
   */
  readonly cid?: number | ConnectionIdOption;
  /**
   * Return routability checks (RFC 9853) before moving a session to a new address: true or 'basic' (the default with
   * `cid`), 'enhanced' (ask the old address first), false (none: RFC 9146 §6's rule moves the session).
   */
  readonly rrc?: boolean | RrcProcedure;
  /** The check's timer T (RFC 9853 §5.5; default 1000 ms). */
  readonly rrcTimeoutMs?: number;
  /**
   * Server, for wolfSSL 5.7.2 clients only: echo legacy_session_id, which RFC 9147 §5 forbids (default false); without
   * it wolfSSL cannot resume.
   */
  readonly echoLegacySessionId?: boolean;
  /**
   * ALPN (RFC 7301): names preferred first, or (server) a function of the offered names and server name; none in common
   * is no_application_protocol. The choice is `alpnProtocol`.
   */
  readonly alpn?: readonly string[] | ServerAlpnOption;
  /**
   * Server: certificates by server_name (RFC 6066): host name → `{ chain, privateKey }` (or several: the first the
   * client's signature_algorithms fit) as a Map or object (`'*.example.com'`, `'*'` for any other), or a function. No
   * entry: unrecognized_name; no name sent: `certificate`, else `'*'`. Names compare case-insensitively.
   */
  readonly sni?: SniOption;
  /**
   * record_size_limit (RFC 8449) we advertise: the largest DTLSInnerPlaintext we take, 64..16385 (larger is
   * record_overflow). Client default: not sent; a server answers one with this (default 16385).
   */
  readonly recordSizeLimit?: number;
  /**
   * DTLS-SRTP (RFC 5764): protection profiles preferred first, as an array or colon-separated string; none in common
   * means no SRTP. The choice is `srtpProfile`; `srtpKeyingMaterial` derives the keys.
   */
  readonly srtp?: readonly string[] | string;
  /**
   * signature_algorithms_cert (RFC 8446 §4.2.3): schemes we accept in the peer's certificates (else
   * unsupported_certificate). Default: not sent; signature_algorithms governs certificates too.
   */
  readonly signatureAlgorithmsCert?: readonly SignatureAlgorithm[];
  /** The versions to negotiate, as `session.protocol` reports them: 'DTLSv1.2' (default min) to 'DTLSv1.3' (default max). */
  readonly minVersion?: DtlsVersionName;
  readonly maxVersion?: DtlsVersionName;
}

/** What a ClientHello offering 1.3 and 1.2 carries of a 1.2 session (ResolvedConfig.offer12Session). */
export interface Offer12Session {
  readonly sessionId: Uint8Array;
  readonly extensions: readonly ClientHelloExtension[];
}

export interface ResolvedConfig {
  readonly provider: CryptoProvider;
  readonly cipherSuites: readonly SupportedCipherSuite[];
  readonly groups: readonly KeyExchangeGroup[];
  readonly signatureAlgorithms: readonly SignatureAlgorithm[];
  readonly certificate: DtlsConfig['certificate'];
  readonly trustAnchors: readonly Uint8Array[];
  readonly serverName: string | undefined;
  /** What the server certificate is checked against; undefined only when the check is off. */
  readonly serverIdentity: string | undefined;
  readonly verifyPeer: CertificateVerifier | undefined;
  readonly rawPublicKey: ResolvedRawPublicKey | undefined;
  readonly clientAuthentication: 'none' | 'optional' | 'required';
  readonly maxDatagramSize: number;
  readonly retransmission: FlightTimerConfig;
  readonly replayWindow: number;
  readonly messageBuffers: MessageBuffers;
  readonly keyLog: ((line: string) => void) | undefined;
  readonly limits: ConnectionLimits;
  readonly pskModes: readonly PskKeyExchangeModeName[];
  /** Client: the external PSK to offer for a server name. */
  readonly clientPsk: ((serverName: string | undefined) => ResolvedPsk | undefined) | undefined;
  /** Server: the external PSK of an identity. */
  readonly serverPsk: ((identity: Uint8Array) => ResolvedPsk | undefined) | undefined;
  readonly session: ClientSession | undefined;
  readonly ticketKeys: TicketKeys | undefined;
  readonly tickets: number;
  readonly ticketLifetime: number;
  readonly postHandshakeAuth: boolean;
  readonly earlyData: Uint8Array | undefined;
  readonly maxEarlyData: number;
  readonly antiReplay: SyncAntiReplay;
  readonly echoLegacySessionId: boolean;
  readonly connectionIds: ResolvedConnectionIds | undefined;
  /** Client: the names offered. */
  readonly alpnOffer: readonly string[] | undefined;
  /** Server: how to pick. */
  readonly alpnSelect: AlpnSelector | undefined;
  readonly sni: SniSelector | undefined;
  readonly recordSizeLimit: number | undefined;
  readonly srtp: readonly SrtpProfileName[] | undefined;
  readonly signatureAlgorithmsCert: readonly SignatureAlgorithm[] | undefined;
  readonly versions: VersionRange;
  /** Client: the DTLS 1.2 suites offered beside 1.3, when the range enables 1.2 (set by runtime/connection/version-configs.ts). */
  readonly offer12: readonly Dtls12CipherSuite[] | undefined;
  /**
   * Client, with `offer12`: a 1.2 session offered beside 1.3 (RFC 5077 §3.4): its ID as legacy_session_id (RFC 9147
   * §5.3 allows it) and the SessionTicket extension; built by runtime/dtls12/ticket.ts.
   */
  readonly offer12Session?: Offer12Session | undefined;
  /** @internal Key usage limits other than RFC 9147 §4.5.3's (no option: tests lower them to reach a KeyUpdate). */
  readonly aeadLimits?: AeadLimits | undefined;
}

/** `maxDatagramSize` bounds in bytes (node:dtls's `mtu`; max: the largest UDP payload over IPv4). */
export const DATAGRAM_SIZE = { min: 256, max: 65_507, default: 1200 } as const;

const DEFAULT_SIGNATURES: readonly SignatureAlgorithm[] = [
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
  'ed25519',
  'ed448',
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pss_pss_sha256',
  'rsa_pss_pss_sha384',
  'rsa_pss_pss_sha512',
];

// One copy of each default for every configuration that takes it.
const DEFAULT_CIPHER_SUITES: readonly SupportedCipherSuite[] = [
  'tls_aes_128_gcm_sha256',
  'tls_aes_256_gcm_sha384',
  'tls_chacha20_poly1305_sha256',
];
const DEFAULT_GROUPS: readonly KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1'];
const DEFAULT_RETRANSMISSION: FlightTimerConfig = {};
const signaturesByProvider = new WeakMap<CryptoProvider, readonly SignatureAlgorithm[]>();

/** The default signature algorithms `provider` supports, worked out once per provider. */
function defaultSignatures(provider: CryptoProvider): readonly SignatureAlgorithm[] {
  let list = signaturesByProvider.get(provider);
  if (list === undefined) {
    list = DEFAULT_SIGNATURES.filter((a) => provider.supports({ kind: 'signature', algorithm: a }));
    signaturesByProvider.set(provider, list);
  }
  return list;
}

function nonEmpty<T>(
  option: string,
  value: readonly T[] | undefined,
  fallback: readonly T[],
  valid: (x: T) => boolean,
): readonly T[] {
  const v = value ?? fallback;
  if (v.length === 0) throw new ConfigError(option, 'must not be empty');
  const bad = v.find((x) => !valid(x));
  if (bad !== undefined) throw new ConfigError(option, `unsupported value ${String(bad)}`);
  return v;
}

/** What `keyLog` is called with, as its ConfigError says it. */
export const KEY_LOG_SHAPE = '(line: string) => void, called with each NSS key log line';

/**
 * Validates options up front; every problem is a ConfigError naming the option. Connections read their options
 * afresh (costly derivations are cached by value); a UDP server resolves them once, at listen. `owner`: the object the
 * random ticket keys belong to when `ticketKeys` is not given.
 */
export function resolveConfig(role: 'client' | 'server', o: DtlsConfig, owner: object = o): ResolvedConfig {
  const provider = o.provider ?? defaultProvider();
  const versions = resolveVersionRange(o.minVersion, o.maxVersion);
  // The 1.3 configuration needs 1.3 in its range; a 1.2-only range is resolved by runtime/connection/version-configs.ts.
  if (!versions.enabled.includes('DTLSv1.3')) {
    throw new ConfigError(
      'maxVersion',
      `${versions.maxVersion} leaves the DTLS 1.3 configuration nothing to negotiate: a DTLS 1.2 connection is DtlsConnection.client/server, connect() or listen() with maxVersion 'DTLSv1.2'`,
    );
  }
  const cipherSuites = nonEmpty<SupportedCipherSuite>(
    'cipherSuites',
    o.cipherSuites,
    DEFAULT_CIPHER_SUITES,
    (s) => s in CIPHER_SUITES,
  );
  if (booleanOption('allowCcm8', o.allowCcm8) !== true && cipherSuites.includes('tls_aes_128_ccm_8_sha256')) {
    throw new ConfigError(
      'cipherSuites',
      'names tls_aes_128_ccm_8_sha256, which needs allowCcm8: true: with its 8-byte tag 2^7 forged records end a session (RFC 9147 §4.5.3)',
    );
  }
  const groups = nonEmpty<KeyExchangeGroup>('groups', o.groups, DEFAULT_GROUPS, (g) =>
    provider.supports({ kind: 'keyExchange', group: g }),
  );
  const signatureAlgorithms = nonEmpty<SignatureAlgorithm>(
    'signatureAlgorithms',
    o.signatureAlgorithms,
    defaultSignatures(provider),
    (a) => provider.supports({ kind: 'signature', algorithm: a }),
  );
  checkSide(role, o);
  const rawPublicKey = resolveRawPublicKey(o.rawPublicKey, o.certificate);
  if (
    role === 'server' &&
    !o.certificate &&
    o.psk === undefined &&
    o.sni === undefined &&
    rawPublicKey?.own === undefined
  )
    throw new ConfigError(
      'certificate',
      'a server needs a certificate chain and private key (or sni, or rawPublicKey.privateKey), or psk for PSK clients only',
    );
  if (o.certificate && o.certificate.chain.length === 0)
    throw new ConfigError('certificate', 'the chain must hold at least the leaf certificate');
  const clientAuthentication = o.clientAuthentication ?? 'none';
  if (!['none', 'optional', 'required'].includes(clientAuthentication))
    throw new ConfigError(
      'clientAuthentication',
      `must be none, optional or required, got ${described(clientAuthentication)}`,
    );
  booleanOption('checkServerIdentity', o.checkServerIdentity);
  const serverName = o.serverName === undefined ? undefined : resolveServerName(o.serverName);
  // Without trust anchors nothing verifies anyway (every chain is unknown_ca); with them, the identity is checked unless switched off.
  const checkIdentity = role === 'client' && o.verifyPeer === undefined && o.checkServerIdentity !== false;
  if (checkIdentity && serverName === undefined && (o.trustAnchors?.length ?? 0) > 0) {
    throw new ConfigError(
      'serverName',
      'the server certificate is checked against serverName: give the host name or IP address, or set checkServerIdentity: false',
    );
  }
  const session = role === 'client' ? resumptionSession(o.session, serverName) : undefined;
  const tickets = role === 'server' ? integerOption('tickets', o.tickets ?? 1, 0, 16) : 0;
  checkIdentityOptions(provider, {
    ...(o.certificate ? { certificate: o.certificate } : {}),
    ...(o.trustAnchors ? { trustAnchors: o.trustAnchors } : {}),
  });
  return {
    provider,
    cipherSuites,
    groups,
    signatureAlgorithms,
    certificate: o.certificate,
    trustAnchors: o.trustAnchors ?? [],
    serverName,
    serverIdentity: checkIdentity ? serverName : undefined,
    verifyPeer: o.verifyPeer,
    rawPublicKey,
    clientAuthentication,
    maxDatagramSize: integerOption(
      'maxDatagramSize',
      o.maxDatagramSize ?? DATAGRAM_SIZE.default,
      DATAGRAM_SIZE.min,
      DATAGRAM_SIZE.max,
    ),
    retransmission: o.retransmission ?? DEFAULT_RETRANSMISSION,
    replayWindow: integerOption('replayWindow', o.replayWindow ?? 64, 64, 1 << 20),
    messageBuffers: messageBuffersOption(o.messageBuffers),
    keyLog: functionOption('keyLog', o.keyLog, KEY_LOG_SHAPE),
    limits: resolveLimits(o.limits),
    pskModes: pskModesOption(o.pskKeyExchangeModes),
    clientPsk: role === 'client' ? clientPskSource(o.psk as ClientPskOption | undefined) : undefined,
    serverPsk: role === 'server' ? serverPskLookup(o.psk as ServerPskOption | undefined) : undefined,
    session,
    ticketKeys: role === 'server' ? ticketKeysFor(provider, o.ticketKeys, owner) : undefined,
    tickets,
    ticketLifetime: integerOption('ticketLifetime', o.ticketLifetime ?? 7200, 1, 604_800),
    postHandshakeAuth: o.postHandshakeAuth === true,
    earlyData: earlyDataOption(role, o.earlyData),
    maxEarlyData: role === 'server' ? integerOption('maxEarlyData', o.maxEarlyData ?? 0, 0, 0xffff_ffff) : 0,
    antiReplay: o.antiReplay ?? processAntiReplay(),
    echoLegacySessionId: o.echoLegacySessionId === true,
    connectionIds: resolveConnectionIds(o.cid, o.rrc, o.rrcTimeoutMs),
    alpnOffer: role === 'client' && o.alpn !== undefined ? alpnNames('alpn', o.alpn) : undefined,
    alpnSelect: role === 'server' ? serverAlpnSelector(o.alpn) : undefined,
    sni: role === 'server' ? sniSelector(provider, o.sni) : undefined,
    recordSizeLimit: recordSizeLimitOption(o.recordSizeLimit),
    srtp: srtpOption(o.srtp),
    signatureAlgorithmsCert: signatureSchemesOption('signatureAlgorithmsCert', o.signatureAlgorithmsCert),
    versions,
    offer12: undefined,
  };
}

/** A list of signature scheme names, non-empty, each one this library knows; undefined stays undefined. */
function signatureSchemesOption(
  option: string,
  value: readonly SignatureAlgorithm[] | undefined,
): readonly SignatureAlgorithm[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ConfigError(option, 'must be an array of signature scheme names');
  return nonEmpty(
    option,
    value,
    [],
    (a) =>
      DEFAULT_SIGNATURES.includes(a) ||
      a === 'rsa_pkcs1_sha256' ||
      a === 'rsa_pkcs1_sha384' ||
      a === 'rsa_pkcs1_sha512',
  );
}

function earlyDataOption(role: 'client' | 'server', data: unknown): Uint8Array | undefined {
  if (data === undefined || role !== 'client') return undefined; // on a server: refused by checkSide
  if (!(data instanceof Uint8Array) || data.length === 0)
    throw new ConfigError('earlyData', 'must be a non-empty Uint8Array');
  return data;
}

/** The options of one side only, by side; a boolean one set to false is no option. */
const ONE_SIDE = {
  server: ['sni', 'ticketKeys', 'tickets', 'echoLegacySessionId'],
  client: ['session', 'earlyData', 'postHandshakeAuth'],
} as const satisfies Record<'client' | 'server', readonly (keyof DtlsConfig)[]>;

/** A ConfigError for the first option of `o` that is the other side's, or a boolean of one side that is no boolean. */
function checkSide(role: 'client' | 'server', o: DtlsConfig): void {
  booleanOption('postHandshakeAuth', o.postHandshakeAuth);
  booleanOption('echoLegacySessionId', o.echoLegacySessionId);
  const side = role === 'client' ? 'server' : 'client';
  for (const option of ONE_SIDE[side]) {
    const value = o[option];
    if (value !== undefined && value !== false) throw new ConfigError(option, `is a ${side} option`);
  }
}

/**
 * The client's `session` option has a ticket's type: a stored ticket's bytes (`session.resumptionTicket`, either
 * version's) or a {@link ClientSession} object; anything else is a ConfigError (ERR_INVALID_ARG_TYPE) saying what it got.
 */
export function checkSessionType(value: unknown): void {
  if (value === undefined || value instanceof Uint8Array) return;
  const ticket = value as { readonly ticket?: unknown; readonly psk?: unknown };
  const isObject = typeof value === 'object' && value !== null;
  if (isObject && ticket.ticket instanceof Uint8Array && ticket.psk instanceof Uint8Array) return;
  const given =
    isObject && Object.getPrototypeOf(value) === Object.prototype
      ? 'an object without the ticket and psk bytes of a ResumptionTicket'
      : described(value);
  throw new ConfigError(
    'session',
    `must be a ticket to resume: the bytes of session.resumptionTicket (a Buffer or Uint8Array), or a ResumptionTicket object (decodeResumptionTicket); got ${given}`,
    'ERR_INVALID_ARG_TYPE',
  );
}

/** The session to resume, checked now: it must decode, and the server name it was issued for must be the one asked for. */
function resumptionSession(
  option: Uint8Array | ClientSession | undefined,
  serverName: string | undefined,
): ClientSession | undefined {
  if (option === undefined) return undefined;
  checkSessionType(option);
  let session: ClientSession;
  try {
    session = option instanceof Uint8Array ? decodeClientSession(option) : option;
  } catch (e) {
    if (e instanceof DecodeError) throw new ConfigError('session', `cannot be read: ${e.message}`);
    throw e;
  }
  if (storedServerName(session.serverName) !== serverName) {
    throw new ConfigError(
      'session',
      `was issued by ${session.serverName ?? 'a server with no name checked'}, not ${serverName ?? 'a server with no name checked'}: resuming would skip authenticating ${serverName ?? 'this server'}`,
    );
  }
  return session;
}

/**
 * A stored session's server name made canonical (sessions saved before may hold `Example.COM` or `[::1]`); a name no
 * longer valid stays as it is and matches nothing.
 */
function storedServerName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  try {
    return resolveServerName(name);
  } catch (e) {
    if (e instanceof ConfigError) return name;
    throw e;
  }
}

/** `messageBuffers`: 'batch' (default) or 'own'. @throws ConfigError for anything else. */
export function messageBuffersOption(value: MessageBuffers | undefined): MessageBuffers {
  if (value === undefined) return 'batch';
  if (!MESSAGE_BUFFERS.includes(value))
    throw new ConfigError('messageBuffers', `must be 'own' or 'batch', got ${described(value)}`);
  return value;
}
