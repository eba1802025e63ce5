/**
 * Every option name `listen`, `connect` and `createSecureContext` take, so that a misspelled or unsupported one is a
 * ConfigError when it is given rather than silently ignored: an option that does not take effect is a setting the
 * caller believes in and does not have (`ciphers` asking for AES-256, `handshakeTimeoutMs` for a shorter hold). The
 * lists are checked against the option types at compile time where those are declared (options.ts, secure-context.ts:
 * {@link ListedExactly}): a new option must be added here.
 */
import { ConfigError } from '../../config-error.js';
import { nearestName } from '../../near-name.js';

/**
 * `Listed` (a table of names) as the type of a table naming exactly the keys of `Options`: assigning a table to it
 * fails to compile for a name it lacks (a missing property) or one that is no option (`'not an option'`).
 */
export type ListedExactly<Listed, Options> = {
  readonly [K in keyof Options | keyof Listed]-?: K extends keyof Options
    ? K extends keyof Listed
      ? true
      : 'missing'
    : 'not an option';
};

/** The options `listen` and `connect` both take. */
const SHARED_OPTION_NAMES = {
  allowCcm8: true,
  alpn: true,
  antiReplay: true,
  ca: true,
  cert: true,
  cid: true,
  ciphers: true,
  cipherSuites: true,
  connectionIdTaken: true,
  earlyData: true,
  echoLegacySessionId: true,
  extendedMasterSecret: true,
  fingerprint: true,
  groups: true,
  handshakeTimeout: true,
  idleTimeout: true,
  inspect: true,
  key: true,
  limits: true,
  maxEarlyData: true,
  maxVersion: true,
  messageBuffers: true,
  minVersion: true,
  mtu: true,
  onDatagram: true,
  passphrase: true,
  peerAddress: true,
  peerPublicKey: true,
  postHandshakeAuth: true,
  profile: true,
  provider: true,
  psk: true,
  pskKeyExchangeModes: true,
  rawPublicKey: true,
  recordSizeLimit: true,
  rejectUnauthorized: true,
  replayWindow: true,
  retransmission: true,
  rrc: true,
  rrcTimeoutMs: true,
  secureContext: true,
  session: true,
  signatureAlgorithms: true,
  signatureAlgorithmsCert: true,
  sni: true,
  srtp: true,
  statelessRetry: true,
  ticketKeys: true,
  ticketLifetime: true,
  tickets: true,
  transport: true,
  wallClock: true,
} as const;

/** Every option of `listen` (ListenOptions, options.ts). */
export const LISTEN_OPTION_NAMES = {
  ...SHARED_OPTION_NAMES,
  antiReplayWait: true,
  cookies: true,
  fleet: true,
  host: true,
  hostId: true,
  idleTimeoutMs: true,
  ipv4HostPrefix: true,
  ipv6HostPrefix: true,
  ipv6Only: true,
  keyLog: true,
  maxClientHelloLength: true,
  maxHandshakes: true,
  maxHandshakesPerHost: true,
  maxPendingClientHellos: true,
  maxSessionIds12: true,
  maxSessions: true,
  maxSessionsPerHost: true,
  parkAfterMs: true,
  port: true,
  requestCert: true,
  reusePort: true,
  ticketKeyFile: true,
  udpReceiveBufferSize: true,
  udpSendBufferSize: true,
  udpTTL: true,
  verifyPeer: true,
  workers: true,
} as const;

/** Every option of `connect` (ConnectOptions, options.ts). */
export const CONNECT_OPTION_NAMES = {
  ...SHARED_OPTION_NAMES,
  bindHost: true,
  bindPort: true,
  clientAuthentication: true,
  servername: true,
} as const;

/** Every option of `createSecureContext` (DtlsSecureContextOptions, secure-context.ts). */
export const SECURE_CONTEXT_OPTION_NAMES = {
  ca: true,
  cert: true,
  key: true,
  passphrase: true,
  isServer: true,
} as const;

