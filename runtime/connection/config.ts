import {
  resolveConnectionIds,
  type ConnectionIdOption,
  type ResolvedConnectionIds,
  type RrcProcedure,
} from '../cid/cid-options.js';
import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { defaultProvider } from '../crypto/registry.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { booleanOption, ConfigError, integerOption, described } from '../config-error.js';
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
   * Let `cipherSuites` name TLS_AES_128_CCM_8_SHA256 (default false: it is refused). Its 8-byte tag gives each key an
   * integrity limit of 2^7 forged records (RFC 9147 §4.5.3, Appendix B.3), after which the session must end: anyone who
   * can put records on the path with the session's CID ends it with 2^7 forged records, a few datagrams. For
   * constrained links where that is accepted.
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
   * The server's identity (client): a DNS name, sent as server_name, or an IP address literal; the certificate must
   * match it (RFC 9525 §6: a DNS name against dNSName, an IP address against iPAddress). Required when the built-in
   * verification is used, unless `checkServerIdentity` is false.
   */
  readonly serverName?: string;
  /**
   * Client: whether to check the server certificate against `serverName` (default true). False accepts any name the
   * trust anchors vouch for: an explicit opt-out, for peers known by their CA alone.
   */
  readonly checkServerIdentity?: boolean;
  /** Replaces the built-in chain verification. */
  readonly verifyPeer?: CertificateVerifier;
  /**
   * Raw public keys (RFC 7250). `privateKey` (PKCS#8 DER): ours, sent as its SubjectPublicKeyInfo when the peer takes
   * raw keys (offered before X.509 when `certificate` is given too, which must then hold the same key). `verifyPeer`:
   * the peer must present a raw key, and this checks it.
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
   * How received application data is held (docs/security/buffers.md): 'own' (default), an ArrayBuffer per message;
   * 'batch', one ArrayBuffer for the messages of this connection that one receive batch brings (outside a socket's
   * batch: one datagram), each message a view of it.
   */
  readonly messageBuffers?: MessageBuffers;
  /**
   * Receives one line per secret in the NSS key log format (`CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>`,
   * ...), so a capture can be decrypted by tools that read SSLKEYLOGFILE. Secrets leave the process: for debugging
   * only.
   */
  readonly keyLog?: (line: string) => void;
  /** What one connection may hold for its peer at most (defaults in connection-limits.ts). */
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * External pre-shared keys (RFC 8446 §4.2.11). Client: `{ identity, key }` (or a function of the server name) to
   * offer. Server: identity → key as a Map or object, or a synchronous function; a server with `psk` and no certificate
   * takes PSK clients only.
   */
  readonly psk?: ClientPskOption | ServerPskOption;
  /**
   * PSK key exchange modes (RFC 8446 §4.2.9) the client offers or the server accepts, default `['psk_dhe_ke']`;
   * `psk_ke` (no (EC)DHE, no forward secrecy) only when listed.
   */
  readonly pskKeyExchangeModes?: readonly PskKeyExchangeModeName[];
  /** Client: a session from an earlier connection's `sessionTicket` event, to resume (RFC 8446 §2.2). */
  readonly session?: Uint8Array | ClientSession;
  /**
   * Server: the keys tickets are sealed with, 32 bytes each (one Uint8Array of 32 × N bytes, or an array), the first
   * current, the others still accepted. Servers sharing them resume each other's sessions (when each would grant what
   * the ticket's session was granted: docs/security/tickets.md). Default: random keys of this server's own (its options
   * object).
   */
  readonly ticketKeys?: Uint8Array | readonly Uint8Array[];
  /** Server: NewSessionTickets sent after each handshake (default 1; 0 sends none). */
  readonly tickets?: number;
  /** Server: ticket_lifetime in seconds (default 7200; at most 604800, RFC 8446 §4.6.1). */
  readonly ticketLifetime?: number;
  /** Client: offer post_handshake_auth, so the server may ask for our certificate after the handshake (RFC 8446 §4.6.2). */
  readonly postHandshakeAuth?: boolean;
  /**
   * Client: application data to send as 0-RTT early data with a resumed ClientHello (RFC 8446 §4.2.10), when `session`
   * allows that much. It can be replayed by an attacker: only for idempotent requests. The `earlyData` event says
   * whether the server took it.
   */
  readonly earlyData?: Uint8Array;
  /** Server: the most 0-RTT data a ticket allows (its max_early_data_size; default 0: no 0-RTT). */
  readonly maxEarlyData?: number;
  /** Server: the store that lets a given ClientHello's early data in once (RFC 8446 §8; default: this process's memory). */
  readonly antiReplay?: SyncAntiReplay;
  /**
   * Connection IDs (RFC 9146, RFC 9147 §9): our CIDs' length (0..20; 0 asks the peer to send none while we still send
   * its own), or an object with a `generate` function (to put a node id in them), `spares` to hand out after the
   * handshake, and caps. Used when both sides offer the extension.
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
   * Server, for wolfSSL 5.7.2 clients only: echo the client's legacy_session_id in ServerHello and HelloRetryRequest.
   * RFC 9147 §5 says a DTLS 1.3 server MUST NOT (default false); wolfSSL's client sends a session ID derived from its
   * ticket when it resumes and refuses a ServerHello that does not echo it, so without this it cannot resume.
   */
  readonly echoLegacySessionId?: boolean;
  /**
   * ALPN (RFC 7301). Client: the protocol names to offer, preferred first. Server: the names it speaks, preferred
   * first, or a function of the offered names and the server name; no name in common ends the handshake with
   * no_application_protocol. The choice is `alpnProtocol` on both sides.
   */
  readonly alpn?: readonly string[] | ServerAlpnOption;
  /**
   * Server: the certificate to present by the name the client asks for (server_name, RFC 6066): host name → `{ chain,
   * privateKey }` as a Map or object (`'*.example.com'` wildcards, `'*'` for any other name), or a function of the
   * name. A name with no entry ends the handshake with unrecognized_name; a client that sends no name gets
   * `certificate`, else `'*'`. Names compare case-insensitively, without a trailing dot. An entry may list several `{
   * chain, privateKey }`: the first whose key and chain the client's signature_algorithms(_cert) fit is presented. The
   * name is `servername` in the negotiated parameters on both sides.
   */
  readonly sni?: SniOption;
  /**
   * record_size_limit (RFC 8449) we advertise: the largest protected record we take, in bytes of DTLSInnerPlaintext
   * (content, type byte, padding), 64..16385. A larger one from the peer ends the connection with record_overflow.
   * Whatever this says, what the peer advertises limits what we send. Client default: not sent; a server answers a
   * client that sends one with this (default 16385, no limit).
   */
  readonly recordSizeLimit?: number;
  /**
   * DTLS-SRTP (RFC 5764): SRTP protection profiles, preferred first, as an array or a colon-separated string
   * (`'SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80'`). The server picks its first one the client offers; none in
   * common means no SRTP (the handshake goes on). The choice is `srtpProfile`; `srtpKeyingMaterial` derives the keys.
   */
  readonly srtp?: readonly string[] | string;
  /**
   * signature_algorithms_cert (RFC 8446 §4.2.3): the signature schemes we accept in the peer's certificates, sent in
   * ClientHello (client) or CertificateRequest (server); a chain signed otherwise is refused with
   * unsupported_certificate. Default: not sent, and signature_algorithms governs certificates too.
   */
  readonly signatureAlgorithmsCert?: readonly SignatureAlgorithm[];
  /**
   * The versions to negotiate, node:tls's option names with the values `session.protocol` reports: 'DTLSv1.2' (default
   * minimum) or 'DTLSv1.3' (default maximum). DTLS 1.2 handshakes are not built yet (runtime/dtls12/README.md): the
   * default range negotiates 1.3, and `maxVersion: 'DTLSv1.2'` is a ConfigError.
   */
  readonly minVersion?: DtlsVersionName;
  readonly maxVersion?: DtlsVersionName;
  /**
   * @internal Client: the DTLS 1.2 suites the ClientHello also offers (with 1.2's extensions and dtls1_2 in
   * supported_versions) when the range enables DTLS 1.2; set by DtlsConnection's negotiation (runtime/dtls/version-configs.ts),
   * which hands a 1.2 answer to the 1.2 state. Not a connect/listen option.
   */
  readonly offer12?: readonly Dtls12CipherSuite[];
  /**
   * @internal Client, with `offer12`: a DTLS 1.2 session offered beside 1.3 (RFC 5077 §3.4): its session ID as
   * legacy_session_id (RFC 9147 §5.3 allows a pre-1.3 server's) and the SessionTicket extension (with its ticket, or empty
   * to ask for one); built by runtime/dtls12/ticket12.ts's ticketOffer12.
   */
  readonly offer12Session?: Offer12Session;
}

