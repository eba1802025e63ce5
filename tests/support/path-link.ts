import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';

/** One datagram on the simulated network, as the test sees it. */
export interface Wire {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly datagram: Uint8Array;
  readonly delivered: boolean;
}

/**
 * A client and a server on a simulated network of addresses, with a
 * scripted clock: the server hears each datagram with the client's current
 * source address as its path, and sends to the connection's current path
 * (or to the path `pollPathTransmit` names). The client can move to a new
 * address (`moveClient`), and the test can inject a datagram from any
 * address (`inject`). `filter` drops datagrams (loss), `delay` reorders.
 */
export class PathLink {
  now = 0;
  /** Where the client's datagrams appear to come from (a NAT can change it), and the client's own socket address (only `rebind` changes it). */
  clientAddress = 'client:1';
  clientLocal = 'client:1';
  readonly wire: Wire[] = [];
  readonly events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
  private queue: { at: number; to: 'client' | 'server'; from: string; datagram: Uint8Array }[] = [];
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
  private readonly filter: (w: Omit<Wire, 'delivered'>) => boolean;
  private readonly delay: (w: Omit<Wire, 'delivered'>) => number;
  readonly serverAddress = 'server:1';

  constructor(
    client: DtlsConnection,
    server: DtlsConnection,
    options: { filter?: (w: Omit<Wire, 'delivered'>) => boolean; delay?: (w: Omit<Wire, 'delivered'>) => number } = {},
  ) {
    this.client = client;
    this.server = server;
    this.filter = options.filter ?? (() => true);
    this.delay = options.delay ?? (() => 0);
  }

  /** The client's socket moves to `address` (a NAT rebinding, or `:rebind`); with `announce` the client connection is told (a voluntary move). */
  moveClient(address: string, announce = false): void {
    this.clientAddress = address;
    if (announce) {
      this.clientLocal = address;
      this.client.rebind(address);
    }
  }

  /** A datagram from `from` to the server (an attacker's, or a replay). */
  inject(datagram: Uint8Array, from: string): void {
    this.wire.push({ at: this.now, from, to: this.serverAddress, datagram, delivered: true });
    this.queue.push({ at: this.now + 10, to: 'server', from, datagram });
  }

  /** Bytes the server sent to `address` and bytes it received from there. */
  bytes(address: string): { readonly sent: number; readonly received: number } {
    let sent = 0;
    let received = 0;
    for (const w of this.wire) {
      if (w.from === this.serverAddress && w.to === address) sent += w.datagram.length;
      if (w.to === this.serverAddress && w.from === address && w.delivered) received += w.datagram.length;
    }
    return { sent, received };
  }

  private put(from: string, to: string, datagram: Uint8Array, side: 'client' | 'server'): void {
    const w = { at: this.now, from, to, datagram };
    const pass = this.filter(w);
    this.wire.push({ ...w, delivered: pass });
    if (!pass) return;
    // Only the client's current address reaches the client.
    if (side === 'client' && to !== this.clientAddress) return;
    this.queue.push({ at: this.now + 10 + this.delay(w), to: side, from, datagram });
  }

  private collect(): void {
    for (let d = this.client.pollTransmit(); d !== undefined; d = this.client.pollTransmit())
      this.put(this.clientAddress, this.serverAddress, d, 'server');
    for (let d = this.client.pollPathTransmit(); d !== undefined; d = this.client.pollPathTransmit()) {
      // The client's paths are its own addresses: only the current one still has a socket.
      if (d.path === this.clientLocal) this.put(this.clientAddress, this.serverAddress, d.datagram, 'server');
    }
    for (let d = this.server.pollTransmit(); d !== undefined; d = this.server.pollTransmit())
      this.put(this.serverAddress, this.server.path ?? this.clientAddress, d, 'client');
    for (let d = this.server.pollPathTransmit(); d !== undefined; d = this.server.pollPathTransmit())
      this.put(this.serverAddress, d.path, d.datagram, 'client');
    for (const side of ['client', 'server'] as const) {
      const conn = this[side];
      for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) this.events[side].push(e);
    }
  }

  /** Runs until nothing is in flight and no timer is due before `until`. */
  run(until = this.now + 60_000): void {
    this.collect();
    for (;;) {
      const nextDelivery = this.queue.reduce((t, q) => Math.min(t, q.at), Infinity);
      const timers = [this.client.pollTimeout(), this.server.pollTimeout()].filter((t): t is number => t !== undefined);
      const next = Math.min(nextDelivery, ...timers);
      if (!Number.isFinite(next) || next > until) return;
      this.now = Math.max(this.now, next);
      const due = this.queue.filter((q) => q.at <= this.now);
      this.queue = this.queue.filter((q) => q.at > this.now);
      for (const q of due) {
        if (q.to === 'server') this.server.receive(q.datagram, this.now, q.from);
        else this.client.receive(q.datagram, this.now, this.clientLocal);
      }
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
      this.collect();
    }
  }
}
