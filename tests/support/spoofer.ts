/**
 * An attacker on the client's own address and port, over real UDP: the
 * client's session runs on a socket the test owns (a `transport`), so the
 * test can send forged datagrams from that very address and port, as an
 * attacker who spoofs it would. A second socket stands for any other
 * address.
 */
import { createSocket, type Socket } from 'node:dgram';
import { DatagramTransport } from '../../runtime/api/transport.js';

export interface ClientSocket {
  readonly socket: Socket;
  readonly transport: DatagramTransport;
  /** Sends `datagram` from the client's address and port to 127.0.0.1:`port`, resolving once the kernel took it. */
  send(datagram: Uint8Array, port: number): Promise<void>;
  close(): void;
}

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

const sender =
  (socket: Socket) =>
  (datagram: Uint8Array, port: number): Promise<void> =>
    new Promise((resolve, reject) => socket.send(datagram, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));

/** A UDP socket on 127.0.0.1 whose DTLS datagrams go to a transport for `connect`, and from which the test sends its own. */
export async function clientSocket(): Promise<ClientSocket> {
  const socket = await bound();
  const transport = new DatagramTransport(
    (datagram, address, port) => socket.send(datagram, port, address),
    socket.address(),
  );
  socket.on('message', (msg, from) => {
    if (DatagramTransport.isDtls(msg)) transport.receive(msg, from.address, from.port);
  });
  return { socket, transport, send: sender(socket), close: () => socket.close() };
}

/** A socket at another address and port. */
export async function otherSocket(): Promise<{
  send(datagram: Uint8Array, port: number): Promise<void>;
  close(): void;
}> {
  const socket = await bound();
  return { send: sender(socket), close: () => socket.close() };
}

/**
 * Waits until `done()` holds, looking every few milliseconds: the test
 * paces itself by what the receiver has read, not by time. `what` names
 * the wait when it never ends (after `limitMs`, a bound against hanging,
 * not a timing assertion).
 */
export async function until(done: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > limitMs) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