/** What a ClientHello offering 1.3 and 1.2 carries of a 1.2 session (DtlsConfig.offer12Session). */
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
  /** The name or address the server certificate is checked against; undefined only when the check is off. */
  readonly serverIdentity: string | undefined;
  readonly verifyPeer: CertificateVerifier | undefined;
  /** Raw public keys (RFC 7250), when configured. */
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
  /** Client: the session to resume. */
  readonly session: ClientSession | undefined;
  /** Server: the ticket keys (random per server, its options object, unless given). */
  readonly ticketKeys: TicketKeys | undefined;
  readonly tickets: number;
  readonly ticketLifetime: number;
  readonly postHandshakeAuth: boolean;
  readonly earlyData: Uint8Array | undefined;
  readonly maxEarlyData: number;
  readonly antiReplay: SyncAntiReplay;
  readonly echoLegacySessionId: boolean;
  /** CIDs and RRC, when configured. */
  readonly connectionIds: ResolvedConnectionIds | undefined;
  /** Client: the names offered. */
  readonly alpnOffer: readonly string[] | undefined;
  /** Server: how to pick. */
  readonly alpnSelect: AlpnSelector | undefined;
  /** Server: certificates by server name. */
  readonly sni: SniSelector | undefined;
  /** Our record_size_limit, when configured. */
  readonly recordSizeLimit: number | undefined;
  /** SRTP protection profiles, preferred first. */
  readonly srtp: readonly SrtpProfileName[] | undefined;
  /** Schemes accepted in the peer's certificates, when configured. */
  readonly signatureAlgorithmsCert: readonly SignatureAlgorithm[] | undefined;
  /** minVersion..maxVersion, and the versions of it this build negotiates. */
  readonly versions: VersionRange;
  /** Client: the DTLS 1.2 suites offered beside 1.3 (see DtlsConfig.offer12), when the range enables 1.2. */
  readonly offer12: readonly Dtls12CipherSuite[] | undefined;
  /** Client, with offer12: the 1.2 session ID and SessionTicket extension offered too. */
  readonly offer12Session?: Offer12Session | undefined;
  /** @internal The write and read keys' usage limits, when not RFC 9147 §4.5.3's (no option sets them: tests lower them to reach a KeyUpdate). */
  readonly aeadLimits?: AeadLimits | undefined;
}

