/**
 * Two sans-I/O connections joined in memory, with a hook on each datagram
 * (drop, change, record): DtlsConnections built with `maxVersion:
 * 'DTLSv1.2'` (tests/support/inside12.ts reads their 1.2 state's internals).
 */
import type { DtlsConnection } from '../../runtime/connection/connection.js';

export type Tap = (from: 'client' | 'server', datagram: Uint8Array) => Uint8Array | undefined;

/** What the pump drives of a sans-I/O connection. */
interface SansIo {
  receive(datagram: Uint8Array, now: number): void;
  pollTransmit(): Uint8Array | undefined;
  pollTimeout(): number | undefined;
  handleTimeout(now: number): void;
  pollEvent(): unknown;
}

/** The events a connection's `pollEvent` gives. */
type EventOf<C extends SansIo> = Exclude<ReturnType<C['pollEvent']>, undefined>;

export interface Pair12<C extends SansIo = DtlsConnection> {
  readonly client: C;
  readonly server: C;
  readonly events: { client: EventOf<C>[]; server: EventOf<C>[] };
  now: number;
}

export function pair12<C extends SansIo>(client: C, server: C): Pair12<C> {
  return { client, server, events: { client: [], server: [] }, now: 0 };
}

/** Moves datagrams both ways and fires timers until both sides are quiet or `rounds` pass. */
export function pump<C extends SansIo>(p: Pair12<C>, tap: Tap = (_f, d) => d, rounds = 200): void {
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
      let e: EventOf<C> | undefined;
      while ((e = c.pollEvent() as EventOf<C> | undefined) !== undefined) p.events[side].push(e);
    }
    if (moved) continue;
    const next = [p.client.pollTimeout(), p.server.pollTimeout()].filter((t): t is number => t !== undefined);
    if (next.length === 0) return;
    p.now = Math.max(p.now, Math.min(...next));
    p.client.handleTimeout(p.now);
    p.server.handleTimeout(p.now);
  }
}
