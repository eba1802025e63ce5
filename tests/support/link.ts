import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/connection/events.js';

/**
 * Two connections joined by an in-memory link with a scripted clock: each
 * datagram takes `latency` ms; `filter` may drop (false) datagrams by their
 * index in each direction. Timers fire when the clock reaches them.
 */
export class Link {
  now = 0;
  readonly log: { at: number; from: 'client' | 'server'; index: number; bytes: number; dropped: boolean }[] = [];
  readonly events = { client: [] as ConnectionEvent[], server: [] as ConnectionEvent[] };
  private readonly sent = { client: 0, server: 0 };
  private queue: { at: number; to: 'client' | 'server'; datagram: Uint8Array }[] = [];
  readonly client: DtlsConnection;
  readonly server: DtlsConnection;
  private readonly latency: number;
  private readonly filter: (from: 'client' | 'server', index: number) => boolean;

  constructor(client: DtlsConnection, server: DtlsConnection, options: { latency?: number; filter?: (from: 'client' | 'server', index: number) => boolean } = {}) {
    this.client = client;
    this.server = server;
    this.latency = options.latency ?? 10;
    this.filter = options.filter ?? (() => true);
  }

  private collect(): void {
    for (const side of ['client', 'server'] as const) {
      const conn = this[side];
      for (let d = conn.pollTransmit(); d !== undefined; d = conn.pollTransmit()) {
        const index = this.sent[side]++;
        const pass = this.filter(side, index);
        this.log.push({ at: this.now, from: side, index, bytes: d.length, dropped: !pass });
        if (pass) this.queue.push({ at: this.now + this.latency, to: side === 'client' ? 'server' : 'client', datagram: d });
      }
      for (let e = conn.pollEvent(); e !== undefined; e = conn.pollEvent()) this.events[side].push(e);
    }
  }

  /** Runs until nothing is in flight and no timer is due before `until`. */
  run(until = 300_000): void {
    this.collect();
    for (;;) {
      const nextDelivery = this.queue.reduce((t, q) => Math.min(t, q.at), Infinity);
      const timers = [this.client.pollTimeout(), this.server.pollTimeout()].filter((t): t is number => t !== undefined);
      const next = Math.min(nextDelivery, ...timers);
      if (!Number.isFinite(next) || next > until) return;
      this.now = Math.max(this.now, next);
      const due = this.queue.filter((q) => q.at <= this.now);
      this.queue = this.queue.filter((q) => q.at > this.now);
      for (const q of due) this[q.to].receive(q.datagram, this.now);
      this.client.handleTimeout(this.now);
      this.server.handleTimeout(this.now);
      this.collect();
    }
  }
}
