/**
 * The one table of the options `listen`, `connect` and `createSecureContext` take, so a misspelled or unsupported one
 * is a ConfigError, never silently ignored. A row (runtime/option-row.ts) types its option and documents it (its
 * comment; {@link TypedOptions}), says its kind, choices or range and default (docs/node-dtls.md's figures are checked
 * against it), checked for every call by {@link checkOptions}, and `to`: what it is read into. `true` passes an option
 * on to the connection (or UDP server) under its own name, typed, documented and checked there (the connection's rows,
 * shared/config-options.ts, are passed on but for the few node:dtls names otherwise: {@link passedNames}); a row with
 * `to` is read, not passed on ({@link passedOn}), into what `to` names: an integer's `part.field` by
 * {@link integersInto} (`limits`: the listener's, `socket`: its socket's, `connection`: a client's connection's).
 * {@link ListedExactly} keeps it complete.
 */
import { ConfigError } from '../config-error.js';
import { CONNECTION_OPTIONS, DATAGRAM_SIZE, KEY_LOG_SHAPE } from '../shared/config-options.js';
import type { ConnectionOptions } from '../shared/connection-api.js';
import type { ServerAlpnOption } from '../session/alpn.js';
import type { CredentialInput } from '../pki/credential-input.js';
import type { AntiReplayStore } from '../session/anti-replay.js';
import type { AntiReplayWaitOptions } from '../node/anti-replay-wait.js';
import {
  DEFAULT_MAX_CLIENT_HELLO_LENGTH,
  DEFAULT_MAX_PENDING_CLIENT_HELLOS,
} from '../dtls13/hello-retry-reassembly.js';
import { DEFAULT_SESSION_CACHE_SIZE } from '../dtls12/session.js';
import { nearestName } from '../near-name.js';
import {
  checkRow,
  integer,
  of,
  rowInteger,
  type IntegerRow,
  type OptionRow,
  type TypedOptions,
} from '../option-row.js';
import { MAX_SERVER_CONNECTIONS } from '../node/connection-limits.js';
import { MAX_OWNERS } from '../cid/cid-owner.js';
import type { FingerprintOptionValue } from './fingerprint-options.js';
import type { ProfileName } from './profile-option.js';
import type { ListenSniOption } from './sni-option.js';
import type { DatagramTransport } from './transport.js';
import type { FleetOptions } from './workers/fleet-options.js';

/** `Listed` as a table naming exactly the keys of `Options`: a missing or extra name fails to compile. */
export type ListedExactly<Listed, Options> = {
  readonly [K in keyof Options | keyof Listed]-?: K extends keyof Options
    ? K extends keyof Listed
      ? true | OptionRow
      : 'missing'
    : 'not an option';
};

/**
 * The options of `Options` a table passes on under their own names, typed and documented there: its rows that neither
 * say `to` nor type the option themselves (`true`, or a kind's row checking it first).
 */
export type PassedOptions<Table, Options> = Pick<
  Options,
  {
    [K in keyof Options]: K extends keyof Table
      ? Table[K] extends { readonly to: string }
        ? never
        : K extends keyof TypedOptions<Table>
          ? never
          : K
      : never;
  }[keyof Options]
>;

const BOOLEAN = { kind: 'boolean' } as const;

/** What `handshakeTimeout: 0` ("no limit") becomes: a handshake slot is never held for longer than an hour. */
export const LONGEST_HANDSHAKE_MS = 3_600_000;
/** The longest idle time taken, a day. */
const DAY_MS = 86_400_000;
/** The largest SO_RCVBUF / SO_SNDBUF asked for (the kernel clamps it to its own maximum anyway). */
const MAX_SOCKET_BUFFER = 2 ** 31 - 1;

const HANDSHAKE_TIMEOUT = { min: 0, max: LONGEST_HANDSHAKE_MS, zero: LONGEST_HANDSHAKE_MS } as const;
const IDLE_TIMEOUT = { min: 0, max: DAY_MS } as const;
/** `maxSessions`, `maxSessionsPerHost`: 0 is no limit, which is the most either takes (connection-limits.ts). */
const SESSIONS = { min: 0, max: MAX_SERVER_CONNECTIONS, zero: MAX_SERVER_CONNECTIONS } as const;

/** The connection's options neither call takes under its own name: node:dtls's names them, or the call sets them. */
const NOT_PASSED = [
  'certificate',
  'trustAnchors',
  'serverName',
  'checkServerIdentity',
  'maxDatagramSize',
  'amplificationLimit',
] as const;

