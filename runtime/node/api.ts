import { EventEmitter } from 'node:events';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConnectionStateError, type ConnectionStats } from '../connection/connection.js';
import type { NegotiatedParameters } from '../connection/events.js';
import { connectUdp, type UdpClientOptions } from './client.js';
import type { DtlsEndpoint, EndpointCloseReason, RemoteAddress } from './endpoint.js';
import { DtlsUdpServer, type UdpServerOptions, type UdpServerStats } from './server.js';
import { ConfigError } from '../config-error.js';

/** Events of a `DtlsSocket`, in Node's idiom. */
export interface DtlsSocketEvents {
  /** The handshake completed. */
  connect: [parameters: NegotiatedParameters];
  /** Application data from the peer; `early` when it came as 0-RTT data (it may be a replay: act on it only if that is harmless). */
  message: [data: Uint8Array, early: boolean];
  /** Client: whether the server took our 0-RTT `earlyData`; when not, `data` is what to send again. */
  earlyData: [accepted: boolean, data: Uint8Array];
  /**
   * Client: the server sent a ticket. `session` (bytes to store; they hold a
   * secret) resumes with `connect({ session })` until `expiresAt` (ms since
   * the epoch). The latest is also the socket's `session` property.
   */
  session: [session: Uint8Array, expiresAt: number];
  /** Server: the client answered `requestClientCertificate()` and it verified: its leaf certificate (DER), undefined if it sent none. */
  clientCertificate: [certificate: Uint8Array | undefined];
  /**
   * The connection ended (after `error`, when it failed). `replaced`: on a
   * server, the same client address and port completed a new handshake (a
   * restarted client, RFC 9147 §5.11), which took this one's place.
   */
  close: [reason: EndpointCloseReason];
  /**
   * The handshake or connection failed: the alert and why, or a timeout. A
   * connection that threw inside (a bug, not the peer's doing) fails with
   * alert `internal_error` and the thrown error as `cause`; only that
   * connection ends.
   */
  error: [error: Error];
}

/**
 * One DTLS 1.3 connection over UDP, client or server side, as an
 * EventEmitter (`connect`, `message`, `close`, `error`).
 *
 * @deprecated The old event-emitter API: use `connect(host, port, options)`
 * and `listen(onsession, options)`, whose `DtlsSession` has node:dtls's shape
 * (README, "Migrating from the old API").
 */
export class DtlsSocket extends EventEmitter<DtlsSocketEvents> {
  private endpoint: DtlsEndpoint | undefined;
  private negotiated: NegotiatedParameters | undefined;
  private readonly queued: Uint8Array[] = [];
  private closing = false;
  private latestSession: Uint8Array | undefined;

  /** @internal */
  attach(endpoint: DtlsEndpoint): void {
    this.endpoint = endpoint;
    endpoint.setInboxLimit(0); // messages reach the application as 'message' events; nothing reads receive()
    endpoint.onEvent((e) => {
      if (e.type === 'data') this.emit('message', e.data, e.early === true);
      else if (e.type === 'earlyData') this.emit('earlyData', e.accepted, e.data);
      else if (e.type === 'clientAuthenticated') this.emit('clientCertificate', e.certificate);
      else if (e.type === 'sessionTicket') {
        this.latestSession = e.session;
        this.emit('session', e.session, e.expiresAt);
      }
    });
    endpoint.handshake.then(
      (p) => {
        this.negotiated = p;
        this.emit('connect', p);
        for (const d of this.queued.splice(0)) endpoint.send(d);
        if (this.closing) endpoint.close();
      },
      () => {},
    );
    void endpoint.closed.then((reason) => {
      const error = endpoint.endError;
      if ((reason === 'failed' || reason === 'timeout') && error && this.listenerCount('error') > 0) this.emit('error', error);
      this.emit('close', reason);
    });
  }

  /** Sends one message (one record); before the handshake completes it is queued. */
  send(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (this.endpoint && this.negotiated) this.endpoint.send(bytes);
    else this.queued.push(bytes);
  }

  /** Closes with close_notify (after the handshake, once queued messages are sent). */
  close(): void {
    this.closing = true;
    if (this.endpoint && (this.negotiated || this.endpoint.isEnded)) this.endpoint.close();
    else if (this.endpoint) this.endpoint.abort('local', 'closed before the handshake completed');
  }

  /**
   * Server: asks the client for its certificate after the handshake (RFC 8446
   * §4.6.2; the client must have offered `postHandshakeAuth`). The answer is a
   * `clientCertificate` event, or `error` with the alert.
   */
  requestClientCertificate(): void {
    if (!this.endpoint || !this.negotiated) throw new ConnectionStateError('not connected yet');
    this.endpoint.requestClientCertificate();
  }

  /** Updates our keys, and with `requestPeer` the peer's (RFC 9147 §8). */
  updateKeys(requestPeer = false): void {
    this.endpoint?.updateKeys(requestPeer);
  }

  /** What the handshake settled, once connected. */
  get parameters(): NegotiatedParameters | undefined {
    return this.negotiated;
  }

  /** Client: the latest session ticket received (pass it to `connect({ session })`), if any. */
  get session(): Uint8Array | undefined {
    return this.latestSession;
  }

  /** The application protocol ALPN settled (RFC 7301), once connected; undefined when none was negotiated. */
  get alpnProtocol(): string | undefined {
    return this.negotiated?.alpnProtocol;
  }

