/** node:dtls's option names translated to the connection's and the UDP server's own; the rest pass through. */
import { isIP } from 'node:net';
import { ConfigError, described } from '../config-error.js';
import type { ConnectionOptions } from '../connection/connection.js';
import { DATAGRAM_SIZE } from '../shared/config-options.js';
import { credentialContext, type CredentialOptions } from '../pki/secure-context.js';
import { systemRootsVerifier } from '../pki/system-trust-anchors.js';
import { validateServerOptions, type UdpServerOptions } from './server-options.js';
import { lenientVerifier, strictVerifier, type AuthorizationRecord } from './authorization.js';
import { resolveServerName } from '../pki/server-name.js';
import { clientCredentialContext } from './client-credentials.js';
import { sniOption } from './sni-option.js';
import { ciphersOption } from './cipher-option.js';
import { isDatagramTransport, type DatagramTransport } from './transport.js';
import {
  checkOptions,
  CONNECT_OPTION_NAMES,
  integerFrom,
  integersInto,
  LISTEN_OPTION_NAMES,
  passedOn,
  type ExtendedMasterSecretOption,
  type ListedExactly,
  type PassedOptions,
} from './option-names.js';
import { checkContextRole } from './secure-context.js';
import { withProfile } from './profile-option.js';
import { rawPublicKeyOptions } from './raw-public-key-options.js';
import { clientFingerprint, serverFingerprint } from './fingerprint-options.js';
import type { TypedOptions } from '../option-row.js';

/** node:dtls's default `mtu`: the largest datagram sent, in bytes. */
export const DEFAULT_MTU = DATAGRAM_SIZE.default;

/** Options of {@link listen}: the rows of its table (option-names.ts), typed and documented there or by the option passed on. */
export interface ListenOptions
  extends
    PassedOptions<typeof LISTEN_OPTION_NAMES, UdpServerOptions>,
    CredentialOptions,
    TypedOptions<typeof LISTEN_OPTION_NAMES> {}

/** Options of {@link connect}: the rows of its table (option-names.ts), typed and documented there or by the option passed on. */
export interface ConnectOptions
  extends
    PassedOptions<typeof CONNECT_OPTION_NAMES, ConnectionOptions>,
    CredentialOptions,
    TypedOptions<typeof CONNECT_OPTION_NAMES> {}

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
