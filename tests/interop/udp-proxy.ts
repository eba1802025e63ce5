import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * A UDP relay between one client and a server on 127.0.0.1 that drops the
 * datagrams `drop` selects, by direction and index: real loss between two
 * real peers.
 */
export class LossyProxy {
  readonly dropped: { from: 'client' | 'server'; index: number }[] = [];
  private readonly socket: Socket;
  private readonly upstream: Socket;
  private client: RemoteInfo | undefined;
  private readonly count = { client: 0, server: 0 };

  private constructor(serverPort: number, drop: (from: 'client' | 'server', index: number) => boolean) {
    this.socket = createSocket('udp4');
    this.upstream = createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      this.client ??= rinfo;
      const index = this.count.client++;
      if (drop('client', index)) this.dropped.push({ from: 'client', index });
      else this.upstream.send(msg, serverPort, '127.0.0.1');
    });
    this.upstream.on('message', (msg) => {
      const index = this.count.server++;
      if (drop('server', index) || !this.client) this.dropped.push({ from: 'server', index });
      else this.socket.send(msg, this.client.port, this.client.address);
    });
  }

  static async start(serverPort: number, drop: (from: 'client' | 'server', index: number) => boolean): Promise<LossyProxy> {
    const p = new LossyProxy(serverPort, drop);
    await Promise.all([p.socket, p.upstream].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): void {
    this.socket.close();
    this.upstream.close();
  }
}
