/**
 * A UDP proxy to one host at a time, as nginx's stream module proxies UDP:
 * one upstream socket per client and host, connected to that host, so it
 * takes answers only from the host it picked. Moving `target` is what a
 * hashing balancer does when a client's address changes: the client's next
 * datagram goes to the new host, from a new source port.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export class Balancer {
  readonly front = createSocket('udp4');
  target = 0;
  private readonly upstreams = new Map<string, { readonly socket: Socket; readonly target: number }>();

  async start(): Promise<number> {
    this.front.on('message', (msg, from) => this.fromClient(msg, from));
    await new Promise<void>((resolve) => this.front.bind(0, '127.0.0.1', () => resolve()));
    return this.front.address().port;
  }

  private fromClient(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    let up = this.upstreams.get(key);
    if (up === undefined || up.target !== this.target) {
      up?.socket.close();
      const socket = createSocket('udp4');
      socket.on('message', (answer) => this.front.send(answer, from.port, from.address));
      socket.bind(0, '127.0.0.1');
      socket.connect(this.target, '127.0.0.1');
      up = { socket, target: this.target };
      this.upstreams.set(key, up);
      socket.once('connect', () => socket.send(msg));
      return;
    }
    up.socket.send(msg);
  }

  close(): void {
    for (const up of this.upstreams.values()) up.socket.close();
    this.front.close();
  }
}
