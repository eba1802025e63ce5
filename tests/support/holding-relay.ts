import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** What the relay does with one datagram: pass it on, hold it until {@link HoldingRelay.release}, or drop it. */
export type HoldFate = 'pass' | 'hold' | 'drop';

/** The epoch bits of a datagram's first record when it has a unified header (RFC 9147 §4), else undefined (DTLSPlaintext). */
export function unifiedEpochBits(datagram: Uint8Array): number | undefined {
  const first = datagram[0] ?? 0;
  return (first & 0xe0) === 0x20 ? first & 3 : undefined;
}

/**
 * A UDP relay between one client and a server on 127.0.0.1 that passes,
 * holds or drops each datagram as `fate` says (by direction and bytes),
 * and sends what it held when told: a test decides when the peer hears
 * something, by what happened, not by time.
 */
export class HoldingRelay {
  readonly counts = { client: 0, server: 0, held: 0, dropped: 0 };
  private readonly socket: Socket;
  private readonly upstream: Socket;
  private client: RemoteInfo | undefined;
  private held: { readonly to: 'client' | 'server'; readonly datagram: Buffer }[] = [];
  private readonly serverPort: number;
  fate: (from: 'client' | 'server', datagram: Uint8Array) => HoldFate;

  private constructor(serverPort: number, fate: (from: 'client' | 'server', datagram: Uint8Array) => HoldFate) {
    this.serverPort = serverPort;
    this.fate = fate;
    this.socket = createSocket('udp4');
    this.upstream = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      this.client ??= rinfo;
      this.relay('client', msg);
    });
    this.upstream.on('message', (msg) => this.relay('server', msg));
  }

  static async start(
    serverPort: number,
    fate: (from: 'client' | 'server', datagram: Uint8Array) => HoldFate,
  ): Promise<HoldingRelay> {
    const r = new HoldingRelay(serverPort, fate);
    await Promise.all(
      [r.socket, r.upstream].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()))),
    );
    return r;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Datagrams held so far (not yet released). */
  get holding(): number {
    return this.held.length;
  }

  /** Sends what was held, in order, and passes everything from now on. */
  release(): void {
    this.fate = () => 'pass';
    const held = this.held;
    this.held = [];
    for (const h of held) this.send(h.to, h.datagram);
  }

  close(): void {
    this.socket.close();
    this.upstream.close();
  }

  private relay(from: 'client' | 'server', msg: Buffer): void {
    this.counts[from]++;
    const to = from === 'client' ? 'server' : 'client';
    const f = this.fate(from, msg);
    if (f === 'pass') this.send(to, msg);
    else if (f === 'hold') {
      this.counts.held++;
      this.held.push({ to, datagram: msg });
    } else this.counts.dropped++;
  }

  private send(to: 'client' | 'server', datagram: Buffer): void {
    if (to === 'server') this.upstream.send(datagram, this.serverPort, '127.0.0.1');
    else if (this.client) this.socket.send(datagram, this.client.port, this.client.address);
  }
}
