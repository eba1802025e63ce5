/** node:dtls's option names translated to the connection's and the UDP server's own; the rest pass through. */
import { isIP } from 'node:net';
import { ConfigError, described } from '../config-error.js';
import type { ConnectionOptions } from '../connection/connection.js';
import { DATAGRAM_SIZE } from '../shared/config-options.js';
import type { ServerCredentials, SniOption } from '../shared/sni-selection.js';
import {
  credentialContext,
  SecureContext,
  type CredentialOptions,
  type SecureContextOptions,
} from '../pki/secure-context.js';
import { systemRootsVerifier } from '../pki/system-trust-anchors.js';
import { validateServerOptions, type UdpServerOptions } from './server-options.js';
import { lenientVerifier, strictVerifier, type AuthorizationRecord } from './authorization.js';
import { resolveServerName } from '../pki/server-name.js';
import { BytesLru } from '../pki/bytes-lru.js';
import { clientCredentialContext } from './client-credentials.js';
import { contentKey } from './content-key.js';
import { ciphersOption } from './cipher-option.js';
import { isDatagramTransport, type DatagramTransport } from './transport.js';
import {
  checkOptions,
  CONNECT_OPTION_NAMES,
  integerFrom,
  integersInto,
  LISTEN_OPTION_NAMES,
  passedOn,
  type IntegerOptions,
  type ListedExactly,
} from './option-names.js';
import { checkContextRole } from './secure-context.js';
import type { FleetOptions } from './workers/fleet-options.js';
import { withProfile, type ProfileName } from './profile-option.js';
import { rawPublicKeyOptions, type RawPublicKeyOptions } from './raw-public-key-options.js';
import { clientFingerprint, serverFingerprint, type FingerprintOptionValue } from './fingerprint-options.js';

/** The values `extendedMasterSecret` takes (its row in option-names.ts checks them). */
export type ExtendedMasterSecretOption = 'required' | 'preferred';

/** node:dtls's default `mtu`: the largest datagram sent, in bytes. */
export const DEFAULT_MTU = DATAGRAM_SIZE.default;

/** The connection's options both calls take under node:dtls's names instead (or set themselves). */
type RenamedOptions =
  | 'alpn'
  | 'rawPublicKey'
  | 'certificate'
  | 'trustAnchors'
  | 'maxDatagramSize'
  | 'serverName'
  | 'checkServerIdentity'
  | InternalOptions;

/** Options of the connection that are set by connect/listen themselves (or, `amplificationLimit`, left on), never given. */
type InternalOptions = 'cipherSuites12' | 'requireExtendedMasterSecret' | 'amplificationLimit';

/** What an `sni` entry holds: a context from `createSecureContext`, or the options to make one (`cert`, `key`, `passphrase`). */
export type SniCredentials = SecureContext | SecureContextOptions;

/** What a name maps to in `sni`: one identity, or several (ECDSA and RSA): the client's best fit is presented. */
export type SniEntryCredentials = SniCredentials | readonly SniCredentials[];

/**
 * `sni` of {@link listen}: host name → credentials (a Map or an object; `'*.example.com'` wildcards, `'*'` the
 * fallback), or a function of the requested name. A name nothing matches is refused with unrecognized_name.
 */
export type ListenSniOption =
  | ReadonlyMap<string, SniEntryCredentials>
  | { readonly [servername: string]: SniEntryCredentials }
  | ((servername: string) => SniEntryCredentials | undefined);

/** The options of {@link listen} and {@link connect} that mean the same to both. */
export interface SharedOptions extends CredentialOptions, RawPublicKeyOptions {
  /**
   * node:tls's cipher string: the TLS 1.3 and DTLS 1.2 suites named, in that preference
   * (`'TLS_AES_256_GCM_SHA384:ECDHE-ECDSA-AES128-GCM-SHA256'`); OpenSSL keywords are skipped, unknown names refused.
   */
  readonly ciphers?: string;
  /** Run over this {@link DatagramTransport} instead of a UDP socket of our own (WebRTC); then no option of the socket (`host`, `port`, `bindHost`, ...). */
  readonly transport?: DatagramTransport;
  /** 'rfc7925': also speak what RFC 7925 IoT devices speak, first (the CCM_8 suites, a plain PSK); profile-option.ts. */
  readonly profile?: ProfileName;
  /** DTLS 1.2: 'required' (default) refuses a peer without extended_master_secret (RFC 7627); 'preferred' lets it in. */
  readonly extendedMasterSecret?: ExtendedMasterSecretOption;
}

