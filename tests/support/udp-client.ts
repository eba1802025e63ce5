import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { ConfigError, integerOption } from '../../runtime/config-error.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/dtls/connection.js';
import { DtlsEndpoint } from '../../runtime/node/endpoint.js';

/**
 * A client for tests that look below `connect()`: the sans-I/O connection
 * driven by the same `DtlsEndpoint` `connect()` builds, on an unconnected
 * UDP socket of its own, with the connection's options as they are (not
 * node:dtls's names), and the endpoint at hand (`connection`, `handshake`,
 * `receive()`, `EndpointClosedError`). Not part of the package.
 */
export interface UdpClientOptions extends ConnectionOptions {
  /** The server's IP address (default 127.0.0.1). */
  readonly host?: string;
  readonly port: number;
  /** Local address to bind (default: any; the system picks the source address). Same IP family as `host`. */
  readonly localAddress?: string;
  /** Local port to bind (default 0: any free port). */
  readonly localPort?: number;
  /** Give up when the handshake has not completed after this many ms (default 30,000). */
  readonly handshakeTimeoutMs?: number;
}

/** A client endpoint that owns its UDP socket; `close()` also closes the socket. */
export class UdpClientEndpoint extends DtlsEndpoint {
  constructor(connection: DtlsConnection, socket: Socket, host: string, port: number) {
    super(
      connection,
      socket,
      { address: host, port },
      { endpointEnded: (self) => void self.flushed().then(() => socket.close()) },
    );
  }
}

/**
 * Opens a UDP socket, sends the ClientHello to `host:port` and returns the
 * endpoint at once; await `endpoint.handshake` for the result. Datagrams
 * from any other address are ignored.
 */
export function openClientEndpoint(options: UdpClientOptions): UdpClientEndpoint {
  const host = options.host ?? '127.0.0.1';
  const family = isIP(host);
  if (family === 0) throw new ConfigError('host', `must be an IP address, got ${host}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
    throw new ConfigError('port', `must be 1..65535, got ${String(options.port)}`);
  const handshakeTimeoutMs = integerOption('handshakeTimeoutMs', options.handshakeTimeoutMs ?? 30_000, 1, 3_600_000);
  const localPort = integerOption('localPort', options.localPort ?? 0, 0, 65535);
  if (options.localAddress !== undefined && isIP(options.localAddress) !== family) {
    throw new ConfigError('localAddress', `must be an IPv${family} address like host, got ${options.localAddress}`);
  }
  const connection = DtlsConnection.client(options);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  const endpoint = new UdpClientEndpoint(connection, socket, host, options.port);
  socket.on('message', (msg, rinfo) => {
    if (rinfo.port !== options.port || rinfo.address !== host) return;
    endpoint.deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
  });
  socket.on('error', () => endpoint.close());
  socket.bind(localPort, options.localAddress, () => endpoint.connect());
  const timer = setTimeout(
    () => endpoint.abort('timeout', `timeout: no handshake within ${handshakeTimeoutMs} ms`),
    handshakeTimeoutMs,
  );
  void endpoint.handshake.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return endpoint;
}
