/**
 * Forwarding between the hosts of a fleet (docs/scale-out.md): a host that receives a datagram whose CID names another
 * host (cid-owner.ts) forwards it to the owner's worker, and relays the owner's answers from its own socket (a
 * proxying balancer takes a client's datagrams only from the host it picked).
 *
 * Every link datagram is tagged with the fleet's key (HMAC-SHA256/16), dated (taken within 30 s) and must come from
 * the link address of the host and worker it names: without the key nobody makes a host relay anything.
 *
 * A link datagram:
 *
 *   0       kind: 1 forward (to the owner, as from `remote`), 2 relay (to `remote`, from the public socket)
 *   1       the sender's host id
 *   2       the sender's worker id
 *   3       n, the length of the remote address
 *   4..     the remote address, n ASCII bytes (as node:dgram reports it)
 *   4+n     the remote port (2 bytes)
 *   6+n     the sending time, ms since the epoch (8 bytes)
 *   14+n    HMAC-SHA256(key, everything before it and the payload), first 16 bytes
 *   30+n..  the payload: the DTLS datagram
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Socket } from 'node:dgram';
import type { CidOwner } from '../../cid/cid-owner.js';
import type { FleetConfig, FleetHost } from './fleet-options.js';

export const LINK_FORWARD = 1;
export const LINK_RELAY = 2;
const TAG_LENGTH = 16;
/** How far a link datagram's sending time may be from the receiver's clock (the hosts' clocks must agree this well). */
export const LINK_FRESHNESS_MS = 30_000;
/** Remote addresses a worker relays its answers for at most; the oldest is forgotten first. */
export const MAX_RELAYED_REMOTES = 65_536;
/** The holder of a route tried while its datagram is delivered: none (an ended one, which anything may replace). */
const NO_HOLDER: RouteHolder = { isEnded: true };

/** A link datagram, checked. */
export interface LinkDatagram {
  readonly kind: typeof LINK_FORWARD | typeof LINK_RELAY;
  readonly host: number;
  readonly worker: number;
  readonly address: string;
  readonly port: number;
  readonly payload: Uint8Array;
}

function tag(key: Uint8Array, head: Uint8Array, payload: Uint8Array): Buffer {
  return createHmac('sha256', key).update(head).update(payload).digest().subarray(0, TAG_LENGTH);
}

/** One link datagram: `payload` with its kind, sender, remote and time, tagged with `key`. */
export function encodeLink(
  key: Uint8Array,
  d: Omit<LinkDatagram, 'payload'>,
  payload: Uint8Array,
  now: number,
): Buffer {
  const address = Buffer.from(d.address, 'latin1');
  const head = Buffer.alloc(14 + address.length);
  head[0] = d.kind;
  head[1] = d.host;
  head[2] = d.worker;
  head[3] = address.length;
  address.copy(head, 4);
  head.writeUInt16BE(d.port, 4 + address.length);
  head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 6 + address.length);
  return Buffer.concat([head, tag(key, head, payload), payload]);
}

/** The link datagram in `bytes` when it is well formed, tagged with `key` and fresh at `now`; else why not. */
export function decodeLink(key: Uint8Array, bytes: Uint8Array, now: number): LinkDatagram | string {
  if (bytes.length < 4) return 'truncated';
  const kind = bytes[0];
  if (kind !== LINK_FORWARD && kind !== LINK_RELAY) return 'kind';
  const n = bytes[3]!;
  const headLength = 14 + n;
  if (bytes.length < headLength + TAG_LENGTH + 1) return 'truncated';
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = b.subarray(0, headLength);
  const payload = b.subarray(headLength + TAG_LENGTH);
  if (!timingSafeEqual(tag(key, head, payload), b.subarray(headLength, headLength + TAG_LENGTH))) return 'tag';
  const sent = Number(b.readBigUInt64BE(6 + n));
  if (Math.abs(now - sent) > LINK_FRESHNESS_MS) return 'stale';
  const address = b.toString('latin1', 4, 4 + n);
  const port = b.readUInt16BE(4 + n);
  if (isIP(address) === 0 || port === 0) return 'remote';
  return { kind, host: b[1]!, worker: b[2]!, address, port, payload };
}

/** What a link counts, added to the worker's statistics row (worker-stats.ts says what each is). */
export class LinkCounts {
  fleetForwardedOut = 0;
  fleetForwardedIn = 0;
  fleetRelayedOut = 0;
  fleetRelayedIn = 0;
  fleetRejected = 0;
}

/** The session a route belongs to (its endpoint): only a record it authenticates moves its route. */
export interface RouteHolder {
  readonly isEnded: boolean;
}

/** Where answers to one remote go: the link address of the worker it reached the fleet through, for the session that came so. */
interface Route {
  readonly address: string;
  readonly port: number;
  readonly holder: RouteHolder;
}

/** What a worker's link is plugged into. */
export interface LinkEnds {
  /** The worker's public socket's send (the relayed answers leave from it). */
  readonly sendPublic: (datagram: Uint8Array, address: string, port: number) => void;
  /** Hands a forwarded datagram to the worker's sessions, as from `address:port`; the session a record of it authenticated at, if one did. */
  readonly deliver: (datagram: Uint8Array, address: string, port: number) => RouteHolder | undefined;
  /** Whether a forwarded datagram is this worker's to take (its CID names this host and worker, and a session here holds it). */
  readonly owns: (datagram: Uint8Array) => boolean;
}

