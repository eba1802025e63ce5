/**
 * The one table of the options `listen`, `connect` and `createSecureContext` take, so a misspelled or unsupported one
 * is a ConfigError, never silently ignored. An integer's row holds its range, default and meaning of 0 ({@link
 * IntegerRow}; docs/node-dtls.md's figures are checked against it), types its option ({@link IntegerOptions}) and
 * documents it (its comment); a boolean's, string's, function's or choice's row its kind ({@link KindRow}), checked
 * for every call by {@link checkOptions}. {@link ListedExactly} keeps it complete. `true` passes an option on to the
 * connection (or UDP server) under its own name, checked there; a row with `to` is read, not passed on ({@link
 * passedOn}), into what `to` names: an integer's `part.field` by {@link integersInto} (`limits`: the listener's,
 * `socket`: its socket's, `connection`: a client's connection's).
 */
import { ConfigError, described, integerOption } from '../config-error.js';
import { DATAGRAM_SIZE, KEY_LOG_SHAPE } from '../shared/config-options.js';
import {
  DEFAULT_MAX_CLIENT_HELLO_LENGTH,
  DEFAULT_MAX_PENDING_CLIENT_HELLOS,
} from '../dtls13/hello-retry-reassembly.js';
import { DEFAULT_SESSION_CACHE_SIZE } from '../dtls12/session.js';
import { nearestName } from '../near-name.js';
import { MAX_SERVER_CONNECTIONS } from '../node/connection-limits.js';
import { MAX_OWNERS } from '../cid/cid-owner.js';

/** `Listed` as a table naming exactly the keys of `Options`: a missing or extra name fails to compile. */
export type ListedExactly<Listed, Options> = {
  readonly [K in keyof Options | keyof Listed]-?: K extends keyof Options
    ? K extends keyof Listed
      ? true | IntegerRow | ReadRow | KindRow
      : 'missing'
    : 'not an option';
};

/** An integer option: `min..max`, its default when not given, and what `0` ("no limit") becomes, when it means that. */
export interface IntegerRow {
  readonly min: number;
  readonly max: number;
  readonly default?: number;
  readonly zero?: number;
  readonly to?: string;
}

/** An option read, not passed on: `to` names what it becomes (the connection's, server's, socket's option) or who reads it. */
export interface ReadRow {
  readonly to: string;
}

/**
 * An option of one kind, checked by {@link checkOptions} when given: a `boolean`, a `string`, a `function` (of
 * `shape`, said in the error), or one of the strings `oneOf`; `to` as a {@link ReadRow}'s, else passed on.
 */
export type KindRow = (
  | { readonly kind: 'boolean' | 'string' }
  | { readonly kind: 'function'; readonly shape: string }
  | { readonly oneOf: readonly string[] }
) & { readonly to?: string };

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
const MTU = { min: DATAGRAM_SIZE.min, max: DATAGRAM_SIZE.max, default: DATAGRAM_SIZE.default } as const;

/** The options `listen` and `connect` both take. */
const SHARED_OPTION_NAMES = {
  allowCcm8: true,
  alpn: { to: 'alpn' },
  antiReplay: true,
  ca: { to: 'trustAnchors' },
  cert: { to: 'certificate' },
  cid: true,
  ciphers: { to: 'cipherSuites, cipherSuites12' },
  cipherSuites: true,
  connectionIdTaken: true,
  earlyData: true,
  echoLegacySessionId: true,
  extendedMasterSecret: { oneOf: ['required', 'preferred'], to: 'requireExtendedMasterSecret' },
  fingerprint: { to: 'verifyPeer, rawPublicKey' },
  groups: true,
  inspect: true,
  key: { to: 'certificate, rawPublicKey' },
  limits: true,
  maxEarlyData: true,
  maxVersion: true,
  messageBuffers: true,
  minVersion: true,
  /** Largest datagram sent, in bytes (default 1,200; 256..65,507). Handshake flights are fragmented to it and `send()` is limited by it. */
  mtu: { ...MTU, to: 'maxDatagramSize' },
  onDatagram: true,
  passphrase: { to: 'certificate, rawPublicKey' },
  peerAddress: true,
  peerPublicKey: { to: 'rawPublicKey' },
  postHandshakeAuth: true,
  profile: { oneOf: ['rfc7925'], to: 'ciphers, allowCcm8, pskKeyExchangeModes' },
  provider: true,
  psk: true,
  pskKeyExchangeModes: true,
  rawPublicKey: { ...BOOLEAN, to: 'rawPublicKey' },
  recordSizeLimit: true,
  rejectUnauthorized: { ...BOOLEAN, to: 'verifyPeer' },
  replayWindow: true,
  retransmission: true,
  rrc: true,
  rrcTimeoutMs: true,
  secureContext: { to: 'certificate, trustAnchors' },
  session: true,
  signatureAlgorithms: true,
  signatureAlgorithmsCert: true,
  sni: true,
  srtp: true,
  statelessRetry: true,
  ticketKeys: true,
  ticketLifetime: true,
  tickets: true,
  transport: { to: 'transport' },
  wallClock: true,
} as const;

