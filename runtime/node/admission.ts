import { isIPv4 } from 'node:net';

/** The limits a server admits new handshakes under (see the options on `UdpServerOptions`). */
export interface AdmissionLimits {
  readonly connections: number;
  readonly handshakes: number;
  readonly connectionsPerHost: number;
  readonly handshakesPerHost: number;
}

/** Why a new peer was refused: the server's table as a whole, or this host's share of it. */
export type Refusal = 'global' | 'perHost';

interface HostUsage {
  connections: number;
  handshakes: number;
}

/**
 * Counts connections and handshakes in progress, in total and per host, and
 * says whether one more handshake may start. A host is the source IPv4
 * address, or the /64 an IPv6 address is in (one subscriber's usual
 * allocation: per-address limits would be no limit for IPv6).
 */
export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly hosts = new Map<string, HostUsage>();
  /** Connections open (handshaking or established). */
  connections = 0;
  /** Connections still handshaking. */
  handshakes = 0;

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /**
   * Whether a new handshake from `host` would exceed a limit, and which.
   * `restart`: it would replace a connection from the same address and port
   * once complete (RFC 9147 §5.11), so it counts against the handshake limits
   * only: the connection count does not grow for good.
   */
  refusal(host: string, restart: boolean): Refusal | undefined {
    const h = this.hosts.get(host);
    if (this.handshakes >= this.limits.handshakes) return 'global';
    if (!restart && this.connections >= this.limits.connections) return 'global';
    if ((h?.handshakes ?? 0) >= this.limits.handshakesPerHost) return 'perHost';
    if (!restart && (h?.connections ?? 0) >= this.limits.connectionsPerHost) return 'perHost';
    return undefined;
  }

  /** A handshake started. */
  opened(host: string): void {
    this.hostTakes(host, true);
    this.connections++;
    this.handshakes++;
  }

  /** A handshake completed. */
  established(host: string): void {
    const h = this.hosts.get(host);
    if (h) h.handshakes--;
    this.handshakes--;
  }

  /** A connection ended; `handshaking` when its handshake never completed. */
  closed(host: string, handshaking: boolean): void {
    this.hostReleases(host, handshaking);
    this.connections--;
    if (handshaking) this.handshakes--;
  }

  /**
   * A connection moved from `from` to `to` (a migration, RFC 9146 §6): it
   * counts against the host it is at now. It is not refused there even over
   * that host's limit (it is already authenticated); new handshakes from
   * that host are, until it is back under.
   */
  moved(from: string, to: string, handshaking: boolean): void {
    if (from === to) return;
    this.hostReleases(from, handshaking);
    this.hostTakes(to, handshaking);
  }

  /** One more connection (and handshake, when `handshaking`) for `host`. */
  private hostTakes(host: string, handshaking: boolean): void {
    let h = this.hosts.get(host);
    if (h === undefined) {
      h = { connections: 0, handshakes: 0 };
      this.hosts.set(host, h);
    }
    h.connections++;
    if (handshaking) h.handshakes++;
  }

  /** One connection (and handshake, when `handshaking`) fewer for `host`; a host with none is forgotten. */
  private hostReleases(host: string, handshaking: boolean): void {
    const h = this.hosts.get(host);
    if (!h) return;
    h.connections--;
    if (handshaking) h.handshakes--;
    if (h.connections === 0) this.hosts.delete(host);
  }

  /** Connections and handshakes of one host (for tests and diagnostics). */
  usage(host: string): { readonly connections: number; readonly handshakes: number } {
    const h = this.hosts.get(host);
    return { connections: h?.connections ?? 0, handshakes: h?.handshakes ?? 0 };
  }
}

/**
 * The host a source address counts against: an IPv4 address as it is (also
 * when IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address as its /64 prefix
 * (`2001:db8:0:1::/64`).
 */
export function hostOf(address: string): string {
  if (isIPv4(address)) return address;
  const lower = address.toLowerCase().split('%')[0]!;
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  const [head = '', tail] = lower.split('::');
  const words = (s: string): string[] => (s === '' ? [] : s.split(':').flatMap((w) => (w.includes('.') ? ['0', '0'] : [w])));
  const front = words(head);
  const back = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? front : [...front, ...Array.from({ length: Math.max(0, 8 - front.length - back.length) }, () => '0'), ...back];
  return `${all
    .slice(0, 4)
    .map((w) => (Number.parseInt(w, 16) || 0).toString(16))
    .join(':')}::/64`;
}
