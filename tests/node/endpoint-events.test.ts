import test from 'ava';
import type { DtlsConnection } from '../../runtime/dtls/connection.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { RawClient, until } from './support.js';

// The endpoint hands the connection's events to its listeners straight from the connection's queue. A listener that
// calls back in (here: datagrams delivered to the same session while it is being told of one) must not be told of the
// next event inside its own call: each event is handed out whole, in the connection's order.

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;

/** The datagrams the connection has to send now. */
function drain(connection: DtlsConnection): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let d = connection.pollTransmit(); d !== undefined; d = connection.pollTransmit()) out.push(d);
  return out;
}

test('datagrams delivered while a listener is being told of one are told after it returns, in order, each event whole', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock });
  t.teardown(() => server.close());
  const log: string[] = [];
  const held: Uint8Array[] = [];
  let accepted: DtlsEndpoint | undefined;
  let clientPort = 0;
  server.onConnection((ep) => {
    accepted = ep;
    ep.onEvent((e) => {
      if (e.type !== 'data') return;
      const m = new TextDecoder().decode(e.data);
      log.push(`begin ${m}`);
      // The rest of the messages reach the session now, inside this call (as a datagram read in the same batch would).
      for (let d = held.shift(); d !== undefined; d = held.shift())
        server.transport.receive(d, '127.0.0.1', clientPort);
      log.push(`end ${m}`);
    });
  });
  const client = await RawClient.connect(
    { trustAnchors: [id.caDer], serverName: 'localhost', wallClock },
    server.address.port,
  );
  t.teardown(() => client.close());
  clientPort = client.socket.address().port;
  await until(() => accepted !== undefined);
  await accepted!.handshake;
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
  server.transport.receive(sealed[0]![0]!, '127.0.0.1', clientPort);
  t.deepEqual(log, ['begin m1', 'end m1', 'begin m2', 'end m2', 'begin m3', 'end m3']);
});
