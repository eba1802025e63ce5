import type { ClientHelloPeek } from './client-hello-peek.js';
import type { DtlsEndpoint, EndpointOwner } from './endpoint.js';
import { pathOf } from './peer-paths.js';

/** One connection of the server and what the server tracks about it; the owner of its endpoint (its events and end). */
export interface Peer extends EndpointOwner {
  readonly endpoint: DtlsEndpoint;
  /** `address|port` (it changes when the session migrates). */
  key: string;
  /** Its connection IDs, as routing keys (made with the first). */
  cids: Set<string> | undefined;
  /** The host it counts against for admission (see {@link hostKey}; it changes when the session migrates to a validated path). */
  host: string;
  /** ClientHello.random (hex) of the handshake that made it, once seen. */
  random: string | undefined;
  handshaking: boolean;
  /** Until when it may still hold its handshake keys (epoch 2), once established. */
  handshakeKeysUntil: number | undefined;
}

/**
 * The connections of one client address and port: the current one, and
 * while a restarted client handshakes again (RFC 9147 §5.11), its successor.
 */
export interface Slot {
  primary: Peer | undefined;
  successor: Peer | undefined;
}

/** The tls12_cid content type (RFC 9146 §4), and where its CID starts: after type (1), version (2), epoch (2) and sequence number (6). */
const TLS12_CID = 25;
const TLS12_CID_AT = 11;

/** The routing key of a CID. */
export function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}

/**
 * Where a datagram goes among the server's sessions: to the session of the
 * CID its first record carries, or to the connections of its address and
 * port. It holds the two tables (by CID, by address) and keeps them true as
 * sessions start, complete, migrate and end; the server decides what to do.
 */
export class PeerRouter {
  private readonly slots = new Map<string, Slot>();
  /** Sessions by connection ID (latin1 string of its bytes), for datagrams whose records carry one. */
  private readonly cids = new Map<string, Peer>();
  /** The length of our CIDs (0: none, datagrams are routed by address only). */
  private readonly cidLength: number;
  /** Whether a CID is already one of this server's sessions' (a connection never issues a duplicate). */
  readonly connectionIdTaken = (cid: Uint8Array): boolean => this.cids.has(cidKey(cid));

  constructor(cidLength: number) {
    this.cidLength = cidLength;
  }

  /** Connection IDs routed by. */
  get connectionIds(): number {
    return this.cids.size;
  }

  /** The connections of the address and port `key`. */
  slot(key: string): Slot | undefined {
    return this.slots.get(key);
  }

  /** Where a datagram's first record carries its CID: after a unified header's first byte, or in a tls12_cid record; 0 without one. */
  private cidAt(d: Uint8Array): number {
    const first = d[0];
    if (this.cidLength === 0 || first === undefined) return 0;
    // Unified header (001CSLEE, RFC 9147 §4) with the C bit: the CID right after the first byte. A DTLS 1.2 tls12_cid
    // record (content type 25, RFC 9146 §4): the CID after type, version, epoch and sequence number.
    return (first & 0xe0) === 0x20 && (first & 0x10) !== 0 ? 1 : first === TLS12_CID ? TLS12_CID_AT : 0;
  }

  /** Whether `d`'s first record carries a CID of a session held here (not that the record authenticates). */
  holdsConnectionId(d: Uint8Array): boolean {
    const at = this.cidAt(d);
    return at !== 0 && d.length >= at + this.cidLength && this.cids.has(cidKey(d.subarray(at, at + this.cidLength)));
  }

  /**
   * The session of the CID `d`'s first record carries (a DTLSCiphertext with a CID of our length, or a DTLS 1.2
   * tls12_cid record): false without one (route by address), undefined when the CID is no session's (or cut short).
   */
  byConnectionId(d: Uint8Array): Peer | undefined | false {
    const at = this.cidAt(d);
    if (at === 0) return false;
    if (d.length < at + this.cidLength) return undefined;
    return this.cids.get(cidKey(d.subarray(at, at + this.cidLength)));
  }

  /** The connection of `slot` that `hello` belongs to: the one its ClientHello.random started, or a handshake that has not seen its random yet. */
  matching(slot: Slot, hello: ClientHelloPeek): Peer | undefined {
    if (hello.random === undefined) return undefined;
    for (const p of [slot.successor, slot.primary]) {
      if (p === undefined) continue;
      if (p.random === hello.random) return p;
      if (p.random === undefined && p.handshaking) {
        p.random = hello.random;
        return p;
      }
    }
    return undefined;
  }

  /** The slot of `key`, made when there is none. */
  slotOf(key: string): Slot {
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = { primary: undefined, successor: undefined };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /**
   * A handshake completed: a successor takes its slot's primary place. Returns the connection it replaces (the
   * restarted client's old one, RFC 9147 §5.11), for the server to end.
   */
  established(peer: Peer): Peer | undefined {
    const slot = this.slots.get(peer.key);
    if (slot?.successor !== peer) return undefined;
    const old = slot.primary;
    slot.primary = peer;
    slot.successor = undefined;
    return old;
  }

  /** A CID the session issued: datagrams carrying it go to the session (one of our length, never a duplicate). */
  issued(peer: Peer, cid: Uint8Array): void {
    if (cid.length !== this.cidLength) return;
    const k = cidKey(cid);
    if (this.cids.has(k)) return; // never a duplicate: connectionIdTaken keeps the connection from issuing one
    this.cids.set(k, peer);
    (peer.cids ??= new Set()).add(k);
  }

  /** A CID the session retired: no longer routed by. */
  retired(peer: Peer, cid: Uint8Array): void {
    const k = cidKey(cid);
    peer.cids?.delete(k);
    if (this.cids.get(k) === peer) this.cids.delete(k);
  }

  /**
   * The session moved: its address slot follows, so a ClientHello from the old address starts afresh. A session
   * already at the new address is left alone: the moved one is then found by its CID only.
   */
  migrated(peer: Peer): void {
    this.leaveSlot(peer);
    peer.key = pathOf(peer.endpoint.remote);
    const target = this.slots.get(peer.key);
    if (target === undefined) this.slots.set(peer.key, { primary: peer, successor: undefined });
    else if (target.primary === undefined) target.primary = peer;
  }

  /** The session ended: out of both tables. */
  ended(peer: Peer): void {
    for (const k of peer.cids ?? []) if (this.cids.get(k) === peer) this.cids.delete(k);
    peer.cids = undefined;
    this.leaveSlot(peer);
  }

  private leaveSlot(peer: Peer): void {
    const slot = this.slots.get(peer.key);
    if (!slot) return;
    if (slot.primary === peer) {
      slot.primary = slot.successor;
      slot.successor = undefined;
    } else if (slot.successor === peer) slot.successor = undefined;
    if (slot.primary === undefined) this.slots.delete(peer.key);
  }

  /** Every connection held. */
  peers(): Peer[] {
    const all: Peer[] = [];
    for (const s of this.slots.values()) {
      if (s.primary) all.push(s.primary);
      if (s.successor) all.push(s.successor);
    }
    return all;
  }
}