/** Options of {@link listen}. */
export interface ListenOptions
  extends
    Omit<UdpServerOptions, RenamedOptions | 'handshakeTimeoutMs' | 'clientAuthentication' | 'sni' | 'idleTimeoutMs'>,
    SharedOptions,
    IntegerOptions<typeof LISTEN_OPTION_NAMES> {
  /** ALPN: the protocols served, most preferred first (a list, or a wire-format Buffer of length-prefixed names, as node:tls), or a function choosing among the client's offers. */
  readonly alpn?: UdpServerOptions['alpn'] | Uint8Array;
  /** Server Name Indication: the identity to serve each requested name with (see {@link ListenSniOption}). */
  readonly sni?: ListenSniOption;
  /** Address to bind (default `'0.0.0.0'`, as node:dtls). */
  readonly host?: string;
  /** Serve on this many worker threads ('auto': one per core); `listen` then takes a module (scale-out.md). */
  readonly workers?: number | 'auto';
  /** With `workers`: the ticket keys from this file (32-byte keys, hex lines or raw; the current one first), re-read when it changes (docs/scale-out.md). */
  readonly ticketKeyFile?: string;
  /** With `workers` and `hostId`: the fleet of hosts records are forwarded between by their CID (docs/scale-out.md). */
  readonly fleet?: FleetOptions;
  /** Set SO_REUSEPORT so several processes share the port (Node 22.12 or 23.1 and later: node:dgram's `reusePort`). */
  readonly reusePort?: boolean;
  /** Ask each client for a certificate, verified against `ca` (default false). */
  readonly requestCert?: boolean;
  /** With `requestCert`: refuse clients without a valid certificate (default true); false admits clients that send none. */
  readonly rejectUnauthorized?: boolean;
  /** With an IPv6 `host`: serve IPv6 only (true), or IPv4 peers too as mapped addresses (default false). No effect on IPv4. */
  readonly ipv6Only?: boolean;
  /** Require a client certificate whose fingerprint is one of these (`'sha-256 AB:CD:...'`, SDP's form), in place of `ca`: see docs/node-dtls.md. */
  readonly fingerprint?: FingerprintOptionValue;
}

/** Options of {@link connect}. */
export interface ConnectOptions
  extends
    Omit<ConnectionOptions, RenamedOptions | 'verifyPeer' | 'keyLog'>,
    SharedOptions,
    IntegerOptions<typeof CONNECT_OPTION_NAMES> {
  /** ALPN: the protocols offered, most preferred first (a list, or a wire-format Buffer of length-prefixed names, as node:tls). */
  readonly alpn?: ConnectionOptions['alpn'] | Uint8Array;
  /** The name sent as server_name and checked against the certificate (default: the `host` argument). */
  readonly servername?: string;
  /** Refuse a server whose certificate does not chain to `ca` or match `servername` (default true). */
  readonly rejectUnauthorized?: boolean;
  /** Local address to bind (default: any, same family as the server's). */
  readonly bindHost?: string;
  /** Accept the server's certificate when its fingerprint is one of these (`'sha-256 AB:CD:...'`, SDP's form), in place of `ca` and the name. */
  readonly fingerprint?: FingerprintOptionValue;
}

