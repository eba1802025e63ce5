/**
 * DTLS 1.2 sessions for the abbreviated handshake (RFC 5246 §7.3, resumed
 * by session ID): what both ends keep of a full handshake, and the
 * server's bounded cache of them. Only sessions made with the extended
 * master secret are kept or resumed (RFC 7627 §5.3). A session carries no
 * certificate: a resumed handshake reports the peer as it was not
 * re-authenticated (`resumed: true`). A client's session may also carry
 * the server's ticket (RFC 5077), offered instead of the ID.
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
  /** Client: the server's RFC 5077 ticket for this session, offered in the SessionTicket extension to resume (ticket12.ts). */
  readonly ticket?: Uint8Array;
  /** The PSK identity of a session made with a PSK or ECDHE_PSK suite. */
  readonly pskIdentity?: Uint8Array;
  /** Server: the client proved a certificate in the full handshake (a server that requires one resumes only such a session). */
  readonly clientAuthenticated?: boolean;
  /** Server: what the server that cached it granted (runtime/connection/ticket-grant.ts); a cache shared by servers resumes it only where the same is granted. */
  readonly grant?: Uint8Array;
}

/** Sessions kept by default: 1,024 × ~150 bytes. */
export const DEFAULT_SESSION_CACHE_SIZE = 1024;

/**
 * A server's sessions by ID, the oldest stored dropped first past
 * `capacity`: a flood of full handshakes holds at most `capacity` sessions.
 * An ID it does not hold (forged, evicted, expired) finds nothing: a full
 * handshake.
 */
export class SessionCache12 {
  readonly capacity: number;
  readonly lifetimeMs: number;
  private readonly sessions = new Map<string, Session12>();

  constructor(capacity = DEFAULT_SESSION_CACHE_SIZE, lifetimeMs = 7_200_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.lifetimeMs = lifetimeMs;
  }

  get size(): number {
    return this.sessions.size;
  }

  store(s: Session12): void {
    const key = toHex(s.id);
    this.sessions.delete(key);
    this.sessions.set(key, s);
    while (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value!);
  }

  /** The live session with `id`, or undefined. */
  find(id: Uint8Array, now: number): Session12 | undefined {
    if (id.length === 0) return undefined;
    const s = this.sessions.get(toHex(id));
    if (s === undefined) return undefined;
    if (s.expiresAt <= now) {
      this.sessions.delete(toHex(id));
      return undefined;
    }
    return s;
  }
}