/** Every option of `listen` (ListenOptions, options.ts). */
export const LISTEN_OPTION_NAMES = {
  ...SHARED_OPTION_NAMES,
  rejectUnauthorized: { ...BOOLEAN, to: 'clientAuthentication' },
  sni: { to: 'sni' },
  /** A handshake must complete within this many ms (default 10,000; 0: one hour), or the session is dropped. */
  handshakeTimeout: { ...HANDSHAKE_TIMEOUT, default: 10_000, to: 'limits.handshakeMs' },
  /** Close a session after this many ms without a record that authenticated (default 300,000; 0: never). The same as `idleTimeoutMs`. */
  idleTimeout: { ...IDLE_TIMEOUT, default: 300_000, to: 'idleTimeoutMs' },
  antiReplayWait: true,
  cookies: BOOLEAN,
  fleet: { to: 'the workers' },
  host: { to: 'host' },
  /** With `workers`: this host's number in a fleet (0..255), carried in every CID it issues (runtime/cid/cid-owner.ts; default 0). */
  hostId: { min: 0, max: MAX_OWNERS - 1, default: 0, to: 'the workers' },
  /** Close a session after this many ms without an authenticated record (default 300,000; 0: never). */
  idleTimeoutMs: { ...IDLE_TIMEOUT, default: 300_000 },
  ipv4HostPrefix: true,
  ipv6HostPrefix: true,
  inspect: { kind: 'function', shape: 'receiving inspection events' },
  ipv6Only: { ...BOOLEAN, to: 'ipv6Only' },
  keyLog: { kind: 'function', shape: KEY_LOG_SHAPE },
  /** Longest ClientHello body reassembled before the cookie exchange, in bytes (default 8,192; 64..16,372). */
  maxClientHelloLength: {
    min: 64,
    max: 16_372,
    default: DEFAULT_MAX_CLIENT_HELLO_LENGTH,
    to: 'limits.clientHelloLength',
  },
  /** Connections still handshaking at most (default 1,000); new peers beyond it get silence. */
  maxHandshakes: { min: 1, max: 1_000_000, default: 1_000, to: 'limits.handshakes' },
  /** Connections still handshaking at most from one host (default 10: 1 % of the global one, no host takes all). */
  maxHandshakesPerHost: { min: 1, max: 1_000_000, default: 10, to: 'limits.handshakesPerHost' },
  /** Fragmented ClientHellos held before the cookie exchange, (default 128; 0: dropped); past it the oldest goes. */
  maxPendingClientHellos: {
    min: 0,
    max: 1_000_000,
    default: DEFAULT_MAX_PENDING_CLIENT_HELLOS,
    to: 'limits.pendingClientHellos',
  },
  /** DTLS 1.2: sessions kept for resumption by session ID (RFC 5246 §7.3; default 1,024; 0: none), never shared. */
  maxSessionIds12: { min: 0, max: 1_000_000, default: DEFAULT_SESSION_CACHE_SIZE, to: 'limits.sessionIds12' },
  /** Sessions at most, handshaking or open (default 10,000; 0: no limit). A full endpoint answers new peers with silence. */
  maxSessions: { ...SESSIONS, default: 10_000, to: 'limits.connections' },
  /**
   * Sessions at most from one host, an IPv4 address or an IPv6 /56 by default (default 100, 1 % of the table; 0: no
   * limit): filling the table takes 100 hosts that answered a cookie. Raise it for carrier-grade NAT.
   */
  maxSessionsPerHost: { ...SESSIONS, default: 100, to: 'limits.connectionsPerHost' },
  /**
   * A session with no authenticated record for this many ms parks (default 30,000; 0: never): its keys' contexts are
   * freed until its next record, its handshake keys go after 2 MSL (RFC 9147 §5.8.1), and a 1.3 session at rest
   * hibernates to a string of a few hundred bytes, thawed by an authentic record or a call on it.
   */
  parkAfterMs: { min: 0, max: DAY_MS, default: 30_000, to: 'limits.parkMs' },
  /** Port to bind (default 0: any free port; read it from `endpoint.address`). node:dtls requires it. */
  port: { min: 0, max: 65_535, default: 0, to: 'socket.port' },
  requestCert: { ...BOOLEAN, to: 'clientAuthentication' },
  reusePort: { ...BOOLEAN, to: 'reusePort' },
  ticketKeyFile: { to: 'the workers' },
  /** SO_RCVBUF of the socket, in bytes (default: the system's; the kernel clamps it). */
  udpReceiveBufferSize: { min: 1, max: MAX_SOCKET_BUFFER, to: 'socket.recvBufferSize' },
  /** SO_SNDBUF of the socket, in bytes (default: the system's; the kernel clamps it). */
  udpSendBufferSize: { min: 1, max: MAX_SOCKET_BUFFER, to: 'socket.sendBufferSize' },
  /** IP time-to-live of the datagrams sent, 1..255 (default: the system's). */
  udpTTL: { min: 1, max: 255, to: 'socket.ttl' },
  verifyPeer: true,
  workers: { to: 'the workers' },
} as const;

