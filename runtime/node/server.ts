import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
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

  private constructor(options: UdpServerOptions, socket: Socket) {
    this.options = options;
    this.socket = socket;
    this.responder = options.cookies === false ? undefined : new HelloRetryResponder(options);
    DtlsConnection.server(options); // validates the options now rather than at the first client
    socket.on('message', (msg, rinfo) => this.datagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port));
  }

  /** Binds the socket; resolves once it is listening. */
  static listen(options: UdpServerOptions): Promise<DtlsUdpServer> {
    const host = options.host ?? '127.0.0.1';
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const server = new DtlsUdpServer(options, socket);
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

  /** Calls `listener` with each new client endpoint (before its handshake completes). */
  onConnection(listener: (endpoint: DtlsEndpoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Closes every connection (close_notify where connected) and the socket. */
  async close(): Promise<void> {
    const open = [...this.endpoints.values()];
    for (const e of open) e.close();
    await Promise.all(open.map((e) => e.flushed()));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private datagram(d: Uint8Array, address: string, port: number): void {
    const key = `${address}|${port}`;
    const existing = this.endpoints.get(key);
    if (existing) {
      existing.deliver(d);
      return;
    }
    let connection: DtlsConnection;
    if (this.responder) {
      const outcome = this.responder.handle(d, key, DtlsEndpoint.now());
      if (outcome.kind === 'drop') return;
      if (outcome.kind === 'reply') {
        this.socket.send(outcome.datagram, port, address);
        return;
      }
      connection = DtlsConnection.server({ ...this.options, statelessRetry: outcome.retry });
    } else {
      connection = DtlsConnection.server(this.options);
    }
    const endpoint = new DtlsEndpoint(connection, this.socket, { address, port }, (e) => {
      if (this.endpoints.get(key) === e) this.endpoints.delete(key);
    });
    this.endpoints.set(key, endpoint);
    for (const l of this.listeners) l(endpoint);
    endpoint.deliver(d);
  }
}
