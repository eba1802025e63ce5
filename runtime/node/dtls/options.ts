/**
 * The option names of node:dtls (`cert`, `key`, `ca`, `mtu`,
 * `handshakeTimeout`, `maxSessions`, `requestCert`, ...) and their
 * translation to the connection's and the UDP server's own options. Every
 * other option of the connection (`cipherSuites`, `groups`, `psk`,
 * `ticketKeys`, `alpn`, ...) passes through under its own name.
 */
import { ConfigError, integerOption } from '../../config-error.js';
import type { ConnectionOptions } from '../../connection/connection.js';
import type { ServerCredentials, SniOption } from '../../connection/sni-selection.js';
import { resolveCredentials, SecureContext, type CredentialOptions, type SecureContextOptions } from '../../pki/secure-context.js';
import type { UdpServerOptions } from '../server.js';
import { lenientVerifier, type AuthorizationRecord } from './authorization.js';
import { resolveServerName } from '../../pki/server-name.js';
import { BytesLru, bytesKey } from '../../pki/bytes-lru.js';

/** node:dtls's default and bounds for `mtu`: the largest datagram sent, in bytes. */
export const DEFAULT_MTU = 1200;
const MIN_MTU = 256;
/** The largest UDP payload over IPv4. */
const MAX_MTU = 65_507;
/** What `handshakeTimeout: 0` ("no limit") becomes: a handshake slot is never held for longer than an hour. */
const LONGEST_HANDSHAKE_MS = 3_600_000;
/** What `maxSessions: 0` / `maxSessionsPerHost: 0` ("no limit") become. */
const MOST_SESSIONS = 1_000_000;

/** The server options renamed here (given under their node:dtls names instead). */
type RenamedServerOptions =
  | 'certificate'
  | 'trustAnchors'
  | 'maxDatagramSize'
  | 'handshakeTimeoutMs'
  | 'maxConnections'
  | 'maxConnectionsPerHost'
  | 'clientAuthentication'
  | 'host'
  | 'port'
  | 'serverName'
  | 'checkServerIdentity'
  | 'sni';

/** What an `sni` entry holds: a context from `createSecureContext`, or the options to make one (`cert`, `key`, `passphrase`). */
export type SniCredentials = SecureContext | SecureContextOptions;

/**
 * What a name maps to in `sni`: one identity, or several (an ECDSA and an
 * RSA certificate, say), of which the one the client's signature_algorithms
 * and signature_algorithms_cert fit best is presented.
 */
export type SniEntryCredentials = SniCredentials | readonly SniCredentials[];

/**
 * `sni` of {@link listen}: host name → credentials (a Map or an object;
 * `'*.example.com'` wildcards, `'*'` the fallback), or a function of the
 * requested name. A name nothing matches is refused with unrecognized_name.
 */
export type ListenSniOption =
  ReadonlyMap<string, SniEntryCredentials> | { readonly [servername: string]: SniEntryCredentials } | ((servername: string) => SniEntryCredentials | undefined);

/** Options of {@link listen}. */
export interface ListenOptions extends Omit<UdpServerOptions, RenamedServerOptions>, CredentialOptions {
  /** Server Name Indication: the identity to serve each requested name with (see {@link ListenSniOption}). */
  readonly sni?: ListenSniOption;
  /** Port to bind (default 0: any free port; read it from `endpoint.address`). node:dtls requires it. */
  readonly port?: number;
  /** Address to bind (default `'0.0.0.0'`, as node:dtls). */
  readonly host?: string;
  /** Largest datagram sent, in bytes (default 1,200; 256..65,507). Handshake flights are fragmented to it and `send()` is limited by it. */
  readonly mtu?: number;
  /** A handshake must complete within this many ms of its first datagram (default 10,000; 0: one hour, the longest). */
  readonly handshakeTimeout?: number;
  /** Sessions at most, handshaking or open (default 10,000; 0: no limit). A full endpoint answers new peers with silence. */
  readonly maxSessions?: number;
  /** Sessions at most from one host, an IPv4 address or an IPv6 /56 by default (`ipv4HostPrefix`, `ipv6HostPrefix`) (default 100; 0: no limit). */
  readonly maxSessionsPerHost?: number;
  /** Set SO_REUSEPORT so several processes share the port (Node 22.12 or 23.1 and later: node:dgram's `reusePort`). */
  readonly reusePort?: boolean;
  /** Ask each client for a certificate, verified against `ca` (default false). */
  readonly requestCert?: boolean;
  /** With `requestCert`: refuse clients without a valid certificate (default true); false admits clients that send none. */
  readonly rejectUnauthorized?: boolean;
}