/** The connection's options a call passes on (a `true` row each): all but `not`, and `inspect`. */
function passedNames<const N extends keyof typeof CONNECTION_OPTIONS>(
  not: readonly N[],
): { readonly [K in Exclude<keyof typeof CONNECTION_OPTIONS, N> | 'inspect']: true } {
  const names: Record<string, true> = { inspect: true };
  for (const name in CONNECTION_OPTIONS) if (!(not as readonly string[]).includes(name)) names[name] = true;
  return names as { readonly [K in Exclude<keyof typeof CONNECTION_OPTIONS, N> | 'inspect']: true };
}

/** The values `extendedMasterSecret` takes. */
export type ExtendedMasterSecretOption = 'required' | 'preferred';

/** The options `listen` and `connect` both take under node:dtls's names, or read themselves. */
const SHARED_OPTION_NAMES = {
  ca: { to: 'trustAnchors' },
  cert: { to: 'certificate' },
  /**
   * node:tls's cipher string: the TLS 1.3 and DTLS 1.2 suites named, in that preference
   * (`'TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES128-GCM-SHA256'`); OpenSSL keywords are skipped, unknown names refused.
   */
  ciphers: { ...of<string>(), to: 'cipherSuites, cipherSuites12' },
  /** DTLS 1.2: 'required' (default) refuses a peer without extended_master_secret (RFC 7627); 'preferred' lets it in. */
  extendedMasterSecret: {
    ...of<ExtendedMasterSecretOption>(),
    oneOf: ['required', 'preferred'],
    to: 'requireExtendedMasterSecret',
  },
  key: { to: 'certificate, rawPublicKey' },
  /** Largest datagram sent, in bytes (default 1,200; 256..65,507). Handshake flights are fragmented to it and `send()` is limited by it. */
  mtu: integer({ ...DATAGRAM_SIZE, to: 'maxDatagramSize' }),
  passphrase: { to: 'certificate, rawPublicKey' },
  /** The peer keys accepted (PEM `PUBLIC KEY` text, or SubjectPublicKeyInfo DER), one or a list. */
  peerPublicKey: { ...of<CredentialInput>(), to: 'rawPublicKey' },
  /** 'rfc7925': also speak what RFC 7925 IoT devices speak, first (the CCM_8 suites, a plain PSK); profile-option.ts. */
  profile: { ...of<ProfileName>(), oneOf: ['rfc7925'], to: 'ciphers, allowCcm8, pskKeyExchangeModes' },
  /** RFC 7250: present `key` as a raw public key, and take the peer's, checked by `peerPublicKey` or `fingerprint`. */
  rawPublicKey: { ...of<boolean>(), ...BOOLEAN, to: 'rawPublicKey' },
  secureContext: { to: 'certificate, trustAnchors' },
  /** Run over this {@link DatagramTransport} instead of a UDP socket of our own (WebRTC); then no option of the socket (`host`, `port`, `bindHost`, ...). */
  transport: { ...of<DatagramTransport>(), to: 'transport' },
} as const;

