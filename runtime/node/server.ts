import { createSocket, type Socket } from 'node:dgram';
import { isIP, type AddressInfo } from 'node:net';
import { ConfigError, integerOption } from '../config-error.js';
import { DtlsConnection, type ConnectionOptions } from '../connection/connection.js';
import { HelloRetryResponder } from '../connection/hello-retry-responder.js';
import { DtlsEndpoint } from './endpoint.js';

export interface UdpServerOptions extends ConnectionOptions {
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Port to bind (default 0: any free port; read it from `address`). */
  readonly port?: number;
  /**
   * Answer every new client with a stateless HelloRetryRequest carrying a
   * cookie (RFC 9147 §5.1) and keep state only for clients that return it
   * (default true).
   */
  readonly cookies?: boolean;
  /** Connections at most (default 10,000); ClientHellos from new peers beyond it are dropped. */
  readonly maxConnections?: number;
  /** Connections still handshaking at most (default 1,000); new peers beyond it are dropped. */
  readonly maxHandshakes?: number;
  /** Close a connection whose peer has sent nothing for this many ms (default 300,000; 0: never). */
  readonly idleTimeoutMs?: number;
}

/** What the server refused or ended by itself. */
export interface UdpServerStats {
  /** New peers dropped because `maxConnections` or `maxHandshakes` was reached. */
  readonly refused: number;
  /** Connections closed for idleness. */
  readonly idleClosed: number;
  /** Connections still handshaking. */
  readonly handshaking: number;
}

/**
 * A DTLS 1.3 server on one UDP socket: one connection per client address,
 * created when that client's ClientHello (with a valid cookie, when cookies
 * are on) arrives.
 */
export class DtlsUdpServer {
  readonly socket: Socket;
  private readonly endpoints = new Map<string, DtlsEndpoint>();
  private readonly listeners = new Set<(endpoint: DtlsEndpoint) => void>();
  private readonly options: UdpServerOptions;
  private readonly responder: HelloRetryResponder | undefined;
  private readonly limits: { readonly connections: number; readonly handshakes: number; readonly idleMs: number };
  private readonly handshaking = new Set<DtlsEndpoint>();
  private readonly sweeper: NodeJS.Timeout | undefined;
  private counts = { refused: 0, idleClosed: 0 };

  private constructor(options: UdpServerOptions, socket: Socket) {
    this.options = options;
    this.socket = socket;
    this.limits = DtlsUdpServer.validate(options);
    if (this.limits.idleMs > 0) {
      this.sweeper = setInterval(() => this.sweepIdle(), Math.max(10, Math.min(1000, this.limits.idleMs / 4)));
      this.sweeper.unref();
    }
    this.responder = options.cookies === false ? undefined : new HelloRetryResponder(options);
    socket.on('message', (msg, rinfo) => this.datagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port));
  }

  /** Checks every option (ConfigError names the one that is wrong) and returns the server's limits. */
  static validate(options: UdpServerOptions): { readonly connections: number; readonly handshakes: number; readonly idleMs: number } {
    const { inspect, ...connectionOptions } = options;
    if (inspect !== undefined && typeof inspect !== 'function') throw new ConfigError('inspect', 'must be a function receiving inspection events');
    DtlsConnection.server(connectionOptions); // the connection options, now rather than at the first client (uninspected: it is no connection)
    return {
      connections: integerOption('maxConnections', options.maxConnections ?? 10_000, 1, 1_000_000),
      handshakes: integerOption('maxHandshakes', options.maxHandshakes ?? 1_000, 1, 1_000_000),
      idleMs: integerOption('idleTimeoutMs', options.idleTimeoutMs ?? 300_000, 0, 86_400_000),
    };
  }

  /** Binds the socket; resolves once it is listening. */
  static async listen(options: UdpServerOptions): Promise<DtlsUdpServer> {
    const host = options.host ?? '127.0.0.1';
    const family = isIP(host);
    if (family === 0) throw new ConfigError('host', `must be an IP address to bind, got ${host}`);
    if (options.port !== undefined) integerOption('port', options.port, 0, 65535);
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    let server: DtlsUdpServer;
    try {
      server = new DtlsUdpServer(options, socket);
    } catch (e) {
      socket.close();
      throw e;
    }
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, host, () => {
        socket.off('error', reject);
        resolve(server);
      });
    });
  }

  get address(): AddressInfo {
    return this.socket.address();
  }

  /** Number of clients with a connection. */
  get size(): number {
    return this.endpoints.size;
  }

  get stats(): UdpServerStats {
    return { ...this.counts, handshaking: this.handshaking.size };
  }

  /** Calls `listener` with each new client endpoint (before its handshake completes). */
  onConnection(listener: (endpoint: DtlsEndpoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes every connection (close_notify where connected) and the socket. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const open = [...this.endpoints.values()];
    for (const e of open) e.close();
    await Promise.all(open.map((e) => e.flushed()));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private sweepIdle(): void {
    const cutoff = DtlsEndpoint.now() - this.limits.idleMs;
    for (const e of [...this.endpoints.values()]) {
      if (e.lastActivity < cutoff) {
        this.counts.idleClosed++;
        e.close();
      }
    }
  }

  private datagram(d: Uint8Array, address: string, port: number): void {
    const key = `${address}|${port}`;
    const existing = this.endpoints.get(key);
    if (existing) {
      existing.deliver(d);
      return;
    }
    let connection: DtlsConnection;
    const full = this.endpoints.size >= this.limits.connections || this.handshaking.size >= this.limits.handshakes;
    if (this.responder) {
      const outcome = this.responder.handle(d, key, DtlsEndpoint.now());
      if (outcome.kind === 'drop') return;
      if (outcome.kind === 'reply') {
        this.socket.send(outcome.datagram, port, address);
        return;
      }
      if (full) {
        this.counts.refused++;
        return;
      }
      connection = DtlsConnection.server({ ...this.options, statelessRetry: outcome.retry });
    } else {
      if (full) {
        this.counts.refused++;
        return;
      }
      connection = DtlsConnection.server(this.options);
    }
    const endpoint = new DtlsEndpoint(connection, this.socket, { address, port }, (e) => {
      this.handshaking.delete(e);
      if (this.endpoints.get(key) === e) this.endpoints.delete(key);
    });
    this.endpoints.set(key, endpoint);
    this.handshaking.add(endpoint);
    void endpoint.handshake.then(() => this.handshaking.delete(endpoint), () => this.handshaking.delete(endpoint));
    for (const l of this.listeners) l(endpoint);
    endpoint.deliver(d);
  }
}