/** Whether this Node's node:dgram takes `reusePort` (added in 22.12.0 and 23.1.0). */
export function dgramHasReusePort(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** What `listen` hands the listener (serverOptions): its options and limits, checked, and how to get datagrams. */
export type ListenerOptions = ReturnType<typeof serverOptions>;

/**
 * A listener's own socket: where it binds (`host`, checked already by serverOptions, and `port`) and node:dgram's
 * options (`ttl` set once bound; `reusePort`: Node 22.12 / 23.1 and later).
 */
export type ListenerUdpOptions = ReturnType<typeof udpOptions>;

function udpOptions(o: ListenOptions, host: string | undefined) {
  return {
    host: host ?? '0.0.0.0',
    reusePort: o.reusePort === true,
    ...(o.ipv6Only !== undefined ? { ipv6Only: o.ipv6Only } : {}),
    ...integersInto('listen', 'socket', o),
  };
}

/** `alpn` as node:tls takes it too: a Buffer or Uint8Array in wire format (length-prefixed names) → the names. */
export function alpnOption<T>(alpn: T | Uint8Array): T | string[] {
  if (!(alpn instanceof Uint8Array)) return alpn;
  const names: string[] = [];
  for (let at = 0; at < alpn.length;) {
    const length = alpn[at]!;
    if (length === 0)
      throw new ConfigError(
        'alpn',
        `holds an empty protocol name at byte ${at} (in wire format, each name is 1..255 bytes after its length byte)`,
      );
    if (at + 1 + length > alpn.length)
      throw new ConfigError(
        'alpn',
        `ends inside the protocol name at byte ${at}: its length byte says ${length}, ${alpn.length - at - 1} bytes are left`,
      );
    names.push(Buffer.from(alpn.subarray(at + 1, at + 1 + length)).toString('latin1'));
    at += 1 + length;
  }
  if (names.length === 0)
    throw new ConfigError('alpn', 'is an empty Buffer: give at least one length-prefixed protocol name');
  return names;
}

/** option-names.ts lists exactly the options of listen and connect: a name missing there, or one listed that is no option, fails to compile here. */
export const LISTED_OPTION_NAMES: {
  readonly listen: ListedExactly<typeof LISTEN_OPTION_NAMES, ListenOptions>;
  readonly connect: ListedExactly<typeof CONNECT_OPTION_NAMES, ConnectOptions>;
} = { listen: LISTEN_OPTION_NAMES, connect: CONNECT_OPTION_NAMES };

/** Why a single endpoint refuses each option of `listen({ workers })`. */
const WORKER_ONLY = {
  workers: 'is taken by listen() itself (a module as its first argument), not by a single endpoint',
  hostId: 'needs workers (workers: 1 for one event loop): the workers put it in their CIDs',
  ticketKeyFile: 'needs workers (workers: 1 for one event loop), whose primary watches the file',
  fleet: 'needs workers (workers: 1 for one event loop): their CIDs name the host that holds a session',
} as const;

/** The listener's options from node:dtls's, all checked; a ConfigError names the option that is wrong. */
export function serverOptions(given: ListenOptions) {
  checkOptions('listen', given);
  const o = withProfile('server', given);
  const rest = passedOn(LISTEN_OPTION_NAMES, o);
  const ems = requireExtendedMasterSecret(o.extendedMasterSecret);
  for (const name of Object.keys(WORKER_ONLY) as (keyof typeof WORKER_ONLY)[])
    if (o[name] !== undefined) throw new ConfigError(name, WORKER_ONLY[name]);
  checkContextRole(o.secureContext, 'listen');
  if (o.idleTimeout !== undefined && rest.idleTimeoutMs !== undefined)
    throw new ConfigError('idleTimeout', 'give either idleTimeout or idleTimeoutMs, not both');
  if (o.transport !== undefined) {
    const clash = (
      ['host', 'port', 'reusePort', 'ipv6Only', 'udpReceiveBufferSize', 'udpSendBufferSize', 'udpTTL'] as const
    ).find((k) => o[k] !== undefined);
    if (clash !== undefined)
      throw new ConfigError(clash, 'is not for a transport: its owner binds the socket and sets its options');
  }
  if (o.reusePort === true && !dgramHasReusePort()) {
    throw new ConfigError(
      'reusePort',
      `needs node:dgram's reusePort (Node 22.12 or 23.1 and later); this is Node ${process.versions.node}`,
    );
  }
  const host = o.host;
  if (host !== undefined && (typeof host !== 'string' || isIP(host) === 0)) {
    throw new ConfigError(
      'host',
      `must be an IP address to bind, got ${described(host)}`,
      typeof host === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
    );
  }
  const udp = udpOptions(o, host);
  const ask = o.requestCert === true;
  const reject = o.rejectUnauthorized !== false;
  const { suites13: suites, suites12 } = ciphersOption(o.ciphers, rest);
  // A server serving only sni names needs no cert of its own; then no credentials are read here.
  const raw = rawPublicKeyOptions('server', o);
  const context =
    raw?.keyOnly === true || (o.cert === undefined && o.secureContext === undefined && o.ca === undefined && !ask)
      ? undefined
      : credentialContext(o);
  const transport = transportOption(o.transport);
  // `keyLog` is set again by the listener (its sessions' `onkeylog` routed through it).
  const server: Omit<UdpServerOptions, 'keyLog'> & { keyLog?: NonNullable<UdpServerOptions['keyLog']> } = {
    // Without ca, a client's certificate is checked against the bundled roots, read at the first check (a given verifyPeer, fingerprint or raw key replaces it).
    ...(context?.trustSource === 'system' ? { verifyPeer: systemRootsVerifier('clientAuth') } : {}),
    ...rest,
    ...(context?.certificate ? { certificate: context.certificate } : {}),
    ...(context?.trustSource === 'ca' ? { trustAnchors: context.trustAnchors } : {}),
    ...(suites !== undefined ? { cipherSuites: suites } : {}),
    ...(suites12 !== undefined ? { cipherSuites12: suites12 } : {}),
    ...(o.alpn !== undefined ? { alpn: alpnOption(o.alpn) } : {}),
    ...(o.sni !== undefined ? { sni: sniOption(o.sni) } : {}),
    maxDatagramSize: integerFrom('listen', 'mtu', o.mtu),
    // idleTimeout is the name connect has; idleTimeoutMs the server's own (both at once is refused above)
    idleTimeoutMs:
      o.idleTimeout !== undefined
        ? integerFrom('listen', 'idleTimeout', o.idleTimeout)
        : integerFrom('listen', 'idleTimeoutMs', rest.idleTimeoutMs),
    clientAuthentication: ask ? (reject ? 'required' : 'optional') : 'none',
    ...(raw
      ? { rawPublicKey: raw.option, ...(raw.option.verifyPeer ? { clientAuthentication: 'required' as const } : {}) }
      : serverFingerprint(o)),
    ...(ems !== undefined ? { requireExtendedMasterSecret: ems } : {}),
  };
  // The limits the table fills, checked under the names the caller gave.
  const limits = validateServerOptions(server, integersInto('listen', 'limits', o));
  return { server, limits, udp, transport };
}

function transportOption(transport: unknown): DatagramTransport | undefined {
  if (transport === undefined) return undefined;
  if (isDatagramTransport(transport)) return transport;
  throw new ConfigError(
    'transport',
    `must be a DatagramTransport (new DatagramTransport(send)), got ${described(transport)}`,
    'ERR_INVALID_ARG_TYPE',
  );
}

/** The credential options but `key` and `passphrase` (a raw public key's, read by raw-public-key-options.ts). */
function withoutKey(o: CredentialOptions): CredentialOptions {
  const { key: _key, passphrase: _passphrase, ...rest } = o;
  return rest;
}

/** A client connection's options from node:dtls's, for the server at `host` (a name or an address). */
export function clientOptions(host: string, given: ConnectOptions, authorization: AuthorizationRecord) {
  checkOptions('connect', given);
  const o = withProfile('client', given);
  const rest = passedOn(CONNECT_OPTION_NAMES, o);
  checkContextRole(o.secureContext, 'connect');
  if (o.transport !== undefined) {
    const clash = (['bindHost', 'bindPort'] as const).find((k) => o[k] !== undefined);
    if (clash !== undefined) throw new ConfigError(clash, 'is not for a transport: its owner binds the socket');
  }
  const servername = o.servername;
  // servername '' (node:tls): send no server_name, and check the certificate against host.
  const noSni = servername === '';
  // Checked first so that an error names the option the caller gave (servername, or host as its default).
  const identity = resolveServerName(
    noSni || servername === undefined ? host : servername,
    noSni || servername === undefined ? 'host' : 'servername',
  );
  const serverName = noSni ? undefined : identity;
  const raw = rawPublicKeyOptions('client', o);
  const context = clientCredentialContext(raw?.keyOnly === true ? withoutKey(o) : o);
  const lenient = o.rejectUnauthorized === false;
  const pinned = raw ? undefined : clientFingerprint(o);
  // A pinned fingerprint or raw key replaces the trust anchors: the bundled roots are not read for them.
  const anchorsUnused = pinned !== undefined || raw?.option.verifyPeer !== undefined;
  const credentials = {
    ...(context.certificate ? { certificate: context.certificate } : {}),
    trustAnchors: anchorsUnused ? [] : context.trustAnchors,
  };
  const size = integerFrom('connect', 'mtu', o.mtu);
  const { suites13: suites, suites12 } = ciphersOption(o.ciphers, rest);
  const connection: ConnectionOptions = {
    ...rest,
    ...credentials,
    ...(suites !== undefined ? { cipherSuites: suites } : {}),
    ...(o.alpn !== undefined ? { alpn: alpnOption(o.alpn) } : {}),
    ...(serverName !== undefined ? { serverName } : {}),
    maxDatagramSize: size,
    ...(raw ? { rawPublicKey: raw.option } : {}),
    ...(pinned
      ? { verifyPeer: pinned }
      : lenient
        ? { verifyPeer: lenientVerifier(credentials.trustAnchors, identity, authorization) }
        : noSni
          ? { verifyPeer: strictVerifier(credentials.trustAnchors, identity) }
          : {}),
  };
  return {
    connection,
    /** The DTLS 1.2 suites `ciphers` named, when it named some. */
    cipherSuites12: suites12,
    /** DTLS 1.2: whether extended_master_secret is required (undefined: the default, required). */
    requireExtendedMasterSecret: requireExtendedMasterSecret(o.extendedMasterSecret),
    mtu: size,
    transport: transportOption(o.transport),
  };
}

/** `extendedMasterSecret` as the 1.2 connection's `requireExtendedMasterSecret` (why: dtls12/hello-checks.ts). */
function requireExtendedMasterSecret(value: ExtendedMasterSecretOption | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'required';
}

/** The certificate of one `sni` entry; a ConfigError names the entry. */
function sniCredentials(option: string, entry: SniCredentials): ServerCredentials {
  if (typeof entry !== 'object' || entry === null)
    throw new ConfigError(option, 'must be a secure context or { cert, key }');
  let certificate: ServerCredentials | undefined;
  try {
    certificate = entry instanceof SecureContext ? entry.certificate : credentialContext(entry).certificate;
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`${option}.${e.option}`, e.reason);
    throw e;
  }
  if (!certificate)
    throw new ConfigError(option, 'needs a certificate: cert and key, or a secure context made with them');
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

/** node:dtls's `sni` (contexts or their options, one or a list per name) → the connection's (chains and keys, DER). */
export function sniOption(sni: ListenSniOption): SniOption {
  if (typeof sni === 'function') {
    // Remembered by object and by content: else every (even spoofed) ClientHello naming a host parses the PEM again.
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
  const entries: [string, SniEntryCredentials][] =
    sni instanceof Map ? [...(sni as ReadonlyMap<string, SniEntryCredentials>)] : Object.entries(sni);
  return new Map(entries.map(([name, entry]) => [name, sniEntry(`sni['${name}']`, entry)]));
}