  /** Keying material for another protocol (RFC 8446 §7.5): the same bytes on both ends. Throws before the handshake completes. */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    if (!this.endpoint || !this.negotiated) throw new ConnectionStateError('not connected yet');
    return this.endpoint.connection.exportKeyingMaterial(length, label, context);
  }

  /** Whether the handshake resumed a session from a ticket (false until connected). */
  get reused(): boolean {
    return this.negotiated?.resumed ?? false;
  }

  get remote(): RemoteAddress | undefined {
    return this.endpoint?.remote;
  }

  get stats(): ConnectionStats | undefined {
    return this.endpoint?.connection.stats;
  }
}

export interface ConnectOptions extends Omit<UdpClientOptions, 'host'> {
  /**
   * Host name or IP address (default 127.0.0.1); a name is resolved. Either
   * is the default serverName: the server certificate must match it (a name
   * a dNSName, an address an iPAddress; RFC 9525 §6) unless
   * `checkServerIdentity: false`.
   */
  readonly host?: string;
}

/**
 * Connects to a DTLS 1.3 server; listen for `connect`, `message`, `close` and `error`.
 *
 * @deprecated Use `connect(host, port, options)` (exported from the package
 * root), which returns a `DtlsSession` with `opened`/`closed` promises.
 */
export function connect(options: ConnectOptions): DtlsSocket {
  const socket = new DtlsSocket();
  const host = options.host ?? '127.0.0.1';
  const named = isIP(host) === 0;
  const start = (address: string): void => {
    socket.attach(connectUdp({ ...options, host: address, ...(options.serverName === undefined ? { serverName: host } : {}) }));
  };
  if (!named) start(host);
  else {
    if (host.length === 0) throw new ConfigError('host', 'must not be empty');
    lookup(host).then(
      (r) => start(r.address),
      (e: unknown) => {
        socket.emit('error', new Error(`cannot resolve ${host}: ${e instanceof Error ? e.message : String(e)}`));
        socket.emit('close', 'failed');
      },
    );
  }
  return socket;
}

/** Events of a `DtlsServer`. */
export interface DtlsServerEvents {
  listening: [];
  /** A new peer passed the cookie exchange; its socket emits `connect` when the handshake completes. */
  connection: [socket: DtlsSocket];
  /**
   * A ClientHello refused before any connection existed (the stateless cookie
   * exchange answered with an alert): the error names the alert and why, e.g.
   * "handshake_failure: no common cipher suite: client offered …, server accepts …".
   */
  handshakeError: [error: Error, remote: { readonly address: string; readonly port: number }];
  close: [];
  error: [error: Error];
}

export type ServerOptions = Omit<UdpServerOptions, 'host' | 'port'>;

/**
 * A DTLS 1.3 server on one UDP socket, in Node's idiom: `createServer(options, onConnection).listen(port, host)`.
 *
 * @deprecated Use `listen(onsession, options)`, which returns a `DtlsListener`.
 */
export class DtlsServer extends EventEmitter<DtlsServerEvents> {
  private readonly options: ServerOptions;
  private server: DtlsUdpServer | undefined;

  constructor(options: ServerOptions) {
    super();
    this.options = options;
  }

  /** Binds `host:port` (default 127.0.0.1, any free port); emits `listening`. */
  listen(port = 0, host = '127.0.0.1', onListening?: () => void): this {
    if (onListening) this.once('listening', onListening);
    DtlsUdpServer.listen({ ...this.options, port, host }).then(
      (s) => {
        this.server = s;
        s.onRefusal((remote, alert, reason) => this.emit('handshakeError', new Error(reason.startsWith(`${alert}:`) ? reason : `${alert}: ${reason}`), remote));
        s.onConnection((endpoint) => {
          const socket = new DtlsSocket();
          socket.attach(endpoint);
          this.emit('connection', socket);
        });
        this.emit('listening');
      },
      (e: unknown) => this.emit('error', e instanceof Error ? e : new Error(String(e))),
    );
    return this;
  }

  /** The bound address, once listening. */
  address(): { address: string; port: number; family: string } | undefined {
    return this.server?.address;
  }

  get stats(): (UdpServerStats & { readonly connections: number }) | undefined {
    return this.server ? { ...this.server.stats, connections: this.server.size } : undefined;
  }

  /** Closes every connection (close_notify) and the socket; emits `close`. */
  close(onClose?: () => void): void {
    if (onClose) this.once('close', onClose);
    const s = this.server;
    this.server = undefined;
    if (!s) {
      queueMicrotask(() => this.emit('close'));
      return;
    }
    void s.close().then(() => this.emit('close'));
  }
}

/**
 * Creates a server; `onConnection` is added as a `connection` listener. Call `listen()`.
 *
 * @deprecated Use `listen(onsession, options)`: node:dtls's names (`cert`,
 * `key`, `ca` as PEM, `mtu`, `maxSessions`, ...) and `DtlsSession`s.
 */
export function createServer(options: ServerOptions, onConnection?: (socket: DtlsSocket) => void): DtlsServer {
  // Validate now, as node:tls does, rather than at listen().
  DtlsUdpServer.validate(options);
  const server = new DtlsServer(options);
  if (onConnection) server.on('connection', onConnection);
  return server;
}
