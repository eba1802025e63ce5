import { createSocket, type Socket } from 'node:dgram';

/** Where a session's datagrams go: known from the start (we are the client) or learned from the first datagram (we are the server). */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** What a channel queues at most (datagrams, bytes): past it, what arrives is dropped and counted (`takeOverflow`). */
export const MAX_QUEUED = { datagrams: 128, bytes: 256 * 1024 } as const;

/**
 * One session's own UDP socket: datagrams out to the peer, datagrams in queued until the session reads them with a
 * deadline. A socket error or close ends the channel; reads then return at once. Never throws for what arrives.
 */
export class DatagramChannel {
  private readonly socket: Socket;
  private readonly queue: Uint8Array[] = [];
  private waiter: (() => void) | undefined;
  private peer: PeerAddress | undefined;
  private ended = false;
  private overflow = 0;
  private queuedBytes = 0;

  private constructor(socket: Socket, peer: PeerAddress | undefined) {
    this.socket = socket;
    this.peer = peer;
    socket.on('message', (msg, rinfo) => {
      // With a known peer only its datagrams count; without one, the first sender becomes the peer.
      if (this.peer === undefined) this.peer = { host: rinfo.address, port: rinfo.port };
      else if (rinfo.address !== this.peer.host || rinfo.port !== this.peer.port) return;
      if (this.queue.length >= MAX_QUEUED.datagrams || this.queuedBytes + msg.length > MAX_QUEUED.bytes) {
        this.overflow++;
        return;
      }
      this.queuedBytes += msg.length;
      this.queue.push(new Uint8Array(msg));
      this.wake();
    });
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  /** A socket on an ephemeral port of `bindHost` sending to `peer` (learning a server). */
  static toPeer(peer: PeerAddress, bindHost = peer.host.includes(':') ? '::' : '0.0.0.0'): Promise<DatagramChannel> {
    return DatagramChannel.bound(bindHost, 0, peer);
  }

  /** A socket on `host`:`port` (0: any free port) whose peer is whoever sends first (learning a client). */
  static listening(host: string, port = 0): Promise<DatagramChannel> {
    return DatagramChannel.bound(host, port, undefined);
  }

  private static bound(host: string, port: number, peer: PeerAddress | undefined): Promise<DatagramChannel> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve(new DatagramChannel(socket, peer));
      });
    });
  }

  /** The local port. */
  get port(): number {
    return this.socket.address().port;
  }

  /** True once the socket failed or was closed. */
  get closed(): boolean {
    return this.ended;
  }

  /** Datagrams received and not yet read. */
  get pending(): number {
    return this.queue.length;
  }

  /** True once a peer is known (always when learning a server). */
  get hasPeer(): boolean {
    return this.peer !== undefined;
  }

  /** Sends the datagrams in order; false when there is no peer yet or the socket is gone. */
  async send(datagrams: readonly Uint8Array[]): Promise<boolean> {
    const peer = this.peer;
    if (peer === undefined || this.ended) return false;
    for (const d of datagrams) {
      const ok = await new Promise<boolean>((resolve) =>
        this.socket.send(d, peer.port, peer.host, (e) => resolve(e === null || e === undefined)),
      );
      if (!ok) return false;
    }
    return true;
  }

  /** The next datagram received, or undefined once `deadline` (a performance.now() time) passed or the channel ended. */
  async next(deadline: number): Promise<Uint8Array | undefined> {
    for (;;) {
      const d = this.queue.shift();
      if (d !== undefined) {
        this.queuedBytes -= d.length;
        return d;
      }
      const left = deadline - performance.now();
      if (this.ended || left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          resolve();
        }, left);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
  }

  /** How many datagrams were dropped because the queue was full since the last call (a flooding peer). */
  takeOverflow(): number {
    const n = this.overflow;
    this.overflow = 0;
    return n;
  }

  /** The datagrams already queued, without waiting. */
  drain(): Uint8Array[] {
    this.queuedBytes = 0;
    return this.queue.splice(0);
  }

  /** Wakes a pending read early (the peer process ended, say). */
  interrupt(): void {
    this.wake();
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.wake();
    await new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}