/** One worker's end of the fleet's link: a socket at its host's link port + its worker id. */
export class FleetLink {
  readonly counts = new LinkCounts();
  private readonly hosts = new Map<number, FleetHost>();
  /** Remote `address|port` -> the link address of the worker it reached the fleet through, and whose session that is. */
  private readonly relayed = new Map<string, Route>();
  /** The remote answered directly while a datagram from it straight to this host is handled ({@link direct}). */
  private suspended: string | undefined;

  private readonly config: FleetConfig;
  private readonly self: CidOwner;
  private readonly socket: Socket;
  private readonly ends: LinkEnds;
  private readonly now: () => number;

  /** Workers per host: this host's count, which every host of the fleet has. */
  private readonly workers: number;

  constructor(
    config: FleetConfig,
    self: CidOwner & { readonly workers: number },
    socket: Socket,
    ends: LinkEnds,
    now: () => number = Date.now,
  ) {
    this.config = config;
    this.workers = self.workers;
    this.self = self;
    this.socket = socket;
    this.ends = ends;
    this.now = now;
    for (const h of config.hosts) this.hosts.set(h.id, h);
    socket.on('message', (msg, rinfo) =>
      this.received(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port),
    );
  }

  /**
   * Forwards a datagram whose CID names `owner`, another host; false for no such host or a worker past this host's
   * count (every host runs as many: a forged CID cannot aim the link at any of 256 ports).
   */
  forward(datagram: Uint8Array, owner: CidOwner, address: string, port: number): boolean {
    const host = this.hosts.get(owner.host);
    if (host === undefined || owner.host === this.self.host || owner.worker >= this.workers) return false;
    this.counts.fleetForwardedOut++;
    const d = encodeLink(
      this.config.key,
      { kind: LINK_FORWARD, host: this.self.host, worker: this.self.worker, address, port },
      datagram,
      this.now(),
    );
    this.socket.send(d, host.port + owner.worker, host.address);
    return true;
  }

  /** Sends answers to `address:port` through the host it came through, when it came through one; false: send them directly. */
  sendVia(datagrams: readonly Uint8Array[], count: number, address: string, port: number): boolean {
    if (this.relayed.size === 0) return false;
    const key = `${address}|${port}`;
    const via = this.relayed.get(key);
    if (via === undefined || key === this.suspended) return false;
    const head = { kind: LINK_RELAY, host: this.self.host, worker: this.self.worker, address, port } as const;
    for (let i = 0; i < count; i++) {
      this.counts.fleetRelayedOut++;
      this.socket.send(encodeLink(this.config.key, head, datagrams[i]!, this.now()), via.port, via.address);
    }
    return true;
  }

  /** Whether any remote is answered through another host now. */
  get relaying(): boolean {
    return this.relayed.size !== 0;
  }

  /**
   * A datagram from a relayed `address:port` reached this host directly: answers go directly while it is handled. The
   * returned call ends the route when the datagram authenticated at the route's session (or that one ended).
   */
  direct(address: string, port: number): ((authenticated: RouteHolder | undefined) => void) | undefined {
    const key = `${address}|${port}`;
    const route = this.relayed.get(key);
    if (route === undefined) return undefined;
    this.suspended = key;
    return (authenticated) => {
      this.suspended = undefined;
      if (authenticated !== undefined && (authenticated === route.holder || route.holder.isEnded))
        this.relayed.delete(key);
    };
  }

  close(): void {
    this.relayed.clear();
    this.socket.close();
  }

  private received(bytes: Uint8Array, from: string, fromPort: number): void {
    const d = decodeLink(this.config.key, bytes, this.now());
    const sender = typeof d === 'string' ? undefined : this.hosts.get(d.host);
    if (
      typeof d === 'string' ||
      sender === undefined ||
      d.host === this.self.host ||
      d.worker >= this.workers ||
      sender.address !== from ||
      sender.port + d.worker !== fromPort
    ) {
      this.counts.fleetRejected++;
      return;
    }
    if (d.kind === LINK_RELAY) {
      this.counts.fleetRelayedIn++;
      this.ends.sendPublic(d.payload, d.address, d.port);
      return;
    }
    // Forwarded once: a datagram whose CID names another worker or host is not passed on again.
    if (!this.ends.owns(d.payload)) {
      this.counts.fleetRejected++;
      return;
    }
    this.counts.fleetForwardedIn++;
    // The route is set while it is delivered (the answers leave then) and kept only when a record authenticated at the
    // route's session (or any, for a new or ended route): a forged or copied record moves and evicts nothing.
    const key = `${d.address}|${d.port}`;
    const before = this.relayed.get(key);
    this.relayed.set(key, { address: from, port: fromPort, holder: before?.holder ?? NO_HOLDER });
    const holder = this.ends.deliver(d.payload, d.address, d.port);
    if (holder !== undefined && (before === undefined || before.holder === holder || before.holder.isEnded)) {
      // Kept as the newest (a Map keeps insertion order), and only a route kept evicts the oldest past the cap.
      this.relayed.delete(key);
      this.relayed.set(key, { address: from, port: fromPort, holder });
      while (this.relayed.size > MAX_RELAYED_REMOTES) this.relayed.delete(this.relayed.keys().next().value!);
    } else if (before !== undefined) this.relayed.set(key, before);
    else this.relayed.delete(key);
  }
}
