import test from 'ava';
import type { DtlsConnection } from '../../runtime/dtls/connection.js';
import type { DtlsEndpoint } from '../../runtime/node/endpoint.js';
import { DtlsUdpServer } from '../../runtime/node/server.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { retained } from '../support/retained.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { until } from './support.js';

/**
 * What the UDP server keeps per idle session besides the connection (issue
 * 31): the endpoint and the server's peer (its owner) hold no closures of
 * their own (their callbacks are methods; the send callback lives while
 * sends are in flight, the timer's while it is armed), and the connection
 * none either (the server's hooks are one per server).
 */

const id = makeIdentity('p256', 'localhost');
const wallClock = (): number => TEST_TIME;
const clientOptions = { trustAnchors: [id.caDer], serverName: 'localhost', wallClock };

/** The names of `o`'s own properties that hold functions. */
function ownFunctions(o: object): string[] {
  return Object.entries(o)
    .filter(([, v]) => typeof v === 'function')
    .map(([k]) => k);
}

test('an idle session of the UDP server: no closures in its endpoint, its peer or its connection', async (t) => {
  const server = await DtlsUdpServer.listen({ certificate: id, wallClock });
  t.teardown(() => server.close());
  const endpoints: DtlsEndpoint[] = [];
  server.onConnection((e) => endpoints.push(e));
  const clients = [
    openClientEndpoint({ port: server.address.port, ...clientOptions }),
    openClientEndpoint({ port: server.address.port, ...clientOptions }),
  ];
  // Closed when the test ends, passed or failed: a failed assertion throws, and open sockets keep the process alive.
  t.teardown(() => clients.forEach((c) => c.close()));
  await Promise.all(clients.map((c) => c.handshake));
  // Idle: the client's ACK of the ticket is in (the flight rests), and nothing is being sent.
  await until(
    () =>
      endpoints.length === 2 &&
      endpoints.every((e) => e.connection.stats.flightState !== 'waiting' && Reflect.get(e, 'pendingSends') === 0),
  );
  t.is(endpoints.length, 2);
  const [a, b] = endpoints as [DtlsEndpoint, DtlsEndpoint];
  t.deepEqual(ownFunctions(a), []);
  t.is(Reflect.get(a, 'listeners'), undefined, 'no listener Set without listeners');
  const owner: unknown = Reflect.get(a, 'owner');
  t.true(typeof owner === 'object' && owner !== null);
  t.deepEqual(ownFunctions(owner as object), []);
  const connection = a.connection as DtlsConnection;
  const r = retained(connection, b.connection as DtlsConnection);
  t.is(r.byConstructor.get('Function') ?? 0, 0, 'the connection reaches no function of its own');
});
