import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { ConfigError, described, portOption } from '../config-error.js';
import type { RemoteAddress } from '../node/peer-paths.js';
import { Transport } from '../node/transport.js';
import { SessionDriver } from './session-driver.js';
import { bindSocket, createClientSocket } from '../node/socket-bind.js';
import { ipVersion } from '../node/ip-version.js';
import type { AuthorizationRecord } from './authorization.js';
import { clientOptions, type ConnectOptions } from './options.js';
import { integerFrom, integersInto } from './option-names.js';
import { attachClientSocket, rebindClient } from './rebind.js';
import { DtlsSession, sessionKeyLog } from './session.js';
import { DtlsConnection } from '../connection/connection.js';
import type { Connection } from '../shared/connection-api.js';
import { localEntry } from '../pki/raw-public-key.js';
import { attachTransport } from './transport.js';

/** A transport client's datagrams carry no socket path (its transport's socket is never rebound). */
const UNNAMED = { path: undefined };
/** What a client's transport lends when nothing observes its datagrams (an `onDatagram` observer may keep one). */
type Lending = { readonly lend: boolean };

interface Resolved {
  readonly address: string;
  readonly family: number;
}

/**
 * Connects to a DTLS server (node:dtls's `connect(host, port, options)`) and returns the session at once; `await
 * session.opened` for the handshake (1.3 or 1.2, the server's choice; `minVersion` / `maxVersion` narrow it).
 *
 * `host` is an IP address or a name (`dns.lookup`), the default `servername`. The socket is connected, so an ICMP
 * port-unreachable ends the handshake with `ECONNREFUSED` (after it, it is only counted). Every failure rejects
 * `opened` (while pending) and `closed` and goes to `onerror`; bad options throw ConfigError now.
 */
export function connect(host: string, port: number, options: ConnectOptions = {}): DtlsSession {
  if (typeof host !== 'string')
    throw new ConfigError(
      'host',
      `must be a host name or an IP address (a string), got ${described(host)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  if (host.length === 0) throw new ConfigError('host', 'must be a host name or an IP address, got an empty string');
  portOption('port', port);
  const authorization: AuthorizationRecord = { error: undefined };
  const {
    connection: connectionOptions,
    cipherSuites12,
    requireExtendedMasterSecret,
    mtu,
    transport,
  } = clientOptions(host, options, authorization);
  const deadlines = integersInto('connect', 'connection', options); // handshakeTimeoutMs, idleTimeoutMs
  const bindPort = integerFrom('connect', 'bindPort', options.bindPort);
  if (options.bindHost !== undefined && ipVersion(options.bindHost) === 0)
    throw new ConfigError('bindHost', `must be an IP address, got ${described(options.bindHost)}`);
  const literal = ipVersion(host);
  if (transport !== undefined && literal === 0)
    throw new ConfigError(
      'host',
      `must be an IP address with a transport (the datagrams go to it as they are), got ${host}`,
    );
  const serverName = connectionOptions.serverName;
  const driver = new SessionDriver<DtlsSession>(literal ? { address: host, port } : undefined, undefined);
  const session = new DtlsSession('client', mtu, driver, authorization, undefined, {
    certificate: localEntry(connectionOptions),
    serverName: serverName !== undefined && ipVersion(serverName) === 0 ? serverName : undefined,
  });
  // The handshake and idle deadlines are the connection's own (pollTimeout); the session sleeps until them.
  const connection = DtlsConnection.client({
    ...connectionOptions,
    ...(cipherSuites12 !== undefined ? { cipherSuites12 } : {}),
    ...(requireExtendedMasterSecret !== undefined ? { requireExtendedMasterSecret } : {}),
    keyLog: Object.assign((line: string) => sessionKeyLog(session, line), { wanted: () => session.onkeylog !== null }),
    ...deadlines,
  });

  const lending = { lend: connectionOptions.onDatagram === undefined };
  if (transport !== undefined) {
    startOverTransport(driver, connection, attachTransport(transport), { address: host, port }, lending);
    return session;
  }
  const where: Promise<Resolved> = literal ? Promise.resolve({ address: host, family: literal }) : lookup(host);
  where.then(
    (r) => {
      if (session.destroyed) return;
      if (options.bindHost !== undefined && ipVersion(options.bindHost) !== r.family) {
        driver.fail(
          new ConfigError(
            'bindHost',
            `must be an IPv${r.family} address like ${host} (${r.address}), got ${options.bindHost}`,
          ),
        );
        return;
      }
      start(driver, connection, r, port, options.bindHost, bindPort, lending);
    },
    (e: unknown) => driver.fail(e instanceof Error ? e : new Error(`cannot resolve ${host}: ${String(e)}`)),
  );
  return session;
}

/** Opens the client's connected socket and drives the connection over it. */
function start(
  driver: SessionDriver<DtlsSession>,
  connection: Connection,
  server: Resolved,
  port: number,
  bindHost: string | undefined,
  bindPort: number,
  { lend }: Lending,
): void {
  const socket = createClientSocket(server.family === 6 ? 'udp6' : 'udp4');
  // The session closes its socket once ended (the current one: `rebind` may have replaced the first).
  driver.drive(connection, socket, { address: server.address, port }, { connected: true });
  // ECONNREFUSED (ICMP port unreachable) ends only a handshake (DtlsSession.failed); any other socket error ends the session.
  const fail = (error: Error): void => driver.fail(error, (error as NodeJS.ErrnoException).code === 'ECONNREFUSED');
  attachClientSocket(socket, driver, fail, lend);
  driver.rebinder = (address) => rebindClient(driver, fail, address, lend);
  bindSocket(socket, bindPort, bindHost, () => {
    if (driver.isEnded) return;
    // node:dgram hands a failed connect's error to this callback, not to 'error'.
    socket.connect(port, server.address, (error?: Error) => (error ? fail(error) : driver.startHandshake()));
  });
}

/** @internal A client session driving the caller's connection over `socket` (tests/support/udp-client.ts). */
export function connectOverSocket(
  connection: Connection,
  socket: Socket,
  server: RemoteAddress,
  mtu: number,
): DtlsSession {
  const driver = new SessionDriver<DtlsSession>(server, undefined);
  const session = new DtlsSession('client', mtu, driver, undefined, undefined);
  startOverTransport(driver, connection, socket, server, { lend: false });
  return session;
}

/** Drives the connection over a transport's socket, to and from the server's address and port only. */
function startOverTransport(
  driver: SessionDriver<DtlsSession>,
  connection: Connection,
  socket: Socket,
  server: RemoteAddress,
  { lend }: Lending,
): void {
  // The session closes the socket once ended (the transport is free for another session then).
  driver.drive(connection, socket, server, { connected: false });
  socket.on('error', (error: Error) => driver.fail(error));
  // Only datagrams from the server's address and port reach the session (the demux: its slot).
  const transport = Transport.of(socket);
  transport.serveClient(driver, UNNAMED, lend);
  // DatagramTransport.moveRemote: the application's ICE agent chose another path.
  socket.on('remote', (to: RemoteAddress) => {
    driver.remote = to;
    transport.migrated(driver);
  });
  queueMicrotask(() => {
    if (!driver.isEnded) driver.startHandshake();
  });
}