/** node:dtls / node:tls options dtls13 does not take, and why (and what to use instead). */
const REFUSED: Readonly<Record<string, string>> = {
  sessionIdContext:
    'is not supported: it scopes TLS 1.2 session IDs, and DTLS 1.3 resumes with tickets only, which the server seals with its ticketKeys (give every server that should resume the others\u2019 tickets the same ticketKeys)',
  signal:
    'is not supported: node:dtls takes no AbortSignal, and neither does dtls13; end a session with session.close() or destroy(), an endpoint with endpoint.close() or destroy()',
  ecdhCurve: 'is not supported: name the key exchange groups in groups (x25519, secp256r1, x25519mlkem768, ...)',
  pskIdentityHint: 'is not supported: DTLS 1.3 has no PSK identity hint (RFC 8446 removed it)',
  honorCipherOrder: 'is not supported: the server always picks by its own order of cipherSuites / ciphers',
  sigalgs: 'is not supported: give signatureAlgorithms (IANA names: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, ...)',
  secureProtocol: "is not supported: give minVersion / maxVersion ('DTLSv1.2', 'DTLSv1.3')",
  checkServerIdentity:
    'is not supported as a function: the certificate is checked against servername (or host); rejectUnauthorized: false leaves the decision to you',
};

/** dtls13's own names of options given under node:dtls's, or the lower layer's names that do not apply here. */
const RENAMED: Readonly<Record<string, string>> = {
  handshakeTimeoutMs: 'handshakeTimeout',
  maxConnections: 'maxSessions',
  maxConnectionsPerHost: 'maxSessionsPerHost',
  maxDatagramSize: 'mtu',
  certificate: 'cert and key',
  trustAnchors: 'ca',
  serverName: 'servername',
  clientAuthentication: 'requestCert and rejectUnauthorized',
  keyLog: 'session.onkeylog',
  SNICallback: 'sni (a function)',
  pskCallback: 'psk (a function)',
  ALPNProtocols: 'alpn',
  localAddress: 'bindHost',
  localPort: 'bindPort',
};

type Call = 'listen' | 'connect' | 'createSecureContext';

const KNOWN: Readonly<Record<Call, Readonly<Record<string, true>>>> = {
  listen: LISTEN_OPTION_NAMES,
  connect: CONNECT_OPTION_NAMES,
  createSecureContext: SECURE_CONTEXT_OPTION_NAMES,
};

/** The known name closest to `name`, case aside, when one is close enough to be a slip (2 edits, or a quarter of it). */
export function closestOption(name: string, known: readonly string[]): string | undefined {
  return nearestName(name, known, Math.max(2, Math.floor(name.length / 4)), (s) => s.toLowerCase());
}

/**
 * Throws a ConfigError for `options` that are no object (ERR_INVALID_ARG_TYPE), or (ERR_INVALID_ARG_VALUE) for the
 * first option of `options` that `call` does not take, saying why: one of node:dtls's that dtls13 refuses, one of
 * another call, one under a name of the layer below, or an unknown name (with the closest known one, when one is
 * close). An option whose value is `undefined` is no option.
 */
export function checkOptionNames(call: Call, options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object', 'ERR_INVALID_ARG_TYPE');
  const known = KNOWN[call];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || Object.hasOwn(known, name)) continue;
    throw new ConfigError(name, unknownReason(call, name));
  }
}

function unknownReason(call: Call, name: string): string {
  const refused = REFUSED[name];
  if (refused !== undefined) return refused;
  if (name === 'isServer') return `is an option of createSecureContext(), not of ${call}()`;
  if (
    call === 'createSecureContext' &&
    (Object.hasOwn(LISTEN_OPTION_NAMES, name) || Object.hasOwn(CONNECT_OPTION_NAMES, name))
  ) {
    return `is not taken by createSecureContext(), whose contexts hold credentials only (cert, key, passphrase, ca); give it to listen() or connect()`;
  }
  const renamed = RENAMED[name];
  if (renamed !== undefined) return `is not an option of ${call}(): give ${renamed}`;
  if (call === 'connect' && Object.hasOwn(LISTEN_OPTION_NAMES, name))
    return 'is an option of listen(), not of connect()';
  if (call === 'listen' && Object.hasOwn(CONNECT_OPTION_NAMES, name))
    return 'is an option of connect(), not of listen()';
  const near = closestOption(name, Object.keys(KNOWN[call]));
  return `is not an option of ${call}()${near !== undefined ? ` (did you mean ${near}?)` : ''}`;
}
