import test from 'ava';
import type { DtlsConnection } from '../../runtime/connection/connection.js';
import { listen, type DtlsSession } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { retained } from '../support/retained.js';
import { openClientEndpoint } from '../support/udp-client.js';
import { pemOptions, until } from './support.js';

/**
 * What the listener keeps per idle session besides the connection (issue
 * 31): the session holds no closures of its own (its callbacks are unset,
 * the send callback lives while sends are in flight, the timer's while it is
 * armed), and the connection none either (the listener's hooks are one per
 * listener).
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

test('an idle session of a listener: no closures in the session or its connection', async (t) => {
  const sessions: DtlsSession[] = [];
  const server = listen((s) => void sessions.push(s), { ...pemOptions(id), host: '127.0.0.1', wallClock });
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const clients = [openClientEndpoint({ port, ...clientOptions }), openClientEndpoint({ port, ...clientOptions })];
  // Closed when the test ends, passed or failed: a failed assertion throws, and open sockets keep the process alive.
  t.teardown(() => clients.forEach((c) => c.close()));
  await Promise.all(clients.map((c) => c.handshake));
  // Idle: the client's ACK of the ticket is in (the flight rests), and nothing is being sent.
  await until(() => sessions.length === 2 && sessions.every((s) => s.connection?.stats.flightState !== 'waiting'));
  await Promise.all(sessions.map((s) => s.flushed()));
  t.is(sessions.length, 2);
  const [a, b] = sessions as [DtlsSession, DtlsSession];
  t.deepEqual(ownFunctions(a), []);
  const connection = a.connection as DtlsConnection;
  const r = retained(connection, b.connection as DtlsConnection);
  t.is(r.byConstructor.get('Function') ?? 0, 0, 'the connection reaches no function of its own');
});