/** Every option of `listen` (ListenOptions, options.ts). */
export const LISTEN_OPTION_NAMES = {
  ...passedNames([...NOT_PASSED, 'clientAuthentication']),
  ...SHARED_OPTION_NAMES,
  /** ALPN: the protocols served, most preferred first (a list, or a wire-format Buffer of length-prefixed names, as node:tls), or a function choosing among the client's offers. */
  alpn: { ...of<readonly string[] | ServerAlpnOption | Uint8Array>(), to: 'alpn' },
  /** With `requestCert`: refuse clients without a valid certificate (default true); false admits clients that send none. */
  rejectUnauthorized: { ...of<boolean>(), ...BOOLEAN, to: 'clientAuthentication' },
  /** Server Name Indication: the identity to serve each requested name with (see {@link ListenSniOption}). */
  sni: { ...of<ListenSniOption>(), to: 'sni' },
  /** Require a client certificate whose fingerprint is one of these (`'sha-256 AB:CD:...'`, SDP's form), in place of `ca`: see docs/node-dtls.md. */
  fingerprint: { ...of<FingerprintOptionValue>(), to: 'verifyPeer, rawPublicKey' },
  /** A handshake must complete within this many ms (default 10,000; 0: one hour), or the session is dropped. */
  handshakeTimeout: integer({ ...HANDSHAKE_TIMEOUT, default: 10_000, to: 'limits.handshakeMs' }),
  /** Close a session after this many ms without a record that authenticated (default 300,000; 0: never). The same as `idleTimeoutMs`. */
  idleTimeout: integer({ ...IDLE_TIMEOUT, default: 300_000, to: 'idleTimeoutMs' }),
  /**
   * The 0-RTT anti-replay store (RFC 8446 §8; default: this process's memory); servers sharing `ticketKeys` share it
   * too (`RedisAntiReplay`). With `cookies: false` only a synchronous store can admit early data.
   */
  antiReplay: { ...of<AntiReplayStore>() },
  /** Caps on what is held while an asynchronous `antiReplay` store decides (see {@link AntiReplayWaitOptions}). */
  antiReplayWait: { ...of<AntiReplayWaitOptions>() },
  /** Answer new clients with a stateless cookie HelloRetryRequest (RFC 9147 §5.1) (default true). */
  cookies: { ...of<boolean>(), ...BOOLEAN },
  /** With `workers` and `hostId`: the fleet of hosts records are forwarded between by their CID (docs/scale-out.md). */
  fleet: { ...of<FleetOptions>(), to: 'the workers' },
  /** Address to bind (default `'0.0.0.0'`, as node:dtls). */
  host: { ...of<string>(), to: 'host' },
  /** With `workers`: this host's number in a fleet (0..255), carried in every CID it issues (runtime/cid/cid-owner.ts; default 0). */
  hostId: integer({ min: 0, max: MAX_OWNERS - 1, default: 0, to: 'the workers' }),
  /** Close a session after this many ms without an authenticated record (default 300,000; 0: never). */
  idleTimeoutMs: integer({ ...IDLE_TIMEOUT, default: 300_000 }),
  /** Leading bits of an IPv4 source address that name one host for the per-host limits (default 32; 8..32). */
  ipv4HostPrefix: { ...of<number>() },
  /** Leading bits of an IPv6 source address that name one host (default 56, RFC 6177; 16..128). */
  ipv6HostPrefix: { ...of<number>() },
  inspect: { kind: 'function', shape: 'receiving inspection events' },
  /** With an IPv6 `host`: serve IPv6 only (true), or IPv4 peers too as mapped addresses (default false). No effect on IPv4. */
  ipv6Only: { ...of<boolean>(), ...BOOLEAN, to: 'ipv6Only' },
  keyLog: { kind: 'function', shape: KEY_LOG_SHAPE },
  /** Longest ClientHello body reassembled before the cookie exchange, in bytes (default 8,192; 64..16,372). */
  maxClientHelloLength: integer({
    min: 64,
    max: 16_372,
    default: DEFAULT_MAX_CLIENT_HELLO_LENGTH,
    to: 'limits.clientHelloLength',
  }),
  /** Connections still handshaking at most (default 1,000); new peers beyond it get silence. */
  maxHandshakes: integer({ min: 1, max: 1_000_000, default: 1_000, to: 'limits.handshakes' }),
  /** Connections still handshaking at most from one host (default 10: 1 % of the global one, no host takes all). */
  maxHandshakesPerHost: integer({ min: 1, max: 1_000_000, default: 10, to: 'limits.handshakesPerHost' }),
  /** Fragmented ClientHellos held before the cookie exchange, (default 128; 0: dropped); past it the oldest goes. */
  maxPendingClientHellos: integer({
    min: 0,
    max: 1_000_000,
    default: DEFAULT_MAX_PENDING_CLIENT_HELLOS,
    to: 'limits.pendingClientHellos',
  }),
  /** DTLS 1.2: sessions kept for resumption by session ID (RFC 5246 §7.3; default 1,024; 0: none), never shared. */
  maxSessionIds12: integer({ min: 0, max: 1_000_000, default: DEFAULT_SESSION_CACHE_SIZE, to: 'limits.sessionIds12' }),
  /** Sessions at most, handshaking or open (default 10,000; 0: no limit). A full endpoint answers new peers with silence. */
  maxSessions: integer({ ...SESSIONS, default: 10_000, to: 'limits.connections' }),
  /**
   * Sessions at most from one host, an IPv4 address or an IPv6 /56 by default (default 100, 1 % of the table; 0: no
   * limit): filling the table takes 100 hosts that answered a cookie. Raise it for carrier-grade NAT.
   */
  maxSessionsPerHost: integer({ ...SESSIONS, default: 100, to: 'limits.connectionsPerHost' }),
  /**
   * A session with no authenticated record for this many ms parks (default 30,000; 0: never): its keys' contexts are
   * freed until its next record, its handshake keys go after 2 MSL (RFC 9147 §5.8.1), and a 1.3 session at rest
   * hibernates to a string of a few hundred bytes, thawed by an authentic record or a call on it.
   */
  parkAfterMs: integer({ min: 0, max: DAY_MS, default: 30_000, to: 'limits.parkMs' }),
  /** Port to bind (default 0: any free port; read it from `endpoint.address`). node:dtls requires it. */
  port: integer({ min: 0, max: 65_535, default: 0, to: 'socket.port' }),
  /** Ask each client for a certificate, verified against `ca` (default false). */
  requestCert: { ...of<boolean>(), ...BOOLEAN, to: 'clientAuthentication' },
  /** Set SO_REUSEPORT so several processes share the port (Node 22.12 or 23.1 and later: node:dgram's `reusePort`). */
  reusePort: { ...of<boolean>(), ...BOOLEAN, to: 'reusePort' },
  /** With `workers`: the ticket keys from this file (32-byte keys, hex lines or raw; the current one first), re-read when it changes (docs/scale-out.md). */
  ticketKeyFile: { ...of<string>(), to: 'the workers' },
  /** SO_RCVBUF of the socket, in bytes (default: the system's; the kernel clamps it). */
  udpReceiveBufferSize: integer({ min: 1, max: MAX_SOCKET_BUFFER, to: 'socket.recvBufferSize' }),
  /** SO_SNDBUF of the socket, in bytes (default: the system's; the kernel clamps it). */
  udpSendBufferSize: integer({ min: 1, max: MAX_SOCKET_BUFFER, to: 'socket.sendBufferSize' }),
  /** IP time-to-live of the datagrams sent, 1..255 (default: the system's). */
  udpTTL: integer({ min: 1, max: 255, to: 'socket.ttl' }),
  /** Serve on this many worker threads ('auto': one per core); `listen` then takes a module (scale-out.md). */
  workers: { ...of<number | 'auto'>(), to: 'the workers' },
} as const;

