/**
 * An ICE path change under a client over a DatagramTransport: the server's side starts sending from another of its
 * candidates (a second UDP socket feeding the same server transport). Until the application calls
 * `transport.moveRemote`, the client takes nothing from the new address; after, it sends there and takes what comes.
 * Real UDP sockets on 127.0.0.1.
 */
import test from 'ava';
import { createSocket, type Socket } from 'node:dgram';
import { ConfigError, connect, DatagramTransport, listen, type DtlsSession } from '../../runtime/index.js';
import { pemIdentity } from './fixtures.js';

const id = pemIdentity('localhost');

async function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

test('transport.moveRemote: the client follows the server to its new candidate', async (t) => {
  const [first, second, clientSocket] = await Promise.all([bound(), bound(), bound()]);
  t.teardown(() => [first, second, clientSocket].forEach((s) => s.close()));
  // The server's transport sends from whichever candidate ICE has nominated, and takes DTLS from both.
  let nominated = first;
  const serverTransport = new DatagramTransport(
    (d, address, port) => nominated.send(d, port, address),
    first.address(),
  );
  for (const s of [first, second]) s.on('message', (m, from) => serverTransport.receive(m, from.address, from.port));
  const clientTransport = new DatagramTransport(
    (d, address, port) => clientSocket.send(d, port, address),
    clientSocket.address(),
  );
  clientSocket.on('message', (m, from) => clientTransport.receive(m, from.address, from.port));

  const heard: string[] = [];
  let serverHeard: (text: string) => void = () => {};
  const listener = listen(
    (s: DtlsSession) => {
      s.onmessage = (m) => {
        serverHeard(m.toString());
        s.send(`echo ${m.toString()}`);
      };
    },
    { cert: id.cert, key: id.key, transport: serverTransport },
  );
  t.teardown(() => listener.close());
  await listener.listening;
  const session = connect('127.0.0.1', first.address().port, {
    ca: id.ca,
    servername: 'localhost',
    transport: clientTransport,
  });
  await session.opened;
  let clientHeard: () => void = () => {};
  session.onmessage = (m) => {
    heard.push(m.toString());
    clientHeard();
  };
  const roundTrip = async (text: string): Promise<void> => {
    const back = new Promise<void>((resolve) => (clientHeard = resolve));
    session.send(text);
    await back;
  };
  await roundTrip('one');

  // The server's side moves to its second candidate; the client has not been told.
  nominated = second;
  const arrived = new Promise<void>((resolve) => (serverHeard = (text) => text === 'two' && resolve()));
  // The echo of 'two' comes from the new address and is not taken; the client's own datagram a moment later (the
  // 'three' below) only goes out once the application moved the remote, so 'echo two' has been and gone by then:
  // the server sent it before handling anything else.
  const echoOfTwoSent = new Promise<void>((resolve) => {
    const original = nominated.send.bind(nominated);
    nominated.send = ((...args: Parameters<Socket['send']>) => {
      original(...args);
      resolve();
    }) as Socket['send'];
  });
  session.send('two');
  await arrived;
  await echoOfTwoSent;
  // A round trip on the new socket's own loopback path: whatever it carried before is delivered by now.
  await new Promise<void>((resolve) => {
    const probe = createSocket('udp4');
    probe.bind(0, '127.0.0.1', () => {
      clientSocket.once('message', () => {
        probe.close();
        resolve();
      });
      probe.send(Uint8Array.of(0), clientSocket.address().port, '127.0.0.1');
    });
  });
  t.deepEqual(heard, ['echo one']);

  clientTransport.moveRemote('127.0.0.1', second.address().port);
  await roundTrip('three');
  t.deepEqual(heard, ['echo one', 'echo three']);
  t.throws(() => clientTransport.moveRemote('not an address', 1), { instanceOf: ConfigError, message: /address/ });
  t.throws(() => clientTransport.moveRemote('127.0.0.1', 0), { instanceOf: ConfigError, message: /port/ });
  await session.close();
});
