import { resolveConnectionIds, type ResolvedConnectionIds } from '../cid/cid-options.js';
import type { CryptoProvider, KeyExchangeGroup, SignatureAlgorithm } from '../crypto/provider.js';
import { defaultProvider } from '../crypto/registry.js';
import { CIPHER_SUITES, type SupportedCipherSuite } from '../crypto/suites.js';
import { ConfigError, described } from '../config-error.js';
import { checkRows, rowInteger, type Resolved, type RowType } from '../option-row.js';
import { CONFIG_OPTIONS, type DtlsConfig } from './config-options.js';
import type { FlightTimerConfig } from '../handshake/flight-timer-config.js';
import { checkIdentityOptions } from '../pki/check-identity-options.js';
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
import { processAntiReplay } from '../session/anti-replay.js';
import { alpnNames, serverAlpnSelector, type AlpnSelector } from '../session/alpn.js';
import { sniSelector, type SniSelector } from './sni-selection.js';
import { recordSizeLimitOption } from './record-size-limit.js';
import { srtpOption, type SrtpProfileName } from './srtp.js';
import { resolveServerName } from '../pki/server-name.js';
import { resolveVersionRange, type VersionRange } from '../versions/versions.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';
import type { ClientHelloExtension } from '../../generated/wire/client-hello.js';
import { resolveRawPublicKey, type ResolvedRawPublicKey } from './raw-public-key-option.js';

/** What a ClientHello offering 1.3 and 1.2 carries of a 1.2 session (ResolvedConfig.offer12Session). */
export interface Offer12Session {
  readonly sessionId: Uint8Array;
  readonly extensions: readonly ClientHelloExtension[];
}

/** The options resolved as their rows type them: given, or their default. */
type AsGiven = Resolved<
  Pick<
    typeof CONFIG_OPTIONS,
    | 'provider'
    | 'cipherSuites'
    | 'groups'
    | 'signatureAlgorithms'
    | 'trustAnchors'
    | 'clientAuthentication'
    | 'maxDatagramSize'
    | 'retransmission'
    | 'replayWindow'
    | 'messageBuffers'
    | 'tickets'
    | 'ticketLifetime'
    | 'postHandshakeAuth'
    | 'maxEarlyData'
    | 'antiReplay'
    | 'echoLegacySessionId'
  >
>;

/** The options resolved as their rows type them, undefined when not given. */
type WhenGiven = {
  readonly [
    K in
      | 'certificate'
      | 'serverName'
      | 'verifyPeer'
      | 'keyLog'
      | 'earlyData'
      | 'recordSizeLimit'
      | 'signatureAlgorithmsCert'
  ]: RowType<(typeof CONFIG_OPTIONS)[K]> | undefined;
};

/** A connection's options checked, defaulted and made ready to read, for both versions. */
export interface ResolvedConfig extends AsGiven, WhenGiven {
  /** What the server certificate is checked against; undefined only when the check is off. */
  readonly serverIdentity: string | undefined;
  readonly rawPublicKey: ResolvedRawPublicKey | undefined;
  readonly limits: ConnectionLimits;
  readonly pskModes: readonly PskKeyExchangeModeName[];
  /** Client: the external PSK to offer for a server name. */
  readonly clientPsk: ((serverName: string | undefined) => ResolvedPsk | undefined) | undefined;
  /** Server: the external PSK of an identity. */
  readonly serverPsk: ((identity: Uint8Array) => ResolvedPsk | undefined) | undefined;
  readonly session: ClientSession | undefined;
  readonly ticketKeys: TicketKeys | undefined;
  readonly connectionIds: ResolvedConnectionIds | undefined;
  /** Client: the names offered. */
  readonly alpnOffer: readonly string[] | undefined;
  /** Server: how to pick. */
  readonly alpnSelect: AlpnSelector | undefined;
  readonly sni: SniSelector | undefined;
  readonly srtp: readonly SrtpProfileName[] | undefined;
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
  checkRows(CONFIG_OPTIONS, o, role);
  if (o.allowCcm8 !== true && cipherSuites.includes('tls_aes_128_ccm_8_sha256')) {
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
    maxDatagramSize: rowInteger('maxDatagramSize', CONFIG_OPTIONS.maxDatagramSize, o.maxDatagramSize),
    retransmission: o.retransmission ?? DEFAULT_RETRANSMISSION,
    replayWindow: rowInteger('replayWindow', CONFIG_OPTIONS.replayWindow, o.replayWindow),
    messageBuffers: o.messageBuffers ?? 'batch',
    keyLog: o.keyLog,
    limits: resolveLimits(o.limits),
    pskModes: pskModesOption(o.pskKeyExchangeModes),
    clientPsk: role === 'client' ? clientPskSource(o.psk as ClientPskOption | undefined) : undefined,
    serverPsk: role === 'server' ? serverPskLookup(o.psk as ServerPskOption | undefined) : undefined,
    session,
    ticketKeys: role === 'server' ? ticketKeysFor(provider, o.ticketKeys, owner) : undefined,
    tickets: role === 'server' ? rowInteger('tickets', CONFIG_OPTIONS.tickets, o.tickets) : 0,
    ticketLifetime: rowInteger('ticketLifetime', CONFIG_OPTIONS.ticketLifetime, o.ticketLifetime),
    postHandshakeAuth: o.postHandshakeAuth === true,
    earlyData: earlyDataOption(role, o.earlyData),
    maxEarlyData: role === 'server' ? rowInteger('maxEarlyData', CONFIG_OPTIONS.maxEarlyData, o.maxEarlyData) : 0,
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
  if (data === undefined || role !== 'client') return undefined; // on a server: refused by its row
  if (!(data instanceof Uint8Array) || data.length === 0)
    throw new ConfigError('earlyData', 'must be a non-empty Uint8Array');
  return data;
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
