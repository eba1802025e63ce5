import { once } from 'node:events';
import { createSocket, type Socket } from 'node:dgram';
import { DtlsConnection, type ConnectionOptions } from '../../runtime/connection/connection.js';

/** Waits until `done()` holds, checking every 20 ms, for `limitMs` at most (the assertion after it says whether it did). */
export async function until(done: () => boolean, limitMs = 15_000): Promise<void> {
  for (let waited = 0; !done() && waited < limitMs; waited += 20) await sleep(20);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A UDP socket bound to `address` (default 127.0.0.1) and `port` (default any), counting what it receives. */
export async function rawSocket(address = '127.0.0.1', port = 0): Promise<Socket & { received: Uint8Array[] }> {
  const s = Object.assign(createSocket('udp4'), { received: [] as Uint8Array[] });
  s.on('message', (m) => s.received.push(new Uint8Array(m)));
  s.bind(port, address);
  await once(s, 'listening');
  return s;
}

/**
 * A client that is only a ClientHello source: a sans-I/O client connection
 * whose datagrams a raw socket carries. `first()` is its first ClientHello;
 * `answer(hrr)` feeds the server's HelloRetryRequest and returns the second.
 */
export class HelloSource {
  readonly connection: DtlsConnection;
  private now = 0;

  constructor(options: ConnectionOptions) {
    this.connection = DtlsConnection.client(options);
  }

  first(): Uint8Array[] {
    this.connection.connect(this.now);
    return this.drain();
  }

  answer(datagram: Uint8Array): Uint8Array[] {
    this.connection.receive(datagram, ++this.now);
    return this.drain();
  }

  private drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let d = this.connection.pollTransmit(); d !== undefined; d = this.connection.pollTransmit()) out.push(d);
    return out;
  }
}

/** Sends each datagram from `socket` to 127.0.0.1:`port`, resolving once all have left. */
export async function sendAll(socket: Socket, datagrams: readonly Uint8Array[], port: number, address = '127.0.0.1'): Promise<void> {
  for (const d of datagrams) await new Promise<void>((resolve, reject) => socket.send(d, port, address, (e) => (e ? reject(e) : resolve())));
}
