/**
 * The `sni` function is the application's code: the server runs it only for
 * a ClientHello that returned the cookie (its source address answered),
 * never for the first ClientHello, which anyone can send from any address.
 */
import test from 'ava';
import { listen, type DtlsListener } from '../../runtime/index.js';
import { makeIdentity, TEST_TIME } from '../support/pki-fixtures.js';
import { HelloSource, pemOptions, RawClient, rawSocket, sendAll, until } from './support.js';

const a = makeIdentity('p256', 'a.test');
const b = makeIdentity('ed25519', 'b.test');
const wallClock = (): number => TEST_TIME;

const aPem = pemOptions(a);
const bPem = pemOptions(b);

function countingSni(): { sni: (name: string) => typeof aPem | undefined; calls: string[] } {
  const calls: string[] = [];
  const sni = (name: string): typeof aPem | undefined => {
    calls.push(name);
    return name === 'a.test' ? aPem : name === 'b.test' ? bPem : undefined;
  };
  return { sni, calls };
}

/** A listener on 127.0.0.1 serving by `sni`, and its port. */
async function serving(
  sni: (name: string) => typeof aPem | undefined,
): Promise<{ server: DtlsListener; port: number }> {
  const server = listen(() => {}, { sni, host: '127.0.0.1', wallClock });
  const { port } = await server.listening;
  return { server, port };
}

test('40 ClientHellos that never return the cookie get their HelloRetryRequests without one sni() call', async (t) => {
  const { sni, calls } = countingSni();
  const { server, port } = await serving(sni);
  t.teardown(() => server.close());
  const names = ['a.test', 'b.test', 'unknown.test', 'x.a.test'];
  const sockets = await Promise.all(Array.from({ length: 40 }, () => rawSocket()));
  t.teardown(() => sockets.forEach((s) => s.close()));
  await Promise.all(
    sockets.map((s, i) => sendAll(s, new HelloSource({ serverName: names[i % 4]!, wallClock }).first(), port)),
  );
  await until(() => sockets.every((s) => s.received.length > 0));
  t.is(sockets.filter((s) => s.received.length > 0).length, 40, 'each got a HelloRetryRequest');
  t.deepEqual(calls, []);
  t.is(server.stats.handshaking, 0);
});

test('a client that returns the cookie is served by name: sni() runs once for it', async (t) => {
  const { sni, calls } = countingSni();
  const { server, port } = await serving(sni);
  t.teardown(() => server.close());
  const client = await RawClient.connect({ serverName: 'b.test', trustAnchors: [b.caDer], wallClock }, port);
  t.teardown(() => client.close());
  t.is(client.connection.state, 'connected');
  t.deepEqual(calls, ['b.test']);
});

test('a name sni() does not know is refused with unrecognized_name once the cookie came back', async (t) => {
  const { sni, calls } = countingSni();
  const { server, port } = await serving(sni);
  t.teardown(() => server.close());
  const error = await t.throwsAsync(
    RawClient.connect({ serverName: 'c.test', trustAnchors: [a.caDer], wallClock }, port),
  );
  t.regex(error?.message ?? '', /unrecognized_name/);
  t.deepEqual(calls, ['c.test']);
});