/** The client options renamed here. */
type RenamedClientOptions = 'certificate' | 'trustAnchors' | 'maxDatagramSize' | 'serverName' | 'checkServerIdentity' | 'verifyPeer' | 'keyLog';

/** Options of {@link connect}. */
export interface ConnectOptions extends Omit<ConnectionOptions, RenamedClientOptions>, CredentialOptions {
  /** The name sent as server_name and checked against the certificate (default: the `host` argument). */
  readonly servername?: string;
  /**
   * Refuse a server whose certificate does not chain to `ca` (default: the
   * bundled roots) or does not match `servername` (default true). False
   * completes the handshake anyway and reports the finding in
   * `session.authorized` and `session.authorizationError`.
   */
  readonly rejectUnauthorized?: boolean;
  /** Largest datagram sent, in bytes (default 1,200; 256..65,507). */
  readonly mtu?: number;
  /** The handshake must complete within this many ms (default 30,000; 0: one hour, the longest). */
  readonly handshakeTimeout?: number;
  /**
   * End the session when nothing that authenticates has come from the
   * server for this many ms after the handshake (default 0: never). A
   * dead server is noticed this way, or at once by ICMP (ECONNREFUSED).
   */
  readonly idleTimeout?: number;
  /** Local address to bind (default: any, same family as the server's). */
  readonly bindHost?: string;
  /** Local port to bind (default 0: any free port). */
  readonly bindPort?: number;
}

/** `handshakeTimeout` in ms, 0 mapped to the longest. */
export function handshakeTimeoutMs(value: number | undefined, fallback: number): number {
  const ms = integerOption('handshakeTimeout', value ?? fallback, 0, LONGEST_HANDSHAKE_MS);
  return ms === 0 ? LONGEST_HANDSHAKE_MS : ms;
}

function mtuOption(value: number | undefined): number {
  return integerOption('mtu', value ?? DEFAULT_MTU, MIN_MTU, MAX_MTU);
}

function limitOption(option: string, value: number | undefined, fallback: number): number {
  const n = integerOption(option, value ?? fallback, 0, MOST_SESSIONS);
  return n === 0 ? MOST_SESSIONS : n;
}

function booleanOption(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigError(option, `must be a boolean, got ${typeof value}`);
  return value;
}

