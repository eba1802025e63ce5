/**
 * A UDP relay a test puts between a peer and ours to see what crosses:
 * every datagram from the first address that reaches it goes on to ours,
 * every datagram from ours goes back to that address, and each is kept, in
 * order, with its direction.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface Tapped {
  readonly from: 'peer' | 'ours';
  readonly datagram: Buffer;
}

/** A DTLS 1.3 record's epoch bits (RFC 9147 §4: the low two bits of the epoch) when `datagram` starts with a unified header. */
export function epochBits(datagram: Uint8Array): number | undefined {
  const first = datagram[0] ?? 0;
  return (first & 0xe0) === 0x20 ? first & 3 : undefined;
}

export class UdpTap {
  readonly seen: Tapped[] = [];
  private readonly outside = createSocket('udp4');
  private readonly inside = createSocket('udp4');
  private peer: RemoteInfo | undefined;
  private waiters: (() => void)[] = [];

  private constructor(host: string, oursPort: number) {
    this.outside.on('message', (datagram, from) => {
      this.peer ??= from;
      if (from.address !== this.peer.address || from.port !== this.peer.port) return;
      this.keep({ from: 'peer', datagram });
      this.inside.send(datagram, oursPort, host);
    });
    this.inside.on('message', (datagram) => {
      if (!this.peer) return;
      this.keep({ from: 'ours', datagram });
      this.outside.send(datagram, this.peer.port, this.peer.address);
    });
  }

  /** A tap on `host` in front of our port `oursPort`; its own port is {@link port}. */
  static async start(host: string, oursPort: number): Promise<UdpTap> {
    const tap = new UdpTap(host, oursPort);
    await Promise.all(
      [tap.outside, tap.inside].map((s) => new Promise<void>((resolve) => s.bind(0, host, () => resolve()))),
    );
    return tap;
  }

  get port(): number {
    return this.outside.address().port;
  }

  /** Resolves once a datagram kept from now on, or already kept at index `from` or later, matches. */
  async next(match: (t: Tapped) => boolean, from = this.seen.length): Promise<Tapped> {
    for (;;) {
      const found = this.seen.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  close(): void {
    this.outside.close();
    this.inside.close();
  }

  private keep(t: Tapped): void {
    this.seen.push(t);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
