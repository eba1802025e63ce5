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
  /** The last datagram sent upstream, and the port of the upstream socket it left from (bound with SO_REUSEADDR: a test may send from that address too). */
  lastUpstream: { readonly datagram: Buffer; readonly port: number } | undefined;
  private closed = false;
  private readonly upstreams = new Map<
    string,
    { readonly socket: Socket; readonly target: number; waiting: Buffer[] | undefined }
  >();

  async start(): Promise<number> {
    this.front.on('message', (msg, from) => this.fromClient(msg, from));
    await new Promise<void>((resolve) => this.front.bind(0, '127.0.0.1', () => resolve()));
    return this.front.address().port;
  }

  private fromClient(msg: Buffer, from: RemoteInfo): void {
    const key = `${from.address}:${from.port}`;
    const up = this.upstreams.get(key);
    if (up === undefined || up.target !== this.target) {
      up?.socket.close();
      const socket = createSocket({ type: 'udp4', reuseAddr: true });
      socket.on('message', (answer) => this.front.send(answer, from.port, from.address));
      socket.bind(0, '127.0.0.1');
      socket.connect(this.target, '127.0.0.1');
      // Datagrams that come before the socket is connected wait for it (send() on a connecting socket throws).
      const fresh = { socket, target: this.target, waiting: [msg] as Buffer[] | undefined };
      this.upstreams.set(key, fresh);
      socket.once('connect', () => {
        for (const d of fresh.waiting ?? []) this.upstream(socket, d);
        fresh.waiting = undefined;
      });
      return;
    }
    if (up.waiting !== undefined) up.waiting.push(msg);
    else this.upstream(up.socket, msg);
  }

  private upstream(socket: Socket, datagram: Buffer): void {
    socket.send(datagram);
    this.lastUpstream = { datagram, port: socket.address().port };
  }

  /** Closes every socket; again does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const up of this.upstreams.values()) up.socket.close();
    this.front.close();
  }
}