/** Every option of `connect` (ConnectOptions, options.ts). */
export const CONNECT_OPTION_NAMES = {
  ...passedNames([...NOT_PASSED, 'verifyPeer', 'keyLog']),
  ...SHARED_OPTION_NAMES,
  /** ALPN: the protocols offered, most preferred first (a list, or a wire-format Buffer of length-prefixed names, as node:tls). */
  alpn: { ...of<ConnectionOptions['alpn'] | Uint8Array>(), to: 'alpn' },
  /** Refuse a server whose certificate does not chain to `ca` or match `servername` (default true). */
  rejectUnauthorized: { ...of<boolean>(), ...BOOLEAN, to: 'verifyPeer' },
  /** Accept the server's certificate when its fingerprint is one of these (`'sha-256 AB:CD:...'`, SDP's form), in place of `ca` and the name. */
  fingerprint: { ...of<FingerprintOptionValue>(), to: 'verifyPeer, rawPublicKey' },
  /** The handshake must complete within this many ms (default 30,000; 0: one hour, the longest). */
  handshakeTimeout: integer({ ...HANDSHAKE_TIMEOUT, default: 30_000, to: 'connection.handshakeTimeoutMs' }),
  /** End the session after this many ms with nothing authentic from the server (default 0: never). */
  idleTimeout: integer({ ...IDLE_TIMEOUT, default: 0, to: 'connection.idleTimeoutMs' }),
  /** Local address to bind (default: any, same family as the server's). */
  bindHost: { ...of<string>(), to: 'bindHost' },
  /** Local port to bind (default 0: any free port). */
  bindPort: integer({ min: 0, max: 65_535, default: 0, to: 'bindPort' }),
  /** The name sent as server_name and checked against the certificate (default: the `host` argument). */
  servername: { ...of<string>(), kind: 'string', to: 'serverName' },
} as const;

