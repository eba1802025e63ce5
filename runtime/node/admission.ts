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

/** Counts connections and handshakes, in total and per host (host-key.ts): the global limits are checked first. */
export class Admission {
  private readonly limits: AdmissionLimits;
  private readonly hosts = new Map<string, HostUsage>();
  /** Connections open (handshaking or established). */
  connections = 0;
  handshakes = 0;

  constructor(limits: AdmissionLimits) {
    this.limits = limits;
  }

  /** Which limit a new handshake from `host` would exceed; a `restart` (RFC 9147 §5.11): handshakes only. */
  refusal(host: string, restart: boolean): Refusal | undefined {
    const h = this.hosts.get(host);
    if (this.handshakes >= this.limits.handshakes) return 'global';
    if (!restart && this.connections >= this.limits.connections) return 'global';
    if ((h?.handshakes ?? 0) >= this.limits.handshakesPerHost) return 'perHost';
    if (!restart && (h?.connections ?? 0) >= this.limits.connectionsPerHost) return 'perHost';
    return undefined;
  }

  opened(host: string): void {
    this.hostTakes(host, true);
    this.connections++;
    this.handshakes++;
  }

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

  /** A connection moved (RFC 9146 §6): it counts against its new host, never refused there, even over the limit. */
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
