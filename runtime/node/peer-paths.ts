import type { Socket } from 'node:dgram';

/** The UDP payload every IPv4 path carries (a 576-byte datagram, RFC 791, less 20 + 8 bytes of headers). */
export const IPV4_SAFE_DATAGRAM = 548;
/** The UDP payload every IPv6 path carries (the 1,280-byte minimum MTU, RFC 8200, less 40 + 8 bytes of headers). */
export const IPV6_SAFE_DATAGRAM = 1232;

export interface RemoteAddress {
  readonly address: string;
  readonly port: number;
}

/** The path name of a UDP address (what `DtlsConnection.receive` is given). */
export function pathOf(a: RemoteAddress): string {
  return `${a.address}|${a.port}`;
}

/** A UDP address as node:dtls reports one: address, family and port. */
export interface FamilyAddress extends RemoteAddress {
  readonly family: 'IPv4' | 'IPv6';
}

/** `a` with its family (an address literal: IPv6 has a colon, IPv4 none). */
export function withFamily(a: RemoteAddress): FamilyAddress {
  return { address: a.address, family: a.address.includes(':') ? 'IPv6' : 'IPv4', port: a.port };
}

/** The address a path name (`address|port`) stands for, when it is one. */
export function addressOfPath(path: string): FamilyAddress | undefined {
  const bar = path.lastIndexOf('|');
  const port = Number(path.slice(bar + 1));
  if (bar <= 0 || !Number.isInteger(port)) return undefined;
  return withFamily({ address: path.slice(0, bar), port });
}

/**
 * Addresses remembered per endpoint for return routability probes, of each kind: paths a record authenticated over,
 * and paths whose datagrams did not (or not yet) authenticate.
 */
const MAX_PATHS = 8;

/**
 * `path`'s address remembered in `map` as used last; past {@link MAX_PATHS}, the one used longest ago goes, never the
 * path of `pinned` (worked out only then: a datagram that moves nothing out makes no path name).
 */
function remember(map: Map<string, RemoteAddress>, path: string, from: RemoteAddress, pinned?: RemoteAddress): void {
  if (!map.delete(path) && map.size >= MAX_PATHS) {
    const kept = pinned === undefined ? undefined : pathOf(pinned);
    for (const old of map.keys())
      if (old !== kept) {
        map.delete(old);
        break;
      }
  }
  map.set(path, from);
}

/** Sockets a client keeps open after rebinding away from them (the oldest closes when another rebind would exceed this). */
const MAX_LEFT_SOCKETS = 2;

/** A socket a client rebound away from, open until its grace period ends. */
interface LeftSocket {
  readonly path: string;
  readonly socket: Socket;
  readonly graceMs: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The paths of an endpoint's peer beyond its current address (RFC 9146, RFC 9853), so a probe can reach them, and a
 * client's sockets it rebound away from, kept a while; made only when a second path shows up or the client rebinds.
 * A datagram routed by its CID reaches the session from any address, so anyone who read the CID can make it see new
 * paths: the addresses of paths a record authenticated over (the peer's, where a check's probes go) are kept apart
 * from the others, which cannot push them out, and the peer's current one is never the one forgotten.
 */
export class PeerPaths {
  /** Addresses of paths a record authenticated over, by path, most recently used last (made with the peer's own first). */
  private addresses: Map<string, RemoteAddress> | undefined;
  /** Addresses of paths nothing authenticated over (yet), most recently used last: forged records, copies. */
  private unproven: Map<string, RemoteAddress> | undefined;
  /** Sockets of paths other than the endpoint's own (a client that rebound keeps its old one a moment, to answer path_drop there). */
  private sockets: Map<string, Socket> | undefined;
  private readonly left: LeftSocket[] = [];
  /** The last authentication time when the client last rebound: a newer one over the new socket starts the old sockets' grace. */
  private rebindAuthenticated: number | undefined;

  /** Whether an address other than the peer's own has been seen (then every datagram's is remembered). */
  get tracksAddresses(): boolean {
    return this.addresses !== undefined;
  }

  /**
   * A datagram came from `from` on `path` (`remote`: the peer's current address); `authenticated`: a record in it
   * authenticated. At most {@link MAX_PATHS} addresses of each kind are remembered.
   */
  cameFrom(path: string, from: RemoteAddress, remote: RemoteAddress, authenticated: boolean): void {
    const proven = (this.addresses ??= new Map([[pathOf(remote), remote]]));
    if (authenticated) {
      this.unproven?.delete(path);
      remember(proven, path, from, remote);
    } else if (!proven.has(path)) remember((this.unproven ??= new Map()), path, from);
  }

  /** The address a path's datagrams came from, if remembered. */
  addressOf(path: string): RemoteAddress | undefined {
    return this.addresses?.get(path) ?? this.unproven?.get(path);
  }

  /** The socket a client left for `path`, while it is open. */
  socketOf(path: string): Socket | undefined {
    return this.sockets?.get(path);
  }

  /** A client rebound (so its datagrams may come and go on other sockets than the endpoint's). */
  get rebound(): boolean {
    return this.sockets !== undefined;
  }

  /** Nothing here is under way: no socket left behind, never rebound (the addresses are needed by no check then). */
  get atRest(): boolean {
    return this.left.length === 0 && this.sockets === undefined;
  }

  /**
   * Client: moved from `old` (`oldPath`) to a socket on `path`; the old one stays open until a record authenticates on
   * the new one and `graceMs` more ({@link MAX_LEFT_SOCKETS} at most).
   */
  rebind(old: Socket, path: string, oldPath: string, graceMs: number, authenticated: number | undefined): void {
    const sockets = (this.sockets ??= new Map());
    sockets.set(oldPath, old);
    sockets.delete(path);
    this.left.push({ path: oldPath, socket: old, graceMs, timer: undefined });
    while (this.left.length > MAX_LEFT_SOCKETS) this.closeLeft(this.left[0]!);
    this.rebindAuthenticated = authenticated;
  }

  /** A datagram came over the client's socket on `path`: once one authenticated, the old sockets' grace starts. */
  graceAfter(path: string, current: string | undefined, authenticated: number | undefined): void {
    if (this.left.length === 0 || path !== current || authenticated === this.rebindAuthenticated) return;
    for (const left of this.left) {
      if (left.timer !== undefined) continue;
      left.timer = setTimeout(() => this.closeLeft(left), left.graceMs);
      left.timer.unref();
    }
  }

  /** Closes every socket left behind (the endpoint ended). */
  closeAll(): void {
    for (const left of [...this.left]) this.closeLeft(left);
  }

  private closeLeft(left: LeftSocket): void {
    if (left.timer !== undefined) clearTimeout(left.timer);
    const i = this.left.indexOf(left);
    if (i >= 0) this.left.splice(i, 1);
    if (this.sockets?.get(left.path) === left.socket) this.sockets.delete(left.path);
    try {
      left.socket.close();
    } catch {
      // already closed
    }
  }
}
