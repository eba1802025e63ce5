import type { DtlsConnection } from '../../runtime/connection/connection.js';
import type { ConnectionEvent } from '../../runtime/shared/events.js';

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

  private readonly delay: (from: 'client' | 'server', index: number) => number;
  private readonly copies: (from: 'client' | 'server', index: number) => number;

  constructor(
    client: DtlsConnection,
    server: DtlsConnection,
    options: {
      latency?: number;
      /** False drops the datagram. */
      filter?: (from: 'client' | 'server', index: number) => boolean;
      /** Extra delay of one datagram (reordering). */
      delay?: (from: 'client' | 'server', index: number) => number;
      /** How many times a datagram is delivered (duplication). */
      copies?: (from: 'client' | 'server', index: number) => number;
    } = {},
  ) {
    this.client = client;
    this.server = server;
    this.latency = options.latency ?? 10;
    this.filter = options.filter ?? (() => true);
    this.delay = options.delay ?? (() => 0);
    this.copies = options.copies ?? (() => 1);
  }

  private collect(): void {
    for (const side of ['client', 'server'] as const) {
      const conn = this[side];
      for (let d = conn.pollTransmit(); d !== undefined; d = conn.pollTransmit()) {
        const index = this.sent[side]++;
        const pass = this.filter(side, index);
        this.log.push({ at: this.now, from: side, index, bytes: d.length, dropped: !pass });
        if (pass) {
          for (let c = 0; c < this.copies(side, index); c++) {
            this.queue.push({
              at: this.now + this.latency + this.delay(side, index) + c,
              to: side === 'client' ? 'server' : 'client',
              datagram: d,
            });
          }
        }
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