/** Whether this Node's node:dgram takes `reusePort` (added in 22.12.0 and 23.1.0). */
export function dgramHasReusePort(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** The UDP server's options from node:dtls's; a ConfigError names the option that is wrong. */
export function serverOptions(o: ListenOptions): UdpServerOptions & { readonly reusePort: boolean } {
  if (typeof o !== 'object' || o === null) throw new ConfigError('options', 'must be an object');
  const {
    cert: _cert,
    key: _key,
    passphrase: _passphrase,
    ca: _ca,
    secureContext: _secureContext,
    mtu,
    handshakeTimeout,
    maxSessions,
    maxSessionsPerHost,
    reusePort,
    requestCert,
    rejectUnauthorized,
    host,
    port,
    sni,
    ...rest
  } = o;
  if (booleanOption('reusePort', reusePort) === true && !dgramHasReusePort()) {
    throw new ConfigError('reusePort', `needs node:dgram's reusePort (Node 22.12 or 23.1 and later); this is Node ${process.versions.node}`);
  }
  const ask = booleanOption('requestCert', requestCert) === true;
  const reject = booleanOption('rejectUnauthorized', rejectUnauthorized) !== false;
  // A server serving only sni names needs no cert of its own; then no credentials are read here.
  const credentials = o.cert === undefined && o.secureContext === undefined && o.ca === undefined && !ask ? {} : resolveCredentials(o);
  return {
    ...rest,
    ...credentials,
    ...(sni !== undefined ? { sni: sniOption(sni) } : {}),
    host: host ?? '0.0.0.0',
    port: integerOption('port', port ?? 0, 0, 65535),
    maxDatagramSize: mtuOption(mtu),
    handshakeTimeoutMs: handshakeTimeoutMs(handshakeTimeout, 10_000),
    maxConnections: limitOption('maxSessions', maxSessions, 10_000),
    maxConnectionsPerHost: limitOption('maxSessionsPerHost', maxSessionsPerHost, 100),
    clientAuthentication: ask ? (reject ? 'required' : 'optional') : 'none',
    reusePort: reusePort === true,
  };
}

/** A client connection's options from node:dtls's, for the server at `host` (a name or an address). */
export function clientOptions(
  host: string,
  o: ConnectOptions,
  authorization: AuthorizationRecord,
): { readonly connection: ConnectionOptions; readonly mtu: number } {
  if (typeof o !== 'object' || o === null) throw new ConfigError('options', 'must be an object');
  const {
    cert: _cert,
    key: _key,
    passphrase: _passphrase,
    ca: _ca,
    secureContext: _secureContext,
    servername,
    rejectUnauthorized,
    mtu,
    handshakeTimeout: _handshakeTimeout,
    idleTimeout: _idleTimeout,
    bindHost: _bindHost,
    bindPort: _bindPort,
    ...rest
  } = o;
  // Checked here so that an error names the option the caller gave (servername, or host as its default).
  const serverName = resolveServerName(servername ?? host, servername === undefined ? 'host' : 'servername');
  const credentials = resolveCredentials(o);
  const lenient = booleanOption('rejectUnauthorized', rejectUnauthorized) === false;
  const size = mtuOption(mtu);
  const connection: ConnectionOptions = {
    ...rest,
    ...credentials,
    serverName,
    maxDatagramSize: size,
    ...(lenient ? { verifyPeer: lenientVerifier(credentials.trustAnchors, serverName, authorization) } : {}),
  };
  return { connection, mtu: size };
}

/** The certificate of one `sni` entry; a ConfigError names the entry. */
function sniCredentials(option: string, entry: SniCredentials): ServerCredentials {
  if (typeof entry !== 'object' || entry === null) throw new ConfigError(option, 'must be a secure context or { cert, key }');
  let certificate: ServerCredentials | undefined;
  try {
    certificate = entry instanceof SecureContext ? entry.certificate : resolveCredentials(entry).certificate;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${option}.${e.option}`, e.reason);
    throw e;
  }
  if (!certificate) throw new ConfigError(option, 'needs a certificate: cert and key, or a secure context made with them');
  return certificate;
}

/** One `sni` entry (one identity or a list, each named in errors as `option[i]`) → the connection's. */
function sniEntry(option: string, entry: SniEntryCredentials): ServerCredentials | readonly ServerCredentials[] {
  if (!Array.isArray(entry)) return sniCredentials(option, entry as SniCredentials);
  if (entry.length === 0) throw new ConfigError(option, 'must hold at least one secure context or { cert, key }');
  return entry.map((e: SniCredentials, i) => sniCredentials(`${option}[${i}]`, e));
}

/** Distinct `sni` function results remembered by content (a server with more names re-reads the least recent). */
const SNI_CONTENT_ENTRIES = 64;

/**
 * The content of `{ cert, key, ... }` options (or a list of them) as a key:
 * every field, strings and bytes length-prefixed; undefined for anything
 * else (a secure context is remembered by object only).
 */
function contentKey(value: unknown): string | undefined {
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (value instanceof Uint8Array) return `b${value.length}:${bytesKey(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `v${String(value)};`;
  if (Array.isArray(value)) {
    let key = `a${value.length}[`;
    for (const v of value) {
      const k = contentKey(v);
      if (k === undefined) return undefined;
      key += k;
    }
    return `${key}]`;
  }
  if (typeof value !== 'object' || value === null || value instanceof SecureContext || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  let key = '{';
  for (const name of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined) continue;
    const k = contentKey(v);
    if (k === undefined) return undefined;
    key += `${name}=${k}`;
  }
  return `${key}}`;
}

/** node:dtls's `sni` (contexts or their options, one or a list per name) → the connection's (chains and keys, DER). */
export function sniOption(sni: ListenSniOption): SniOption {
  if (typeof sni === 'function') {
    // Remembered by the object returned, and by content for a function that builds a new `{ cert, key }` on every
    // call: else every ClientHello naming a host, spoofed ones in the cookie exchange included, parses the PEM,
    // decrypts the key and checks it against the leaf again.
    const made = new WeakMap<object, ServerCredentials | readonly ServerCredentials[]>();
    const byContent = new BytesLru<ServerCredentials | readonly ServerCredentials[]>(SNI_CONTENT_ENTRIES);
    return (servername: string) => {
      const entry = sni(servername);
      if (entry === undefined) return undefined;
      let c = made.get(entry);
      if (!c) {
        const key = contentKey(entry);
        c = key === undefined ? undefined : byContent.get(key);
        if (!c) {
          c = sniEntry(`sni('${servername}')`, entry);
          if (key !== undefined) byContent.set(key, c);
        }
        made.set(entry, c);
      }
      return c;
    };
  }
  if (typeof sni !== 'object' || sni === null) throw new ConfigError('sni', 'must be a Map, an object or a function');
  const entries: [string, SniEntryCredentials][] = sni instanceof Map ? [...(sni as ReadonlyMap<string, SniEntryCredentials>)] : Object.entries(sni);
  return new Map(entries.map(([name, entry]) => [name, sniEntry(`sni['${name}']`, entry)]));
}