/** Every option of `connect` (ConnectOptions, options.ts). */
export const CONNECT_OPTION_NAMES = {
  ...SHARED_OPTION_NAMES,
  /** The handshake must complete within this many ms (default 30,000; 0: one hour, the longest). */
  handshakeTimeout: { ...HANDSHAKE_TIMEOUT, default: 30_000, to: 'connection.handshakeTimeoutMs' },
  /** End the session after this many ms with nothing authentic from the server (default 0: never). */
  idleTimeout: { ...IDLE_TIMEOUT, default: 0, to: 'connection.idleTimeoutMs' },
  bindHost: { to: 'bindHost' },
  /** Local port to bind (default 0: any free port). */
  bindPort: { min: 0, max: 65_535, default: 0, to: 'bindPort' },
  clientAuthentication: true,
  servername: { kind: 'string', to: 'serverName' },
} as const;

/** Every option of `createSecureContext` (DtlsSecureContextOptions, secure-context.ts). */
export const SECURE_CONTEXT_OPTION_NAMES = {
  ca: true,
  cert: true,
  key: true,
  passphrase: true,
  isServer: BOOLEAN,
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
type Row = Readonly<Record<string, true | IntegerRow | ReadRow | KindRow>>;

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
    if (typeof row === 'object' && ('kind' in row || 'oneOf' in row)) checkKind(name, row, value);
  }
}

/** Throws a ConfigError naming `name`, what its row takes and what was given, when `value` is not of its kind. */
function checkKind(name: string, row: KindRow, value: unknown): void {
  if ('oneOf' in row) {
    if (typeof value !== 'string' || !row.oneOf.includes(value))
      throw new ConfigError(name, `must be ${row.oneOf.map((v) => `'${v}'`).join(' or ')}, got ${described(value)}`);
  } else if (typeof value !== row.kind) {
    const shape = row.kind === 'function' ? ` ${row.shape}` : '';
    throw new ConfigError(name, `must be a ${row.kind}${shape}, got ${described(value)}`, 'ERR_INVALID_ARG_TYPE');
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

/** The integer options of a table as option types: each row's range and default check it, its comment documents it. */
export type IntegerOptions<Table> = { readonly [K in keyof Table as Table[K] extends IntegerRow ? K : never]?: number };

/** The integer options of listen, of connect. */
export type ListenIntegerOption = IntegerName<typeof LISTEN_OPTION_NAMES>;
export type ConnectIntegerOption = IntegerName<typeof CONNECT_OPTION_NAMES>;

/** `value` of the integer option `name` of `call`, checked against its row; its default when undefined. */
export function integerFrom(call: 'listen', name: ListenIntegerOption, value: unknown): number;
export function integerFrom(call: 'connect', name: ConnectIntegerOption, value: unknown): number;
export function integerFrom(call: 'listen' | 'connect', name: string, value: unknown): number {
  return rowInteger(name, KNOWN[call][name] as IntegerRow, value);
}

/** `value` of the integer option `name`, checked against its `row`; its default when undefined, `zero` for 0. */
function rowInteger(name: string, row: IntegerRow, value: unknown): number {
  const n = integerOption(name, value ?? row.default, row.min, row.max);
  return n === 0 && row.zero !== undefined ? row.zero : n;
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
    if (typeof row !== 'object' || !('min' in row) || row.to?.startsWith(`${part}.`) !== true) continue;
    const value: unknown = o[name as keyof typeof o];
    if (value !== undefined || row.default !== undefined)
      filled[row.to.slice(part.length + 1)] = rowInteger(name, row, value);
  }
  return filled;
}

/** The options of a table that are read (their rows have `to`), not passed on. */
type ReadName<Table> = { [K in keyof Table]: Table[K] extends ReadRow ? K : never }[keyof Table];

/** The options of `o` passed on under their own names: all but those `table` reads (an option it lacks passes). */
export function passedOn<Table extends Row, O extends object>(table: Table, o: O): Omit<O, ReadName<Table>> {
  const rest: Record<string, unknown> = {};
  for (const name of Object.keys(o))
    if ((table[name] as Partial<ReadRow> | undefined)?.to === undefined) rest[name] = o[name as keyof O];
  return rest as Omit<O, ReadName<Table>>;
}