/**
 * `maxDatagramSize` (node:dtls's `mtu`): the largest datagram sent, in bytes, by default 1,200 (node:dtls's); at least
 * 256, at most the largest UDP payload over IPv4.
 */
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

// The defaults, one copy for every configuration that takes them (a connection resolves its options afresh: what it
// holds of them should not be copies).
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

/**
 * Validates options up front; every problem is a ConfigError naming the option. `DtlsConnection.client` and `.server`
 * read their options afresh for each connection: an options object changed between connections is never answered from
 * an older reading (what is costly to derive, imported keys and verifiers, is cached by value). The UDP server is the
 * exception: it resolves its options once, at listen, and every connection shares that reading
 * (`DtlsConnection.serverSharing`); change a server's options by listening again. `owner`: the object whose server the
 * random ticket keys belong to when `ticketKeys` is not given (default `o`; a caller that resolves a copy of the
 * options names the object it was given).
 */
export function resolveConfig(role: 'client' | 'server', o: DtlsConfig, owner: object = o): ResolvedConfig {
  const provider = o.provider ?? defaultProvider(); // native when its addon loaded, else node:crypto
  const versions = resolveVersionRange(o.minVersion, o.maxVersion);
  // The 1.3 configuration needs 1.3 in its range; a 1.2-only range is resolved by runtime/dtls/version-configs.ts.
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
    keyLog: o.keyLog,
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
    offer12:
      role === 'client' && versions.enabled.includes('DTLSv1.2') && o.offer12 !== undefined && o.offer12.length > 0
        ? o.offer12
        : undefined,
    offer12Session: o.offer12Session,
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

/** The options of one side only, and that side; a boolean one set to false is no option. */
const ONE_SIDE = {
  sni: 'server',
  ticketKeys: 'server',
  tickets: 'server',
  echoLegacySessionId: 'server',
  session: 'client',
  earlyData: 'client',
  postHandshakeAuth: 'client',
} as const;

/** A ConfigError for the first option of `o` that is the other side's, or a boolean of one side that is no boolean. */
function checkSide(role: 'client' | 'server', o: DtlsConfig): void {
  booleanOption('postHandshakeAuth', o.postHandshakeAuth);
  booleanOption('echoLegacySessionId', o.echoLegacySessionId);
  for (const [option, side] of Object.entries(ONE_SIDE)) {
    const value = o[option as keyof typeof ONE_SIDE];
    if (side !== role && value !== undefined && value !== false) throw new ConfigError(option, `is a ${side} option`);
  }
}

/** The session to resume, checked now: it must decode, and the server name it was issued for must be the one asked for. */
function resumptionSession(
  option: Uint8Array | ClientSession | undefined,
  serverName: string | undefined,
): ClientSession | undefined {
  if (option === undefined) return undefined;
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
 * A stored session's server name as `serverName` is compared: canonical (lower case, A-labels, an IP address bare).
 * Sessions saved before names were made canonical may hold `Example.COM` or `[::1]`; a name that is not valid any more
 * stays as it is (and matches nothing).
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

/** `messageBuffers`: 'own' (default) or 'batch'. @throws ConfigError for anything else. */
export function messageBuffersOption(value: MessageBuffers | undefined): MessageBuffers {
  if (value === undefined) return 'own';
  if (!MESSAGE_BUFFERS.includes(value))
    throw new ConfigError('messageBuffers', `must be 'own' or 'batch', got ${described(value)}`);
  return value;
}
