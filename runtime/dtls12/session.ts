/**
 * DTLS 1.2 sessions for the abbreviated handshake (RFC 5246 §7.3, resumed by session ID): what both ends keep of a full
 * handshake, and the server's bounded cache of them. Only sessions made with the extended master secret are kept or
 * resumed (RFC 7627 §5.3). A session carries no certificate: a resumed handshake reports the peer as it was not
 * re-authenticated (`resumed: true`). A client's session may also carry the server's ticket (RFC 5077), offered instead
 * of the ID.
 */
import { toHex } from '../wire/bytes.js';
import type { Dtls12CipherSuite } from '../versions/suites12.js';

export interface Session12 {
  readonly id: Uint8Array;
  readonly masterSecret: Uint8Array;
  readonly suite: Dtls12CipherSuite;
  /** The server name the client connected to (a session is offered only to the same name). */
  readonly serverName: string | undefined;
  /** Wall-clock ms after which the session is not offered or taken. */
  readonly expiresAt: number;
  /** Client: the server's RFC 5077 ticket for this session, offered in the SessionTicket extension to resume (ticket.ts). */
  readonly ticket?: Uint8Array;
  /** The PSK identity of a session made with a PSK or ECDHE_PSK suite. */
  readonly pskIdentity?: Uint8Array;
  /** Server: the client proved a certificate in the full handshake (a server that requires one resumes only such a session). */
  readonly clientAuthenticated?: boolean;
  /** Server: what the server that cached it granted (runtime/shared/ticket-grant.ts); a cache shared by servers resumes it only where the same is granted. */
  readonly grant?: Uint8Array;
}

/**
 * Whether a full handshake's ServerHello to a client without tickets gives the new session ID it may (a server with a
 * cache): after a HelloVerifyRequest always (the ServerHello's datagram then goes last: handshake-outbox.ts); without
 * one only when the whole flight, `flight` (the handshake bodies, the ServerHello with the ID first), fits one datagram
 * of `limit` bytes. pion/dtls 2.x's clients with a SessionStore, before a HelloVerifyRequest, need the ServerHello in
 * the first datagram and take a new ID in a flight that goes on for a resumption: they stall (docs/interop.md).
 */
export function sessionIdGiven12(helloVerifyRequest: boolean, flight: readonly Uint8Array[], limit: number): boolean {
  // Each message whole in a record of its own (13-byte record and 12-byte handshake headers), packed into one datagram.
  return helloVerifyRequest || flight.reduce((bytes, body) => bytes + 13 + 12 + body.length, 0) <= limit;
}

/** Sessions kept by default: 1,024 × ~150 bytes. */
export const DEFAULT_SESSION_CACHE_SIZE = 1024;

/**
 * A server's sessions by ID, in two parts (a segmented cache), so that a burst of full handshakes cannot flush the
 * sessions clients come back to (docs/security/session-ids12.md):
 *
 * - `fresh`: sessions never resumed, oldest stored dropped first past the capacity. Full handshakes (anyone's: a flood
 *   from many addresses) only ever displace these.
 * - `proven`: sessions resumed at least once (an abbreviated handshake whose Finished verified: {@link proven}), at
 *   most half the capacity, the least recently resumed moved back to `fresh` (as its newest) past that.
 *
 * So a session that has resumed is never dropped by full handshakes, however many; only ⌊capacity/2⌋ later resumptions
 * of other sessions move it back to `fresh`. A session never resumed outlives at least ⌈capacity/2⌉ − 1 sessions stored
 * (or moved back) after it. An ID it does not hold (forged, evicted, expired) finds nothing: a full handshake.
 */
export class SessionCache12 {
  readonly capacity: number;
  readonly lifetimeMs: number;
  /** Never resumed, oldest first. */
  private readonly fresh = new Map<string, Session12>();
  /** Resumed at least once, least recently resumed first. */
  private readonly resumed = new Map<string, Session12>();

  constructor(capacity = DEFAULT_SESSION_CACHE_SIZE, lifetimeMs = 7_200_000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.lifetimeMs = lifetimeMs;
  }

  get size(): number {
    return this.fresh.size + this.resumed.size;
  }

  /** The most sessions kept as resumed (the rest of the capacity is for new sessions). */
  get resumedCapacity(): number {
    return Math.floor(this.capacity / 2);
  }

  store(s: Session12): void {
    const key = toHex(s.id);
    this.resumed.delete(key);
    this.fresh.delete(key);
    this.fresh.set(key, s);
    this.trim();
  }

  /**
   * The session with `id` resumed (its abbreviated handshake completed): kept as resumed, the most recently so. A
   * ClientHello naming an ID proves nothing (the ID was in a ServerHello, in the clear); only the Finished that needed
   * the master secret does.
   */
  proven(id: Uint8Array): void {
    const key = toHex(id);
    const s = this.resumed.get(key) ?? this.fresh.get(key);
    if (s === undefined || this.resumedCapacity === 0) return;
    this.fresh.delete(key);
    this.resumed.delete(key);
    this.resumed.set(key, s);
    while (this.resumed.size > this.resumedCapacity) {
      const [oldest, session] = this.resumed.entries().next().value!;
      this.resumed.delete(oldest);
      this.fresh.set(oldest, session);
    }
    this.trim();
  }

  /** The live session with `id`, or undefined. */
  find(id: Uint8Array, now: number): Session12 | undefined {
    if (id.length === 0) return undefined;
    const key = toHex(id);
    const s = this.resumed.get(key) ?? this.fresh.get(key);
    if (s === undefined) return undefined;
    if (s.expiresAt <= now) {
      this.resumed.delete(key);
      this.fresh.delete(key);
      return undefined;
    }
    return s;
  }

  /** Past the capacity: the oldest never-resumed sessions go (`resumed` is at most half, so `fresh` holds the excess). */
  private trim(): void {
    while (this.size > this.capacity) {
      const from = this.fresh.size > 0 ? this.fresh : this.resumed;
      from.delete(from.keys().next().value!);
    }
  }
}
