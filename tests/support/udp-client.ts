import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { ConfigError, integerOption } from '../../runtime/config-error.js';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';
import type { Connection } from '../../runtime/shared/connection-api.js';
import type { ConnectionEvent, NegotiatedParameters, SessionParameters } from '../../runtime/shared/events.js';
import { connectOverSocket } from '../../runtime/api/connect.js';
import type { DtlsSession, SessionCloseReason } from '../../runtime/api/session.js';
import { madeByLibrary } from '../../runtime/node/kept-df.js';

/**
 * A client for tests that look below `connect()`: the sans-I/O connection,
 * made here with the connection's options as they are (not node:dtls's
 * names), driven by a `DtlsSession` on connect()'s own road with a
 * transport (`connectOverSocket`), over an unconnected UDP socket of its
 * own. The connection is at hand (`connection`), with its events as they
 * come (`onEvent`), `handshake` resolving with everything the handshake
 * settled, and the messages to `receive()`. Not part of the package.
 */
export interface UdpClientOptions extends ConnectionOptions {
  /** The server's IP address (default 127.0.0.1). */
  readonly host?: string;
  readonly port: number;
  /** Local address to bind (default: any; the system picks the source address). Same IP family as `host`. */
  readonly localAddress?: string;
  /** Local port to bind (default 0: any free port). */
  readonly localPort?: number;
  /** The connection's handshake deadline in ms (default 30,000, as connect()'s): the session ends as `timeout`. */
  readonly handshakeTimeoutMs?: number;
}

/**
 * The session's bound on one message: the largest UDP payload. A test below `connect()` sends what the connection
 * takes (one record, up to its size limit), as the endpoint this client was built on did: the connection's
 * `maxDatagramSize` cuts its handshake flights, not application data, and interop tests send messages larger than it
 * (and than node:dtls's 1,200-byte default `mtu`) on purpose.
 */
const LARGEST_MESSAGE_DATAGRAM = 65_507;

/**
 * A client that owns its UDP socket; ending it (close, abort, a failure)
 * also closes the socket. `P`: what `handshake` is typed to resolve with
 * (DTLS 1.3's parameters unless the test also offers 1.2).
 */
export class UdpClientEndpoint<P extends SessionParameters = NegotiatedParameters> {
  readonly connection: Connection;
  readonly socket: Socket;
  /** The session driving the connection. */
  readonly session: DtlsSession;
  /** Resolves with what the handshake settled, as it completes; rejects with the session's error if it ends first. */
  readonly handshake: Promise<P>;
  /** Resolves with why the session ended (`close_notify`, `local`, `failed`, `timeout`); never rejects. */
  readonly closed: Promise<SessionCloseReason>;
  private readonly listeners = new Set<(e: ConnectionEvent) => void>();
  private readonly messages: Uint8Array[] = [];
  private readonly readers: { resolve: (m: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(connection: Connection, socket: Socket, server: { address: string; port: number }, mtu: number) {
    this.connection = connection;
    this.socket = socket;
    let completed: (p: P) => void = () => {};
    this.handshake = new Promise<P>((resolve) => (completed = resolve));
    const session = connectOverSocket(connection, socket, server, mtu);
    this.session = session;
    session.eventTap = (e) => {
      if (e.type === 'handshakeComplete') completed(e.parameters as P);
      for (const listener of [...this.listeners]) listener(e);
    };
    session.onmessage = (data) => {
      const m = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // the connection's bytes, not a Buffer
      const reader = this.readers.shift();
      if (reader) reader.resolve(m);
      else this.messages.push(m);
    };
    // `opened` waits past handshakeComplete on a 1.3 client (the server's confirmation); only its failure is taken.
    this.handshake = Promise.race([this.handshake, session.opened.then(() => this.handshake)]);
    this.closed = session.closed.then(
      () => session.closeReason ?? 'local',
      (e: unknown) => {
        this.failure = e instanceof Error ? e : new Error(String(e));
        return session.closeReason ?? 'failed';
      },
    );
    void this.closed.then(() => {
      const error = this.failure ?? new Error(`the session ended (${session.closeReason ?? 'local'})`);
      for (const reader of this.readers.splice(0)) reader.reject(error);
    });
    void this.handshake.catch(() => {});
  }

  /** Calls `listener` with each of the connection's events as the session reads them; returns the way to stop. */
  onEvent(listener: (e: ConnectionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next application message (in order); rejects once the session has ended and none is left. */
  receive(): Promise<Uint8Array> {
    const m = this.messages.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.session.destroyed)
      return Promise.reject(this.failure ?? new Error(`the session ended (${this.session.closeReason ?? 'local'})`));
    return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
  }

  send(data: Uint8Array): void {
    this.session.send(data);
  }

  updateKeys(requestPeer = false): void {
    this.session.updateKeys(requestPeer);
  }

  /** Resolves once every datagram handed to the socket so far is written. */
  flushed(): Promise<void> {
    return this.session.flushed();
  }

  /** Closes with close_notify (before the handshake completes: abandons it). */
  close(): void {
    void this.session.close();
  }

  /** Ends at once without close_notify, as a crashed process would (`closed`: `local`). */
  abort(): void {
    this.session.destroy();
  }

  /** The error the session failed with (what `handshake` rejected with), once it has. */
  get endError(): Error | undefined {
    return this.failure;
  }

  get isEnded(): boolean {
    return this.session.destroyed;
  }
}

/**
 * Opens a UDP socket, sends the ClientHello to `host:port` and returns the
 * client at once; await `client.handshake` for the result. Datagrams from
 * any other address are ignored.
 */
export function openClientEndpoint<P extends SessionParameters = NegotiatedParameters>(
  options: UdpClientOptions,
): UdpClientEndpoint<P> {
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
  const connection = DtlsConnection.client({ ...options, handshakeTimeoutMs });
  // The endpoint's own socket, as connect()'s is (its Don't Fragment mode kept between GSO sends: runtime/node/kept-df.ts).
  const socket = madeByLibrary(createSocket(family === 6 ? 'udp6' : 'udp4'));
  // node:dgram holds the first sends until the bind completes; a bind error ends the session (socket 'error').
  socket.bind(localPort, options.localAddress);
  return new UdpClientEndpoint<P>(connection, socket, { address: host, port: options.port }, LARGEST_MESSAGE_DATAGRAM);
}
