/** Two sans-I/O DTLS 1.2 connections joined in memory, with a hook on each datagram (drop, change, record). */
import { Dtls12Connection, type Event12Out } from '../support/dtls12-connection.js';

export type Tap = (from: 'client' | 'server', datagram: Uint8Array) => Uint8Array | undefined;

export interface Pair12 {
  readonly client: Dtls12Connection;
  readonly server: Dtls12Connection;
  readonly events: { client: Event12Out[]; server: Event12Out[] };
  now: number;
}

export function pair12(client: Dtls12Connection, server: Dtls12Connection): Pair12 {
  return { client, server, events: { client: [], server: [] }, now: 0 };
}

/** Moves datagrams both ways and fires timers until both sides are quiet or `rounds` pass. */
export function pump(p: Pair12, tap: Tap = (_f, d) => d, rounds = 200): void {
  for (let i = 0; i < rounds; i++) {
    let moved = false;
    for (const [from, a, b] of [
      ['client', p.client, p.server],
      ['server', p.server, p.client],
    ] as const) {
      let d: Uint8Array | undefined;
      while ((d = a.pollTransmit()) !== undefined) {
        moved = true;
        const passed = tap(from, d);
        if (passed !== undefined) b.receive(passed, p.now);
      }
    }
    for (const [side, c] of [
      ['client', p.client],
      ['server', p.server],
    ] as const) {
      let e: Event12Out | undefined;
      while ((e = c.pollEvent()) !== undefined) p.events[side].push(e);
    }
    if (moved) continue;
    const next = [p.client.pollTimeout(), p.server.pollTimeout()].filter((t): t is number => t !== undefined);
    if (next.length === 0) return;
    p.now = Math.max(p.now, Math.min(...next));
    p.client.handleTimeout(p.now);
    p.server.handleTimeout(p.now);
  }
}
