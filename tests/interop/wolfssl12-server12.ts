import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { state12Of } from '../support/inside12.js';
import type { Session12 } from '../../runtime/dtls12/session.js';
import type { AnyEvent, SansIo } from '../dtls12/udp12.js';

/**
 * Our DTLS 1.2 server where listen has no counterpart yet (a session cache by ID): one UDP socket, one
 * DtlsConnection per peer address, each driven as Udp12 drives one, every datagram noted.
 */

/** A sans-I/O connection that notes the size of every datagram it sends. */
export class Recorded implements SansIo {
  readonly sent: number[] = [];
  readonly sentData: Uint8Array[] = [];
  readonly inner: DtlsConnection;
  constructor(inner: DtlsConnection) {
    this.inner = inner;
  }
  receive(d: Uint8Array, now: number): void {
    this.inner.receive(d, now);
  }
  pollTransmit(): Uint8Array | undefined {
    const d = this.inner.pollTransmit();
    if (d !== undefined) {
      this.sent.push(d.length);
      this.sentData.push(d.slice());
    }
    return d;
  }
  pollTimeout(): number | undefined {
    return this.inner.pollTimeout();
  }
  handleTimeout(now: number): void {
    this.inner.handleTimeout(now);
  }
  pollEvent(): AnyEvent | undefined {
    return this.inner.pollEvent();
  }
  send(data: Uint8Array): void {
    this.inner.send(data);
  }
  close(): void {
    this.inner.close();
  }
  connect(now: number): void {
    this.inner.connect(now);
  }
}

/** What our end reported of one connection, and what it saw on the wire. */
export interface Ours {
  readonly connection: DtlsConnection;
  /** The sizes of the datagrams sent, and the datagrams. */
  readonly sent: readonly number[];
  readonly sentData: readonly Uint8Array[];
  /** The datagrams received. */
  readonly received: readonly Uint8Array[];
  /** The application data received, as text. */
  readonly text: string;
  readonly session: Session12 | undefined;
}

/**
 * Our server for peers that connect more than once (a resuming client
 * leaves from a new port): one UDP socket, one DtlsConnection per peer
 * address, each driven like Udp12 drives one. Each connection answers the
 * first message with `reply`.
 */
export interface Peer12 {
  readonly conn: Recorded;
  readonly events: AnyEvent[];
  readonly received: Uint8Array[];
  timer?: NodeJS.Timeout;
  replied: boolean;
}

export class Server12 {
  readonly peers = new Map<string, Peer12>();
  readonly socket: Socket;
  private readonly make: () => DtlsConnection;
  private readonly reply: Uint8Array;
  private constructor(socket: Socket, make: () => DtlsConnection, reply: string) {
    this.socket = socket;
    this.make = make;
    this.reply = new TextEncoder().encode(reply);
    socket.on('message', (msg, rinfo) => {
      const key = `${rinfo.address}:${rinfo.port}`;
      let p = this.peers.get(key);
      if (p === undefined)
        this.peers.set(key, (p = { conn: new Recorded(this.make()), events: [], received: [], replied: false }));
      p.received.push(Uint8Array.from(msg));
      p.conn.receive(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), performance.now());
      this.flush(p, rinfo.port, rinfo.address);
    });
  }

  static async start(make: () => DtlsConnection, reply: string): Promise<Server12> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Server12(socket, make, reply);
  }

  get port(): number {
    return this.socket.address().port;
  }

  private flush(p: Peer12, port: number, address: string): void {
    let d: Uint8Array | undefined;
    let e: AnyEvent | undefined;
    while ((e = p.conn.pollEvent()) !== undefined) {
      p.events.push(e);
      if (e.type === 'data' && !p.replied) {
        p.replied = true;
        p.conn.send(this.reply);
      }
    }
    while ((d = p.conn.pollTransmit()) !== undefined) this.socket.send(d, port, address);
    if (p.timer !== undefined) clearTimeout(p.timer);
    const at = p.conn.pollTimeout();
    if (at !== undefined)
      p.timer = setTimeout(
        () => {
          p.conn.handleTimeout(performance.now());
          this.flush(p, port, address);
        },
        Math.max(0, at - performance.now()),
      );
  }

  /** Each peer's connection, in the order they first wrote. */
  results(): Ours[] {
    return [...this.peers.values()].map((p) => ({
      connection: p.conn.inner,
      sent: p.conn.sent,
      sentData: p.conn.sentData,
      received: p.received,
      text: p.events
        .map((e) => (e.type === 'data' && e.data !== undefined ? new TextDecoder().decode(e.data) : ''))
        .join(''),
      session: state12Of(p.conn.inner).lastSession,
    }));
  }

  async close(): Promise<void> {
    for (const p of this.peers.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
