/**
 * Tests' UDP driver for a sans-I/O DtlsConnection: one socket, one peer
 * address, the connection's deadlines on a timer; events collected and
 * awaited by predicate. Not part of the package.
 */
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { ConnectionEvent } from '../../runtime/shared/events.js';

/** What the driver needs of a sans-I/O connection (DtlsConnection has it). */
export interface SansIo {
  receive(datagram: Uint8Array, now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
  pollEvent(): { readonly type: string } | undefined;
  send(data: Uint8Array): void;
  close(): void;
  connect?(now: number): void;
}

/** An event as the driver keeps it: the connection's own, narrowed by `type`. */
export type AnyEvent = { readonly type: string; readonly data?: Uint8Array };

export class Udp12<C extends SansIo = SansIo> {
  conn: C;
  readonly socket: Socket;
  readonly events: AnyEvent[] = [];
  /** Changes or drops each datagram before the connection sees it (an on-path attacker in front of this end). */
  inbound: (d: Uint8Array) => Uint8Array | undefined = (d) => d;
  /** Chooses the connection from the first datagram (a server's version selection); the default keeps `conn`. */
  select: ((first: Uint8Array) => C | undefined) | undefined;
  private first = true;
  private peer: { address: string; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private sending = 0;
  private closed = false;
  private sent: (() => void)[] = [];

  private constructor(conn: C, socket: Socket, peer?: { address: string; port: number }) {
    this.conn = conn;
    this.socket = socket;
    this.peer = peer;
    socket.on('message', (msg, rinfo) => {
      if (this.peer === undefined) this.peer = { address: rinfo.address, port: rinfo.port };
      if (rinfo.port !== this.peer.port || rinfo.address !== this.peer.address) return;
      const d = this.inbound(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
      if (d === undefined) return;
      if (this.first && this.select !== undefined) {
        const chosen = this.select(d);
        if (chosen === undefined) return;
        this.conn = chosen;
      }
      this.first = false;
      this.conn.receive(d, performance.now());
      this.flush();
    });
  }

  /** A client sending to `port` on 127.0.0.1, from `localPort` (default: any). */
  static async client<C extends SansIo>(conn: C, port: number, localPort = 0): Promise<Udp12<C>> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(localPort, '127.0.0.1', resolve));
    const d = new Udp12(conn, socket, { address: '127.0.0.1', port });
    conn.connect?.(performance.now());
    d.flush();
    return d;
  }

  /** A server on a free port of 127.0.0.1, taking the first peer that writes. */
  static async server<C extends SansIo>(conn: C): Promise<Udp12<C>> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Udp12(conn, socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Uint8Array): void {
    this.conn.send(data);
    this.flush();
  }

  flush(): void {
    let d: Uint8Array | undefined;
    while (this.peer !== undefined && (d = this.conn.pollTransmit()) !== undefined) {
      this.sending++;
      this.socket.send(d, this.peer.port, this.peer.address, () => {
        if (--this.sending === 0) for (const w of this.sent.splice(0)) w();
      });
    }
    let e: AnyEvent | undefined;
    while ((e = this.conn.pollEvent()) !== undefined) this.events.push(e);
    for (const w of this.waiters.splice(0)) w();
    if (this.timer !== undefined) clearTimeout(this.timer);
    const at = this.conn.pollTimeout();
    if (at !== undefined) {
      this.timer = setTimeout(
        () => {
          this.conn.handleTimeout(performance.now());
          this.flush();
        },
        Math.max(0, at - performance.now()),
      );
    }
  }

  /** Resolves with the first event (seen or to come) that `match` accepts; rejects after `ms`. */
  async waitFor(match: (e: AnyEvent) => boolean, ms = 15_000, what = 'event'): Promise<AnyEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${ms} ms (events ${JSON.stringify(this.events.map((e) => e.type))})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The application data received so far, as text. */
  text(): string {
    return this.events
      .map((e) => (e.type === 'data' && e.data !== undefined ? new TextDecoder().decode(e.data) : ''))
      .join('');
  }

  /** Sends close_notify, and closes the socket once it is on the wire. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.close();
    this.flush();
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.sending > 0) await new Promise<void>((resolve) => this.sent.push(resolve));
    this.socket.close();
  }
}

/** The parameters the driven connection's handshakeComplete event reported, once it did (a DtlsConnection's, in either version's shape). */
export function negotiated(udp: {
  readonly events: readonly AnyEvent[];
}): Extract<ConnectionEvent, { type: 'handshakeComplete' }>['parameters'] | undefined {
  const e = udp.events.find((x) => x.type === 'handshakeComplete') as
    Extract<ConnectionEvent, { type: 'handshakeComplete' }> | undefined;
  return e?.parameters;
}
