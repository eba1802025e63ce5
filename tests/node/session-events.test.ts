import test from 'ava';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { DatagramTransport, listen, type DtlsSession } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { pemOptions, RawClient, until } from './support.js';

// A session hands the connection's events out straight from the connection's queue. An `onmessage` that calls back in
// (here: datagrams delivered to the same session while it is being told of one) must not be told of the next message
// inside its own call: each is handed out whole, in the connection's order. The listener reads a real UDP socket
// through a DatagramTransport, so the test can hand it datagrams synchronously from inside `onmessage`.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

/** The datagrams the connection has to send now. */
function drain(connection: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = connection.pollTransmit(); d !== undefined; d = connection.pollTransmit()) out.push(d);
  return out;
}

test('datagrams delivered while onmessage is being told of one are told after it returns, in order, each message whole', async (t) => {
  const udp = createSocket('udp4');
  udp.bind(0, '127.0.0.1');
  await once(udp, 'listening');
  const transport = new DatagramTransport((d, address, port) => udp.send(d, port, address), {
    address: '127.0.0.1',
    port: udp.address().port,
  });
  udp.on('message', (m, r) => transport.receive(m, r.address, r.port));
  const log: string[] = [];
  const held: Uint8Array[] = [];
  let accepted: DtlsSession | undefined;
  let clientPort = 0;
  const listener = listen(
    (session) => {
      accepted = session;
      session.onmessage = (data) => {
        const m = data.toString();
        log.push(`begin ${m}`);
        // The rest of the messages reach the session now, inside this call (as a datagram read in the same batch would).
        for (let d = held.shift(); d !== undefined; d = held.shift()) transport.receive(d, '127.0.0.1', clientPort);
        log.push(`end ${m}`);
      };
    },
    { ...pemOptions(id), transport, wallClock },
  );
  t.teardown(async () => {
    await listener.close();
    udp.close();
  });
  await listener.listening;
  const client = await RawClient.connect(
    { trustAnchors: [id.caDer], serverName: 'localhost', wallClock },
    udp.address().port,
  );
  t.teardown(() => client.close());
  clientPort = client.socket.address().port;
  await until(() => accepted !== undefined);
  await accepted!.opened;
  const sealed = ['m1', 'm2', 'm3'].map((m) => {
    client.connection.send(new TextEncoder().encode(m), performance.now());
    return drain(client.connection);
  });
  t.deepEqual(
    sealed.map((d) => d.length),
    [1, 1, 1],
    'one datagram per message',
  );
  held.push(sealed[1]![0]!, sealed[2]![0]!);
  transport.receive(sealed[0]![0]!, '127.0.0.1', clientPort);
  t.deepEqual(log, ['begin m1', 'end m1', 'begin m2', 'end m2', 'begin m3', 'end m3']);
});