/** Every option of `createSecureContext` (DtlsSecureContextOptions, secure-context.ts). */
export const SECURE_CONTEXT_OPTION_NAMES = {
  ca: true,
  cert: true,
  key: true,
  passphrase: true,
  /** A context for `listen` (true) or for `connect` (false); left out, for either. */
  isServer: { ...of<boolean>(), ...BOOLEAN },
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

/** A table's rows by option name. */
type Row = Readonly<Record<string, true | OptionRow>>;

const KNOWN: Readonly<Record<Call, Row>> = {
  listen: LISTEN_OPTION_NAMES,
  connect: CONNECT_OPTION_NAMES,
  createSecureContext: SECURE_CONTEXT_OPTION_NAMES,
};

/** The known name closest to `name`, case aside, when one is close enough to be a slip (2 edits, or a quarter of it). */
export function closestOption(name: string, known: readonly string[]): string | undefined {
  return nearestName(name, known, Math.max(2, Math.floor(name.length / 4)), (s) => s.toLowerCase());
}

/**
 * Throws a ConfigError for `options` that are no object, for the first option `call` does not take, saying why (and
 * the closest known name), or for the first whose row has a kind its value is not. An option whose value is
 * `undefined` is no option.
 */
export function checkOptions(call: Call, options: unknown): asserts options is object {
  if (typeof options !== 'object' || options === null)
    throw new ConfigError('options', 'must be an object', 'ERR_INVALID_ARG_TYPE');
  const known = KNOWN[call];
  for (const name of Object.keys(options)) {
    const value: unknown = options[name as keyof typeof options];
    if (value === undefined) continue;
    if (!Object.hasOwn(known, name)) throw new ConfigError(name, unknownReason(call, name));
    const row = known[name]!;
    if (row !== true) checkRow(name, row, value);
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

/** The integer options of `call`'s table. */
type IntegerName<Table> = { [K in keyof Table]: Table[K] extends IntegerRow ? K : never }[keyof Table];

/** The integer options of listen, of connect. */
export type ListenIntegerOption = IntegerName<typeof LISTEN_OPTION_NAMES>;
export type ConnectIntegerOption = IntegerName<typeof CONNECT_OPTION_NAMES>;

/** `value` of the integer option `name` of `call`, checked against its row; its default when undefined. */
export function integerFrom(call: 'listen', name: ListenIntegerOption, value: unknown): number;
export function integerFrom(call: 'connect', name: ConnectIntegerOption, value: unknown): number;
export function integerFrom(call: 'listen' | 'connect', name: string, value: unknown): number {
  return rowInteger(name, KNOWN[call][name] as IntegerRow, value);
}

/** The fields the integer rows of `Table` fill in `part` (their `to` is `part.field`), each one's value always there. */
export type Filled<Table, Part extends string> = {
  readonly [
    K in keyof Table as Table[K] extends { readonly to: `${Part}.${infer F}`; readonly default: number } ? F : never
  ]: number;
};

/** The fields of `part` filled only when their option is given (a row without a default). */
type FilledWhenGiven<Table, Part extends string> = {
  readonly [
    K in keyof Table as Table[K] extends { readonly to: `${Part}.${infer F}`; readonly min: number }
      ? Table[K] extends { readonly default: number }
        ? never
        : F
      : never
  ]?: number;
};

/**
 * The integer options of `call` that fill `part` (their row's `to` is `part.field`), each checked against its row and
 * set under its field: its default when not given, left out when it has none.
 */
export function integersInto<Part extends 'limits' | 'socket'>(
  call: 'listen',
  part: Part,
  o: object,
): Filled<typeof LISTEN_OPTION_NAMES, Part> & FilledWhenGiven<typeof LISTEN_OPTION_NAMES, Part>;
export function integersInto(
  call: 'connect',
  part: 'connection',
  o: object,
): Filled<typeof CONNECT_OPTION_NAMES, 'connection'>;
export function integersInto(call: 'listen' | 'connect', part: string, o: object): Record<string, number> {
  const filled: Record<string, number> = {};
  for (const [name, row] of Object.entries(KNOWN[call])) {
    if (row === true || row.min === undefined || row.to?.startsWith(`${part}.`) !== true) continue;
    const value: unknown = o[name as keyof typeof o];
    if (value !== undefined || row.default !== undefined)
      filled[row.to.slice(part.length + 1)] = rowInteger(name, row, value);
  }
  return filled;
}

/** The options of a table that are read (their rows have `to`), not passed on. */
type ReadName<Table> = { [K in keyof Table]: Table[K] extends { readonly to: string } ? K : never }[keyof Table];

/** The options of `o` passed on under their own names: all but those `table` reads (an option it lacks passes). */
export function passedOn<Table extends Row, O extends object>(table: Table, o: O): Omit<O, ReadName<Table>> {
  const rest: Record<string, unknown> = {};
  for (const name of Object.keys(o))
    if ((table[name] as OptionRow | undefined)?.to === undefined) rest[name] = o[name as keyof O];
  return rest as Omit<O, ReadName<Table>>;
}
